package com.intellij.execution.configurations;

import org.jetbrains.annotations.NotNull;
import org.jetbrains.annotations.Nullable;

public class GeneralCommandLine {
    public GeneralCommandLine(@NotNull String... command) { throw new UnsupportedOperationException("stub"); }
    public @NotNull GeneralCommandLine withWorkDirectory(@Nullable String path) { throw new UnsupportedOperationException("stub"); }
    public @NotNull GeneralCommandLine withEnvironment(@NotNull String key, @NotNull String value) { throw new UnsupportedOperationException("stub"); }
}
