package com.redhat.devtools.lsp4ij.client;

import org.jetbrains.annotations.NotNull;
import org.jetbrains.annotations.Nullable;

import com.intellij.openapi.project.Project;

public class LanguageClientImpl {
    public LanguageClientImpl(@NotNull Project project) { throw new UnsupportedOperationException("stub"); }
    public @NotNull Project getProject() { throw new UnsupportedOperationException("stub"); }
    /** @param section nullable: null asks for the whole settings object. */
    protected Object findSettings(@Nullable String section) { throw new UnsupportedOperationException("stub"); }
    @Nullable
    protected Object createSettings() { throw new UnsupportedOperationException("stub"); }
}
