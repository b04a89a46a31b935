#!/usr/bin/env python3
"""What can be checked of the JetBrains client without the IntelliJ Platform.

The plugin cannot be built here (its Gradle build needs Maven Central, the Gradle plugin portal
and the JetBrains repositories). This checks instead:

1. plugin.xml is well-formed, depends on LSP4IJ, declares one server whose factoryClass is a
   class of the Kotlin sources, and maps to it exactly the file extensions the server analyses
   (server/syntax/src/language.rs) with the right languageIds;
2. the LSP4IJ template (template.json, settings.json, initializationOptions.json) is valid JSON,
   maps the same patterns to the same languageIds, and carries the documented settings shape;
3. the command both start (`testlens lsp`) is what the real server accepts: it is run, and
   answers initialize, shutdown and exit over stdio;
4. the Kotlin compiles with kotlinc, against stubs of the platform and LSP4IJ classes it uses
   (tests/editors/jetbrains/stubs/README.md): a type check, not a build.

Usage: check.py TESTLENS_BINARY   (KOTLINC: the kotlinc script; without it step 4 fails)
"""
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PLUGIN = ROOT / "editors" / "jetbrains"
TEMPLATE = PLUGIN / "template" / "testlens"
STUBS = Path(__file__).resolve().parent / "stubs"

# The settings the server reads (section `testlens`), with their defaults.
SETTINGS = {
    "database": None,
    "hints": {"complexity": True, "coverage": True, "risk": True},
    "risk": {"threshold": 0.5},
    "flaky": {"window": 30, "stableRuns": 30},
    "logLevel": "info",
}
# Server language → LSP languageId(s) the clients send.
LANGUAGE_IDS = {
    "Rust": {"rust"},
    "Python": {"python"},
    "Go": {"go"},
    "JavaScript": {"javascript", "javascriptreact"},
    "TypeScript": {"typescript"},
    "Tsx": {"typescriptreact"},
}

failures = []


def check(name, fn):
    try:
        fn()
        print(f"ok   {name}")
    except Exception as e:  # noqa: BLE001 - every failure is reported the same way
        failures.append(name)
        print(f"FAIL {name}\n     " + str(e).replace("\n", "\n     "))


def server_extensions():
    """{extension: Language} from the server's own table."""
    src = (ROOT / "server" / "syntax" / "src" / "language.rs").read_text()
    body = src[src.index("fn from_extension"):]
    body = body[: body.index("_ => return None")]
    table = {}
    for exts, lang in re.findall(r'((?:"\w+"\s*\|?\s*)+)=>\s*Language::(\w+)', body):
        for ext in re.findall(r'"(\w+)"', exts):
            table[ext] = lang
    if not table:
        raise AssertionError("found no extensions in server/syntax/src/language.rs")
    return table


def plugin_mappings():
    root = ET.parse(PLUGIN / "src/main/resources/META-INF/plugin.xml").getroot()
    return root


def check_plugin_xml():
    root = plugin_mappings()
    assert root.tag == "idea-plugin", root.tag
    assert root.findtext("id"), "no <id>"
    depends = [d.text for d in root.findall("depends")]
    assert "com.redhat.devtools.lsp4ij" in depends, f"no <depends>com.redhat.devtools.lsp4ij</depends>: {depends}"
    ext = [e for e in root.findall("extensions") if e.get("defaultExtensionNs") == "com.redhat.devtools.lsp4ij"]
    assert len(ext) == 1, "expected one <extensions defaultExtensionNs=\"com.redhat.devtools.lsp4ij\">"
    servers = ext[0].findall("server")
    assert len(servers) == 1, f"expected one <server>, found {len(servers)}"
    server = servers[0]
    factory = server.get("factoryClass")
    pkg, _, cls = factory.rpartition(".")
    sources = list((PLUGIN / "src/main/kotlin").rglob("*.kt"))
    declared = [
        p for p in sources
        if re.search(rf"^package {re.escape(pkg)}$", p.read_text(), re.M)
        and re.search(rf"^class {cls}\b.*:\s*LanguageServerFactory\b", p.read_text(), re.M)
    ]
    assert declared, f"factoryClass {factory} is not a LanguageServerFactory class in {PLUGIN / 'src/main/kotlin'}"
    mapped = {}
    for m in ext[0].findall("fileNamePatternMapping"):
        assert m.get("serverId") == server.get("id"), f"mapping for serverId {m.get('serverId')} != {server.get('id')}"
        for pattern in m.get("patterns").split(";"):
            mapped[pattern] = m.get("languageId")
    compare_patterns("plugin.xml", mapped)


def compare_patterns(where, mapped):
    """`mapped` ({'*.ts': 'typescript'}) must be exactly the server's extensions."""
    table = server_extensions()
    want = {f"*.{e}" for e in table}
    assert set(mapped) == want, f"{where} maps {sorted(mapped)}, the server reads {sorted(want)}"
    for pattern, language_id in mapped.items():
        lang = table[pattern[2:]]
        assert language_id in LANGUAGE_IDS[lang], f"{where}: {pattern} → languageId {language_id!r}, not one of {LANGUAGE_IDS[lang]}"


def check_template():
    template = json.loads((TEMPLATE / "template.json").read_text())
    assert template["id"] == "testlens", template["id"]
    mapped = {}
    for m in template["fileTypeMappings"]:
        for pattern in m["fileType"]["patterns"]:
            mapped[pattern] = m["languageId"]
    compare_patterns("template.json", mapped)
    settings = json.loads((TEMPLATE / "settings.json").read_text())
    assert settings == {"testlens": SETTINGS}, f"settings.json is {settings}, expected {{'testlens': {SETTINGS}}}"
    init = json.loads((TEMPLATE / "initializationOptions.json").read_text())
    assert init == SETTINGS, f"initializationOptions.json is {init}"
    json.loads((TEMPLATE / "clientSettings.json").read_text())


