package dev.testlens.intellij

import com.intellij.openapi.project.Project
import com.redhat.devtools.lsp4ij.client.LanguageClientImpl

/** Answers the server's `workspace/configuration` requests for the `testlens` section. */
class TestlensLanguageClient(project: Project) : LanguageClientImpl(project) {
    override fun findSettings(section: String?): Any? = when (section) {
        null, "" -> mapOf(TestlensSettings.SECTION to TestlensSettings.defaults())
        TestlensSettings.SECTION -> TestlensSettings.defaults()
        else -> null
    }
}

/**
 * The server's settings, in the shape it reads (`workspace/configuration` section `testlens`, and
 * `initializationOptions`). The plugin sends the defaults; to change them, use the
 * user-defined server template (editors/jetbrains/template/testlens), whose settings.json LSP4IJ
 * lets you edit.
 */
object TestlensSettings {
    const val SECTION = "testlens"
    const val DEFAULT_LOG_LEVEL = "info"

    fun defaults(): Map<String, Any?> = mapOf(
        "database" to null,
        "hints" to mapOf("complexity" to true, "coverage" to true, "risk" to true),
        "risk" to mapOf("threshold" to 0.5),
        "flaky" to mapOf("window" to 30, "stableRuns" to 30),
        "logLevel" to DEFAULT_LOG_LEVEL,
    )
}
