//! Healing end to end: the real binary over stdio on copies of the fixtures with their real
//! histories (`testlens ingest` of run-1..run-4, where the FLAKY_FAIL test flips). Quarantine
//! the flaky test through its code action, record it with the action's command, and find it in
//! `testlens check`; replace the fixed sleep with a wait.
//!
//! With `TESTLENS_RUNNER_TESTS=1` the fixture's real runner then runs on the result: the
//! quarantined test is skipped (with `FLAKY_FAIL=1`, which would make it fail), the test whose
//! sleep was replaced passes. Without it those steps print a note and are left out.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

use crate::features::apply_edits;
use crate::harness::{Server, client_capabilities, fixtures, uri};

/// One fixture language: where its flaky and sleeping tests are, and which reports make a run.
struct Lang {
    dir: &'static str,
    test_file: &'static str,
    flaky: &'static str,
    sleeping: &'static str,
    reports: fn(&str) -> Vec<&'static str>,
}

const PYTHON: Lang = Lang {
    dir: "python",
    test_file: "tests/test_pricing.py",
    flaky: "test_flaky_when_env_set",
    sleeping: "test_sleeps_briefly",
    reports: |run| {
        if run == "run-2" {
            vec!["pytest-junit-xunit1.xml", "coverage.json"]
        } else {
            vec!["pytest-junit.xml", "coverage.json"]
        }
    },
};
const GO: Lang = Lang {
    dir: "go",
    test_file: "pricing_test.go",
    flaky: "TestFlakyWhenEnvSet",
    sleeping: "TestSleepsBriefly",
    reports: |_| vec!["go-test.jsonl", "coverprofile.out"],
};
const JAVASCRIPT: Lang = Lang {
    dir: "javascript",
    test_file: "__tests__/pricing.test.js",
    flaky: "pricing > fails only when FLAKY_FAIL=1",
    sleeping: "pricing > sleeps briefly",
    reports: |_| vec!["jest-junit.xml", "cobertura.xml"],
};
const TYPESCRIPT: Lang = Lang {
    dir: "typescript",
    test_file: "src/pricing.test.ts",
    flaky: "pricing > fails only when FLAKY_FAIL=1",
    sleeping: "pricing > sleeps briefly",
    reports: |_| vec!["vitest-junit.xml", "lcov.info"],
};
const RUST: Lang = Lang {
    dir: "rust",
    test_file: "src/lib.rs",
    flaky: "tests > flaky_when_env_set",
    sleeping: "tests > sleeps_briefly",
    reports: |_| vec!["nextest-junit.xml", "lcov.info"],
};

/// A copy of a fixture (its `node_modules` linked, not copied) in a git repository.
fn project(lang: &Lang) -> tempfile::TempDir {
    let dir = crate::history::project(lang.dir);
    let modules = fixtures().join(lang.dir).join("node_modules");
    if modules.is_dir() {
        std::os::unix::fs::symlink(modules, dir.path().join("node_modules")).unwrap();
    }
    dir
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Ingests run-1..run-4 of the fixture's real reports, each as one run.
fn ingest_history(root: &Path, lang: &Lang) {
    for run in ["run-1", "run-2", "run-3", "run-4"] {
        let out = Command::new(env!("CARGO_BIN_EXE_testlens"))
            .current_dir(root)
            .args(["ingest", "--run-id", run])
            .args(
                (lang.reports)(run)
                    .iter()
                    .map(|f| format!("reports/{run}/{f}")),
            )
            .output()
            .unwrap();
        assert!(out.status.success(), "ingest {run}: {}", stderr(&out));
    }
}

/// UTF-8 positions, so that edits apply to the text by byte offsets.
fn capabilities() -> Value {
    let mut caps = client_capabilities();
    caps["general"]["positionEncodings"] = json!(["utf-8"]);
    caps
}

/// Opens `path` and waits for its diagnostics to include one with `code` whose message names
/// `test`; returns that diagnostic.
fn diagnostic(server: &mut Server, path: &Path, code: &str, test: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    server.open(path, &text);
    let needle = format!("`{test}`");
    let published = server.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri(path)
            && p["diagnostics"].as_array().is_some_and(|ds| {
                ds.iter().any(|d| {
                    d["code"] == code && d["message"].as_str().is_some_and(|m| m.contains(&needle))
                })
            })
    });
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code && d["message"].as_str().is_some_and(|m| m.contains(&needle)))
        .cloned()
        .unwrap()
}

