package com.intellij.openapi.project;

import org.jetbrains.annotations.NotNull;
import org.jetbrains.annotations.Nullable;

public interface Project {
    /** Nullable in the platform: a project may have no base directory. */
    @Nullable String getBasePath();
}
