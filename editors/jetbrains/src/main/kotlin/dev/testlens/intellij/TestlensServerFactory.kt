package dev.testlens.intellij

import com.intellij.openapi.project.Project
import com.redhat.devtools.lsp4ij.LanguageServerFactory
import com.redhat.devtools.lsp4ij.client.LanguageClientImpl
import com.redhat.devtools.lsp4ij.server.StreamConnectionProvider

/**
 * The testlens language server for LSP4IJ (declared in plugin.xml): `testlens lsp` over stdio,
 * with the `testlens` settings.
 */
class TestlensServerFactory : LanguageServerFactory {
    override fun createConnectionProvider(project: Project): StreamConnectionProvider =
        TestlensConnectionProvider(project)

    override fun createLanguageClient(project: Project): LanguageClientImpl =
        TestlensLanguageClient(project)
}
