// The testlens plugin for IntelliJ-based IDEs, built with the IntelliJ Platform Gradle Plugin 2.x.
// `gradle buildPlugin` makes build/distributions/testlens-intellij-<version>.zip ("Install Plugin
// from Disk…"); `gradle runIde` starts a sandbox IDE with the plugin and LSP4IJ. Not built in
// this repository's CI (see README.md).
plugins {
    id("org.jetbrains.kotlin.jvm") version "2.1.20"
    id("org.jetbrains.intellij.platform") version "2.9.0"
}

group = "dev.testlens"
version = providers.gradleProperty("pluginVersion").get()

kotlin {
    jvmToolchain(21)
}

repositories {
    mavenCentral()
    intellijPlatform {
        defaultRepositories()
    }
}

dependencies {
    intellijPlatform {
        intellijIdeaCommunity(providers.gradleProperty("platformVersion"))
        // LSP4IJ, which the plugin builds on (plugin.xml: <depends>com.redhat.devtools.lsp4ij</depends>).
        plugin("com.redhat.devtools.lsp4ij", providers.gradleProperty("lsp4ijVersion").get())
    }
}

intellijPlatform {
    pluginConfiguration {
        version = providers.gradleProperty("pluginVersion")
        ideaVersion {
            sinceBuild = providers.gradleProperty("pluginSinceBuild")
            untilBuild = provider { null }
        }
    }
}
