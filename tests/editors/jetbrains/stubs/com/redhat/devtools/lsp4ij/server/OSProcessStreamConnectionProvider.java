package com.redhat.devtools.lsp4ij.server;

import org.jetbrains.annotations.NotNull;
import org.jetbrains.annotations.Nullable;

import com.intellij.execution.configurations.GeneralCommandLine;
import java.io.InputStream;
import java.io.OutputStream;

public class OSProcessStreamConnectionProvider implements StreamConnectionProvider {
    public OSProcessStreamConnectionProvider() { throw new UnsupportedOperationException("stub"); }
    public OSProcessStreamConnectionProvider(@Nullable GeneralCommandLine commandLine) { throw new UnsupportedOperationException("stub"); }
    public void setCommandLine(GeneralCommandLine commandLine) { throw new UnsupportedOperationException("stub"); }
    public GeneralCommandLine getCommandLine() { throw new UnsupportedOperationException("stub"); }
    @Override public void start() { throw new UnsupportedOperationException("stub"); }
    @Override public InputStream getInputStream() { throw new UnsupportedOperationException("stub"); }
    @Override public OutputStream getOutputStream() { throw new UnsupportedOperationException("stub"); }
    @Override public void stop() { throw new UnsupportedOperationException("stub"); }
}