fn quick_fixes(server: &mut Server, path: &Path, diagnostic: &Value) -> Vec<Value> {
    server
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri(path) },
                "range": diagnostic["range"],
                "context": { "diagnostics": [diagnostic], "only": ["quickfix"] },
            }),
        )
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn runner_tests() -> bool {
    let on = std::env::var("TESTLENS_RUNNER_TESTS").is_ok_and(|v| v == "1");
    if !on {
        eprintln!("note: TESTLENS_RUNNER_TESTS is not 1: the fixture's runner is not run");
    }
    on
}

/// `testlens check --format json` of `root`.
fn check_json(root: &Path) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_testlens"))
        .args(["check", "--format", "json"])
        .arg(root)
        .output()
        .unwrap();
    serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("check JSON: {e}: {}{}", stdout(&out), stderr(&out)))
}

/// Quarantines the fixture's flaky test through the real server, end to end, and returns the
/// project with the edit applied and the quarantine recorded.
fn quarantine(lang: &Lang) -> (tempfile::TempDir, PathBuf) {
    let dir = project(lang);
    let root = dir.path().to_owned();
    ingest_history(&root, lang);
    let file = root.join(lang.test_file);
    let text = std::fs::read_to_string(&file).unwrap();

    let mut server = Server::start(&root, capabilities());
    let flaky = diagnostic(&mut server, &file, "flaky-test", lang.flaky);
    let actions = quick_fixes(&mut server, &file, &flaky);
    let quarantines: Vec<&Value> = actions
        .iter()
        .filter(|a| a["title"].as_str().unwrap().starts_with("Quarantine"))
        .collect();
    assert!(!quarantines.is_empty(), "a quarantine fix: {actions:#?}");
    let action = quarantines
        .iter()
        .find(|a| a["isPreferred"] == true)
        .expect("a preferred quarantine fix");
    assert_eq!(
        action["diagnostics"][0], flaky,
        "it fixes the flaky-test diagnostic"
    );
    let command = &action["command"];
    assert_eq!(command["command"], "testlens.recordQuarantine");
    let args = command["arguments"].as_array().unwrap();
    assert_eq!(args[0], lang.test_file);
    assert_eq!(args[1], lang.flaky);
    let reason = args[2].as_str().unwrap().to_owned();
    assert_eq!(reason, "flaky: failed 2 of 4 runs on unchanged code");

    // The client applies the edit, saves, then runs the command.
    let edits = action["edit"]["changes"][uri(&file)].as_array().unwrap();
    let healed = apply_edits(&text, edits);
    assert!(
        healed.contains(&reason),
        "the reason is in the code:\n{healed}"
    );
    std::fs::write(&file, &healed).unwrap();
    let recorded = server
        .request(
            "workspace/executeCommand",
            json!({ "command": command["command"], "arguments": command["arguments"] }),
        )
        .unwrap();
    assert_eq!(recorded["file"], lang.test_file);
    assert_eq!(recorded["name"], lang.flaky);
    assert!(recorded["since"].as_i64().unwrap() > 1_700_000_000);

    // After the edit the test is skipped with a reason, so no smell is left on it.
    server.change(&file, 2, json!([{ "text": healed }]));
    let published = server.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri(&file) && p["version"] == 2
    });
    assert!(
        !published["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "skip-without-reason"
                && d["message"].as_str().unwrap().contains(lang.flaky)),
        "the quarantine's skip carries its reason: {published:#}"
    );
    drop(server);

    let report = check_json(&root);
    let listed = report["quarantined"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{report:#}");
    assert_eq!(listed[0]["path"], lang.test_file);
    assert_eq!(listed[0]["name"], lang.flaky);
    assert_eq!(listed[0]["reason"], reason.as_str());
    assert_eq!(listed[0]["skipped"], true, "the code skips it: {report:#}");
    assert!(listed[0]["line"].as_u64().is_some());
    (dir, file)
}

#[test]
fn heal_quarantine_python() {
    let (dir, _) = quarantine(&PYTHON);
    // The text and SARIF reports list it too.
    let check = |format: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_testlens"))
            .args(["check", "--color", "never", "--format", format])
            .arg(dir.path())
            .output()
            .unwrap();
        stdout(&out)
    };
    let text = check("human");
    assert!(text.contains("1 test in quarantine:"), "{text}");
    let line = text
        .lines()
        .find(|l| l.contains("[quarantined]"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.starts_with(
            "tests/test_pricing.py:56:5: note[quarantined] `test_flaky_when_env_set` since 20"
        ) && line.ends_with("(today): flaky: failed 2 of 4 runs on unchanged code"),
        "{line}"
    );
    let sarif: Value = serde_json::from_str(&check("sarif")).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let quarantined: Vec<&Value> = results
        .iter()
        .filter(|r| r["ruleId"] == "quarantined-test")
        .collect();
    assert_eq!(quarantined.len(), 1, "{sarif:#}");
    assert_eq!(quarantined[0]["level"], "note");
    assert_eq!(
        quarantined[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "tests/test_pricing.py"
    );
    assert_eq!(
        quarantined[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        56
    );
    assert_eq!(
        quarantined[0]["properties"]["reason"],
        "flaky: failed 2 of 4 runs on unchanged code"
    );
    assert!(
        results.iter().any(|r| r["ruleId"] == "fixed-sleep"),
        "smells are results too"
    );
    if runner_tests() {
        let out = Command::new(fixtures().join(".venv/bin/pytest"))
            .current_dir(dir.path())
            .env("FLAKY_FAIL", "1")
            .args(["-rs", "tests/test_pricing.py"])
            .output()
            .unwrap();
        let text = stdout(&out);
        assert!(out.status.success(), "{text}{}", stderr(&out));
        assert!(
            text.lines()
                .any(|l| l.starts_with("SKIPPED [1] tests/test_pricing.py:")
                    && l.ends_with(": flaky: failed 2 of 4 runs on unchanged code")),
            "{text}"
        );
        assert!(text.contains("10 passed, 3 skipped"), "{text}");
    }
}

#[test]
fn heal_quarantine_go() {
    let (dir, _) = quarantine(&GO);
    if runner_tests() {
        let out = go(dir.path())
            .env("FLAKY_FAIL", "1")
            .args([
                "test",
                "-count=1",
                "-v",
                "-run",
                "^TestFlakyWhenEnvSet$",
                ".",
            ])
            .output()
            .unwrap();
        let text = stdout(&out);
        assert!(out.status.success(), "{text}{}", stderr(&out));
        assert!(text.contains("--- SKIP: TestFlakyWhenEnvSet"), "{text}");
        assert!(
            text.contains("flaky: failed 2 of 4 runs on unchanged code"),
            "{text}"
        );
    }
}

fn go(dir: &Path) -> Command {
    let mut command = Command::new("/usr/lib/go-1.23/bin/go");
    command
        .current_dir(dir)
        .env("GOTOOLCHAIN", "local")
        .env("GOPROXY", "off")
        .env("GOFLAGS", "");
    command
}

#[test]
fn heal_quarantine_javascript() {
    let (dir, _) = quarantine(&JAVASCRIPT);
    if runner_tests() {
        let out = Command::new(fixtures().join("javascript/node_modules/.bin/jest"))
            .current_dir(dir.path())
            .env("FLAKY_FAIL", "1")
            .args(["--json", "__tests__/pricing.test.js"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
        let status = js_status(&stdout(&out), "fails only when FLAKY_FAIL=1");
        assert_eq!(status, "pending", "Jest reports skipped tests as pending");
    }
}

#[test]
fn heal_quarantine_typescript() {
    let (dir, _) = quarantine(&TYPESCRIPT);
    if runner_tests() {
        let out = vitest(dir.path())
            .env("FLAKY_FAIL", "1")
            .args(["src/pricing.test.ts"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
        let status = js_status(&stdout(&out), "fails only when FLAKY_FAIL=1");
        assert_eq!(status, "skipped");
    }
}

fn vitest(dir: &Path) -> Command {
    let mut command = Command::new(fixtures().join("typescript/node_modules/.bin/vitest"));
    command
        .current_dir(dir)
        .env("CI", "true")
        .args(["run", "--reporter=json"]);
    command
}

/// The status of the test titled `title` in a Jest or Vitest `--json` report.
fn js_status(report: &str, title: &str) -> String {
    let start = report.find('{').expect("a JSON report");
    let report: Value = serde_json::from_str(&report[start..]).expect("a JSON report");
    report["testResults"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["assertionResults"].as_array().unwrap())
        .find(|t| t["title"] == title)
        .map(|t| t["status"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no test {title} in {report:#}"))
}

#[test]
fn heal_quarantine_rust() {
    let (dir, _) = quarantine(&RUST);
    if runner_tests() {
        let out = cargo_test(dir.path(), "flaky_when_env_set")
            .env("FLAKY_FAIL", "1")
            .output()
            .unwrap();
        let text = stdout(&out);
        assert!(out.status.success(), "{text}{}", stderr(&out));
        assert!(
            text.contains(
                "test tests::flaky_when_env_set ... ignored, flaky: failed 2 of 4 runs on unchanged code"
            ),
            "{text}"
        );
    }
}

fn cargo_test(dir: &Path, filter: &str) -> Command {
    let mut command = Command::new(env!("CARGO"));
    command
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("heal-fixture-rust"),
        )
        .args(["test", "--offline", "--lib", filter]);
    command
}

#[test]
fn heal_quarantine_into_a_locked_history_is_reported_not_recorded_and_then_retried() {
    let dir = project(&PYTHON);
    let root = dir.path();
    ingest_history(root, &PYTHON);
    let file = root.join(PYTHON.test_file);
    let mut server = Server::start(root, capabilities());
    let flaky = diagnostic(&mut server, &file, "flaky-test", PYTHON.flaky);
    let actions = quick_fixes(&mut server, &file, &flaky);
    let command = actions
        .iter()
        .find(|a| a["isPreferred"] == true)
        .map(|a| a["command"].clone())
        .unwrap();

    // Another writer holds the history for longer than the busy timeout.
    let holder = rusqlite::Connection::open(root.join(".testlens/history.db")).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = std::time::Instant::now();
    let answer = server
        .request(
            "workspace/executeCommand",
            json!({ "command": command["command"], "arguments": command["arguments"] }),
        )
        .unwrap();
    assert_eq!(answer, Value::Null);
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(4),
        "it waited"
    );
    let shown = server.notification("window/showMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.contains("was not recorded"))
    });
    assert_eq!(shown["type"], 1, "an error message");
    assert!(
        shown["message"].as_str().unwrap().contains("locked"),
        "{shown}"
    );
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    assert_eq!(check_json(root)["quarantined"], json!([]));

    // Once the writer is done, the same command records it.
    let answer = server
        .request(
            "workspace/executeCommand",
            json!({ "command": command["command"], "arguments": command["arguments"] }),
        )
        .unwrap();
    assert_eq!(answer["name"], PYTHON.flaky);
    drop(server);
    assert_eq!(check_json(root)["quarantined"][0]["name"], PYTHON.flaky);
}

#[test]
fn heal_a_test_that_never_flipped_gets_no_quarantine() {
    let dir = project(&PYTHON);
    let root = dir.path();
    ingest_history(root, &PYTHON);
    let file = root.join(PYTHON.test_file);
    let mut server = Server::start(root, capabilities());
    let flaky = diagnostic(&mut server, &file, "flaky-test", PYTHON.flaky);
    // The sleeping test passed in every run: at its name there is no quarantine.
    let text = std::fs::read_to_string(&file).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains(&format!("def {}", PYTHON.sleeping)))
        .unwrap();
    let actions = server
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri(&file) },
                "range": { "start": { "line": line, "character": 6 }, "end": { "line": line, "character": 6 } },
                "context": { "diagnostics": [], "only": ["quickfix"] },
            }),
        )
        .unwrap();
    assert!(
        !actions
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["title"].as_str().unwrap().starts_with("Quarantine")),
        "{actions:#}"
    );
    assert!(
        flaky["message"]
            .as_str()
            .unwrap()
            .contains("failed 2 of 4 runs")
    );
}

/// Replaces the fixture's fixed sleep through the real server; returns the project and the
/// healed text.
fn replace_sleep(lang: &Lang) -> (tempfile::TempDir, String) {
    let dir = project(lang);
    let root = dir.path().to_owned();
    let file = root.join(lang.test_file);
    let text = std::fs::read_to_string(&file).unwrap();
    let mut server = Server::start(&root, capabilities());
    let sleep = diagnostic(&mut server, &file, "fixed-sleep", lang.sleeping);
    let actions = quick_fixes(&mut server, &file, &sleep);
    let action = actions
        .iter()
        .find(|a| a["isPreferred"] == true)
        .unwrap_or_else(|| panic!("a preferred fix: {actions:#?}"));
    assert_eq!(action["diagnostics"][0], sleep);
    assert!(action.get("command").is_none(), "nothing to run after it");
    let edits = action["edit"]["changes"][uri(&file)].as_array().unwrap();
    let healed = apply_edits(&text, edits);
    std::fs::write(&file, &healed).unwrap();

    // The sleep is gone from the test, and the wait brings no smell back.
    server.change(&file, 2, json!([{ "text": healed }]));
    let published = server.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri(&file) && p["version"] == 2
    });
    let left: Vec<&Value> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "fixed-sleep")
        .collect();
    assert!(left.is_empty(), "{left:#?}\n{healed}");
    (dir, healed)
}

