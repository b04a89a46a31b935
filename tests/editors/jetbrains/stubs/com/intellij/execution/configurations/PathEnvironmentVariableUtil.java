package com.intellij.execution.configurations;

import org.jetbrains.annotations.NotNull;
import org.jetbrains.annotations.Nullable;

import java.io.File;

public final class PathEnvironmentVariableUtil {
    private PathEnvironmentVariableUtil() {}
    /** Nullable: null when no such executable is on PATH. */
    public static @Nullable File findInPath(@NotNull String fileBaseName) { throw new UnsupportedOperationException("stub"); }
}
