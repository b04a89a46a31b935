package com.redhat.devtools.lsp4ij;

import org.jetbrains.annotations.NotNull;
import org.jetbrains.annotations.Nullable;

import com.intellij.openapi.project.Project;
import com.redhat.devtools.lsp4ij.client.LanguageClientImpl;
import com.redhat.devtools.lsp4ij.server.StreamConnectionProvider;

public interface LanguageServerFactory {
    @NotNull StreamConnectionProvider createConnectionProvider(@NotNull Project project);
    @NotNull default LanguageClientImpl createLanguageClient(@NotNull Project project) { return new LanguageClientImpl(project); }
}