#[test]
fn heal_sleep_python() {
    let (dir, healed) = replace_sleep(&PYTHON);
    assert!(
        healed.contains("    _wait_until(_check, timeout=1.0)\n"),
        "{healed}"
    );
    if runner_tests() {
        let out = Command::new(fixtures().join(".venv/bin/pytest"))
            .current_dir(dir.path())
            .args(["tests/test_pricing.py::test_sleeps_briefly"])
            .output()
            .unwrap();
        let text = stdout(&out);
        assert!(out.status.success(), "{text}{}", stderr(&out));
        assert!(text.contains("1 passed"), "{text}");
    }
}

#[test]
fn heal_sleep_go() {
    let (dir, healed) = replace_sleep(&GO);
    assert!(
        healed.contains("time.Now().Add(1 * time.Second)"),
        "{healed}"
    );
    if runner_tests() {
        let out = go(dir.path())
            .args(["test", "-count=1", "-v", "-run", "^TestSleepsBriefly$", "."])
            .output()
            .unwrap();
        let text = stdout(&out);
        assert!(out.status.success(), "{text}{}", stderr(&out));
        assert!(text.contains("--- PASS: TestSleepsBriefly"), "{text}");
    }
}

#[test]
fn heal_sleep_javascript() {
    let (dir, healed) = replace_sleep(&JAVASCRIPT);
    assert!(healed.contains("await waitUntil(() => {"), "{healed}");
    if runner_tests() {
        let out = Command::new(fixtures().join("javascript/node_modules/.bin/jest"))
            .current_dir(dir.path())
            .args(["--json", "__tests__/pricing.test.js"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
        assert_eq!(js_status(&stdout(&out), "sleeps briefly"), "passed");
    }
}

#[test]
fn heal_sleep_typescript() {
    let (dir, healed) = replace_sleep(&TYPESCRIPT);
    assert!(healed.contains("await vi.waitFor(() => {"), "{healed}");
    assert!(
        healed.contains("import { vi, describe, expect, it } from \"vitest\";"),
        "{healed}"
    );
    if runner_tests() {
        let out = vitest(dir.path())
            .args(["src/pricing.test.ts"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
        assert_eq!(js_status(&stdout(&out), "sleeps briefly"), "passed");
    }
}

#[test]
fn heal_sleep_rust() {
    let (dir, healed) = replace_sleep(&RUST);
    assert!(
        healed.contains("wait_until(Duration::from_millis(1000), || {"),
        "{healed}"
    );
    if runner_tests() {
        let out = cargo_test(dir.path(), "sleeps_briefly").output().unwrap();
        let text = stdout(&out);
        assert!(out.status.success(), "{text}{}", stderr(&out));
        assert!(text.contains("test tests::sleeps_briefly ... ok"), "{text}");
    }
}