def template_command():
    """The command of the template's default (Linux/macOS) programArgs, as argv."""
    args = shlex.split(json.loads((TEMPLATE / "template.json").read_text())["programArgs"]["default"])
    if args[:2] == ["sh", "-c"]:
        args = shlex.split(args[2])
    return args


def kotlin_command():
    """The command the Kotlin connection provider builds: GeneralCommandLine(binary, "lsp", …)."""
    src = (PLUGIN / "src/main/kotlin/dev/testlens/intellij/TestlensConnectionProvider.kt").read_text()
    m = re.search(r"GeneralCommandLine\(serverBinary\(\)((?:,\s*\"[^\"]*\")*)\)", src)
    assert m, "no GeneralCommandLine(serverBinary(), …) in TestlensConnectionProvider.kt"
    return ["testlens"] + re.findall(r'"([^"]*)"', m.group(1))


def check_commands_start_the_server(binary):
    def run():
        template = template_command()
        kotlin = kotlin_command()
        assert template == ["testlens", "lsp"], f"template starts {template}"
        assert kotlin == template, f"the plugin starts {kotlin}, the template {template}"
        # The same argv, with the binary under test in place of `testlens` on PATH.
        argv = [binary] + template[1:]
        with tempfile.TemporaryDirectory() as root:
            p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, cwd=root)
            try:
                send(p, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                    "processId": None, "rootUri": Path(root).as_uri(), "capabilities": {},
                    "initializationOptions": SETTINGS}})
                init = receive(p, 1)
                assert "capabilities" in init.get("result", {}), f"initialize answered {init}"
                send(p, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
                send(p, {"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
                shutdown = receive(p, 2)
                assert "result" in shutdown, f"shutdown answered {shutdown}"
                send(p, {"jsonrpc": "2.0", "method": "exit"})
                p.stdin.close()
                code = p.wait(timeout=10)
                assert code == 0, f"{argv} exited {code} after exit: {p.stderr.read().decode(errors='replace')[-800:]}"
            finally:
                if p.poll() is None:
                    p.kill()
    return run


def send(p, msg):
    body = json.dumps(msg).encode()
    p.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    p.stdin.flush()


def receive(p, id, timeout=30):
    """The response to request `id` (skipping the server's notifications and requests)."""
    import select
    import time
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([p.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        headers = {}
        while True:
            line = p.stdout.readline()
            if not line:
                raise AssertionError(f"the server closed stdout: {p.stderr.read().decode(errors='replace')[-800:]}")
            if line in (b"\r\n", b"\n"):
                break
            k, _, v = line.decode().partition(":")
            headers[k.strip().lower()] = v.strip()
        msg = json.loads(p.stdout.read(int(headers["content-length"])))
        if msg.get("id") == id and "method" not in msg:
            return msg
    raise AssertionError(f"no response to request {id} in {timeout}s")


def check_kotlin_compiles():
    kotlinc = os.environ.get("KOTLINC")
    assert kotlinc and Path(kotlinc).exists(), f"no kotlinc (KOTLINC={kotlinc!r}); tests/editors/run.sh installs it"
    annotations = Path(kotlinc).resolve().parent.parent / "lib" / "annotations-13.0.jar"
    with tempfile.TemporaryDirectory() as tmp:
        classes = Path(tmp) / "stubs"
        java = [str(p) for p in STUBS.rglob("*.java")]
        subprocess.run(["javac", "-d", str(classes), "-cp", str(annotations), *java], check=True,
                       capture_output=True, text=True)
        sources = [str(p) for p in (PLUGIN / "src/main/kotlin").rglob("*.kt")]
        p = subprocess.run(
            [kotlinc, "-jvm-target", "17", "-Werror", "-cp", f"{classes}:{annotations}",
             "-d", str(Path(tmp) / "out"), *sources],
            capture_output=True, text=True, timeout=300,
        )
        assert p.returncode == 0, f"kotlinc exited {p.returncode}:\n{p.stdout}{p.stderr}"
        built = sorted(str(c.relative_to(Path(tmp) / "out")) for c in (Path(tmp) / "out").rglob("*.class"))
        assert "dev/testlens/intellij/TestlensServerFactory.class" in built, built


def check_gradle_build():
    build = (PLUGIN / "build.gradle.kts").read_text()
    assert re.search(r'id\("org\.jetbrains\.intellij\.platform"\) version "2\.\d+\.\d+"', build), \
        "build.gradle.kts does not apply the IntelliJ Platform Gradle Plugin 2.x"
    assert 'plugin("com.redhat.devtools.lsp4ij"' in build, "build.gradle.kts has no LSP4IJ plugin dependency"
    props = dict(
        line.split("=", 1) for line in (PLUGIN / "gradle.properties").read_text().splitlines()
        if line and not line.startswith("#")
    )
    for key in re.findall(r'gradleProperty\("(\w+)"\)', build):
        assert key in props, f"build.gradle.kts reads gradle property {key}, not in gradle.properties"


def main():
    binary = sys.argv[1]
    check("plugin.xml: well-formed, LSP4IJ server with a Kotlin factory, the server's file extensions", check_plugin_xml)
    check("template: valid JSON, same mappings, the documented settings", check_template)
    check("`testlens lsp` (template and plugin) starts the real server: initialize, shutdown, exit",
          check_commands_start_the_server(binary))
    check("build.gradle.kts: IntelliJ Platform Gradle Plugin 2.x, LSP4IJ, its properties defined", check_gradle_build)
    check("kotlinc compiles the plugin's Kotlin against stubs of IntelliJ/LSP4IJ", check_kotlin_compiles)
    print(f"\njetbrains checks: {5 - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
