package dev.testlens.intellij

import com.intellij.execution.configurations.GeneralCommandLine
import com.intellij.execution.configurations.PathEnvironmentVariableUtil
import com.intellij.openapi.project.Project
import com.intellij.openapi.vfs.VirtualFile
import com.redhat.devtools.lsp4ij.server.OSProcessStreamConnectionProvider

/**
 * Starts `<binary> lsp` in the project's directory. The binary is `$TESTLENS_SERVER_PATH` when
 * set, else `testlens` on `PATH`; the log level is `$TESTLENS_LOG` when set, else `info`. The
 * server's stderr (its log) shows in LSP4IJ's "LSP Consoles" view.
 */
class TestlensConnectionProvider(project: Project) : OSProcessStreamConnectionProvider() {
    init {
        val commandLine = GeneralCommandLine(serverBinary(), "lsp")
            .withEnvironment("TESTLENS_LOG", System.getenv("TESTLENS_LOG") ?: TestlensSettings.DEFAULT_LOG_LEVEL)
        project.basePath?.let { commandLine.withWorkDirectory(it) }
        setCommandLine(commandLine)
    }

    override fun getInitializationOptions(rootUri: VirtualFile?): Any = TestlensSettings.defaults()

    companion object {
        /** The binary to start: `$TESTLENS_SERVER_PATH`, else `testlens` found on `PATH`. */
        fun serverBinary(): String {
            System.getenv("TESTLENS_SERVER_PATH")?.takeIf { it.isNotBlank() }?.let { return it }
            // When it is on no PATH, starting "testlens" fails and LSP4IJ shows the error.
            return PathEnvironmentVariableUtil.findInPath("testlens")?.absolutePath ?: "testlens"
        }
    }
}
