//! The history in the editor, end to end: the real binary over stdio, with histories made by
//! `testlens ingest` from the fixtures' real reports (Python: pytest JUnit and coverage.py JSON,
//! four runs, the FLAKY_FAIL test failing in runs 2 and 4).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::{Server, client_capabilities, fixtures, uri};

/// A copy of a fixture project, in a git repository with one commit.
pub(crate) fn project(language: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = fixtures().join(language);
    copy_dir(&from, dir.path());
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "fixture"]);
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "node_modules" || name == ".venv" || name == "__pycache__" || name == "target" {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

pub(crate) fn db(root: &Path) -> PathBuf {
    root.join(".testlens/history.db")
}

/// Ingests `reports/<run>/<files>` as one run, from another process.
fn ingest(root: &Path, run: &str, files: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_testlens"))
        .current_dir(root)
        .args(["ingest", "--run-id", run, "--db"])
        .arg(db(root))
        .args(files.iter().map(|f| format!("reports/{run}/{f}")))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ingest {run}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn python_runs(root: &Path, runs: &[&str]) {
    for run in runs {
        let junit = if *run == "run-2" {
            "pytest-junit-xunit1.xml"
        } else {
            "pytest-junit.xml"
        };
        ingest(root, run, &[junit, "coverage.json"]);
    }
}

pub(crate) fn capabilities() -> Value {
    let mut caps = client_capabilities();
    caps["workspace"]["inlayHint"] = json!({ "refreshSupport": true });
    caps["workspace"]["codeLens"] = json!({ "refreshSupport": true });
    caps
}

/// The Python fixture with its four recorded runs ingested, and a server indexed on it.
fn python_with_four_runs() -> (tempfile::TempDir, Server) {
    let dir = project("python");
    python_runs(dir.path(), &["run-1", "run-2", "run-3", "run-4"]);
    let mut server = Server::start(dir.path(), capabilities());
    server.wait_for_index();
    (dir, server)
}

pub(crate) fn open(server: &mut Server, path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    server.open(path, &text);
    text
}

/// The diagnostics of the first publication for `path` that has one with code `code`.
fn wait_diagnostics(server: &mut Server, path: &Path, code: &str) -> Vec<Value> {
    let published = server.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri(path)
            && p["diagnostics"]
                .as_array()
                .is_some_and(|ds| ds.iter().any(|d| d["code"] == code))
    });
    published["diagnostics"].as_array().unwrap().clone()
}

fn with_code(diagnostics: &[Value], code: &str) -> Vec<Value> {
    diagnostics
        .iter()
        .filter(|d| d["code"] == code)
        .cloned()
        .collect()
}

/// Hint labels by the 1-based line they are on.
fn hints_by_line(server: &mut Server, path: &Path) -> Vec<(u64, String)> {
    server
        .inlay_hints(path)
        .into_iter()
        .map(|(line, _, label)| (line + 1, label))
        .collect()
}

#[test]
fn a_test_that_failed_last_is_broken_at_its_failing_line_and_flaky_with_evidence() {
    let (dir, mut server) = python_with_four_runs();
    let root = dir.path();
    let head = git(root, &["rev-parse", "HEAD"]);
    let file = root.join("tests/test_pricing.py");
    let text = open(&mut server, &file);
    let failing_line = text
        .lines()
        .position(|l| l.contains("FLAKY_FAIL=1 makes this test fail"))
        .unwrap() as u64;

    let all = wait_diagnostics(&mut server, &file, "broken-test");
    let broken = with_code(&all, "broken-test");
    assert_eq!(broken.len(), 1, "{broken:?}");
    let d = &broken[0];
    assert_eq!(
        d["range"]["start"]["line"], failing_line,
        "at the assert that failed: {d}"
    );
    assert_eq!(d["severity"], 1);
    let message = d["message"].as_str().unwrap();
    assert!(
        message.contains("FLAKY_FAIL=1 makes this test fail"),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "likely flaky: nothing it covers changed since it last passed at {}",
            &head[..7]
        )),
        "{message}"
    );
    let related = d["relatedInformation"].as_array().unwrap();
    assert_eq!(
        related[0]["location"]["range"]["start"]["line"],
        failing_line
    );
    assert!(
        related[1]["message"]
            .as_str()
            .unwrap()
            .contains("test_flaky_when_env_set")
    );

    let flaky = with_code(&all, "flaky-test");
    assert_eq!(flaky.len(), 1, "{flaky:?}");
    let message = flaky[0]["message"].as_str().unwrap();
    assert!(
        message.contains("test_flaky_when_env_set")
            && message.contains("failed 2 of 4 runs on unchanged code")
            && message.contains("last failure"),
        "{message}"
    );
    assert!(
        flaky[0]["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("flaky-test.md")
    );

    // The code lens above the test gives its record.
    let lenses = server.document_request("textDocument/codeLens", &file);
    let titles: Vec<&str> = lenses
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap())
        .collect();
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("✓ 2/4 · last failed") && t.ends_with("flaky")),
        "{titles:?}"
    );
    // The two tests marked skip ran in none of the runs.
    assert_eq!(
        titles
            .iter()
            .filter(|t| **t == "skipped in every recent run")
            .count(),
        2,
        "{titles:?}"
    );
}

/// The flaky rule's window comes from the settings: a change to it reads the history again, and
/// a change to the hints alone keeps the verdicts.
#[test]
fn a_new_flaky_window_from_the_editor_settings_is_applied_to_the_open_tests() {
    let (dir, mut server) = python_with_four_runs();
    let root = dir.path();
    let file = root.join("tests/test_pricing.py");
    open(&mut server, &file);
    wait_diagnostics(&mut server, &file, "flaky-test");
    let configure = |server: &mut Server, testlens: Value| {
        server.notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": { "testlens": testlens } }),
        )
    };
    let published_without_flaky = |server: &mut Server| {
        server.notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri(&file)
                && p["diagnostics"]
                    .as_array()
                    .is_some_and(|ds| ds.iter().all(|d| d["code"] != "flaky-test"))
        })
    };

    // One run in the window cannot show both outcomes.
    configure(&mut server, json!({ "flaky": { "window": 1 } }));
    let published = published_without_flaky(&mut server);
    assert!(
        with_code(published["diagnostics"].as_array().unwrap(), "broken-test").len() == 1,
        "the last run's failure is still shown: {published}"
    );
    configure(&mut server, json!({ "flaky": { "window": 30 } }));
    wait_diagnostics(&mut server, &file, "flaky-test");

    // Settings that do not fit are ignored (a warning in the log), the rules kept.
    configure(&mut server, json!({ "flaky": { "window": "many" } }));
    server.wait_for_log("ignoring testlens settings that do not fit");
    // Hints are not read from the history's rules: the flaky verdict stays.
    configure(&mut server, json!({ "hints": { "complexity": false } }));
    let hints = hints_by_line(&mut server, &root.join("shop/pricing.py"));
    assert!(
        hints.iter().all(|(_, label)| !label.starts_with("cx ")),
        "{hints:?}"
    );
    let diagnostics = server.document_request("textDocument/diagnostic", &file);
    assert_eq!(
        with_code(diagnostics["items"].as_array().unwrap(), "flaky-test").len(),
        1,
        "{diagnostics}"
    );
}

/// DeFlaker's point: a change to code the failing test does not cover is no regression.
#[test]
fn a_failure_after_a_change_to_code_it_does_not_cover_is_still_likely_flaky() {
    let dir = project("python");
    let root = dir.path();
    python_runs(root, &["run-1"]);
    // The code under test changes after the passing run, and a run fails after it.
    let pricing = root.join("shop/pricing.py");
    let changed = std::fs::read_to_string(&pricing)
        .unwrap()
        .replace("    return total\n", "    return total + 1\n");
    assert!(
        changed.contains("+ 1"),
        "the fixture's line_total changed shape"
    );
    std::fs::write(&pricing, changed).unwrap();
    git(root, &["commit", "-q", "-am", "change line_total"]);
    python_runs(root, &["run-2"]);
    let mut server = Server::start(root, capabilities());
    server.wait_for_index();
    let file = root.join("tests/test_pricing.py");
    open(&mut server, &file);
    let broken = with_code(
        &wait_diagnostics(&mut server, &file, "broken-test"),
        "broken-test",
    );
    // run-2 failed only the FLAKY_FAIL test, which calls nothing in shop: still "flaky"...
    let message = broken[0]["message"].as_str().unwrap();
    assert!(message.contains("likely flaky"), "{message}");
    // The verdict is the quarantine's evidence: the fix at the failing line answers the
    // broken-test diagnostic, and its reason is the verdict without the failure message.
    let actions = server
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri(&file) },
                "range": broken[0]["range"],
                "context": { "diagnostics": [broken[0]], "only": ["quickfix"] },
            }),
        )
        .unwrap();
    let quarantine = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Quarantine"))
        .unwrap_or_else(|| panic!("a quarantine fix on the broken test: {actions:#}"));
    assert_eq!(quarantine["diagnostics"][0], broken[0]);
    let reason = quarantine["command"]["arguments"][2].as_str().unwrap();
    let passed_at = message
        .split("since it last passed at ")
        .nth(1)
        .and_then(|rest| rest.get(..7))
        .unwrap_or_else(|| panic!("the verdict names the passing commit: {message}"));
    assert_eq!(
        reason,
        format!("likely flaky: nothing it covers changed since it last passed at {passed_at}")
    );
    let edits = quarantine["edit"]["changes"][uri(&file)]
        .as_array()
        .unwrap();
    let healed = crate::features::apply_edits(&std::fs::read_to_string(&file).unwrap(), edits);
    assert!(
        healed.contains(&format!("@pytest.mark.skip(reason=\"{reason}\")")),
        "{healed}"
    );
    // ... and a hover on line_total lists its tests from the call graph.
    let hover = server
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri(&pricing) }, "position": { "line": 3, "character": 5 } }),
        )
        .unwrap();
    let md = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        md.contains("Tests covering it") || md.contains("Coverage"),
        "{md}"
    );
}

/// The other half of the verdict: the run after an intended change to `line_total` (the
/// fixture's `reports/regression/`, real pytest output) fails the tests that run it.
#[test]
fn a_failure_after_a_change_to_code_it_covers_is_a_likely_regression_naming_the_commit() {
    let dir = project("python");
    let root = dir.path();
    let passed_at = git(root, &["rev-parse", "HEAD"]);
    python_runs(root, &["run-1"]);
    git(root, &["apply", "reports/regression/change.diff"]);
    git(root, &["commit", "-q", "-am", "line_total adds one"]);
    let changed_at = git(root, &["rev-parse", "HEAD"]);
    ingest(root, "regression", &["pytest-junit.xml", "coverage.json"]);
    let mut server = Server::start(root, capabilities());
    server.wait_for_index();
    let expected = format!(
        "likely regression: `line_total` changed in {} since it last passed at {}",
        &changed_at[..7],
        &passed_at[..7]
    );
    for (file, test_line) in [
        ("tests/test_pricing.py", "assert line_total(50, 3) == 150"),
        ("tests/test_cart.py", "assert cart.total() == 100"),
    ] {
        let path = root.join(file);
        let text = open(&mut server, &path);
        let line = text.lines().position(|l| l.contains(test_line)).unwrap() as u64;
        // The commit is named once churn is computed (after the first load).
        let published = server.notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri(&path)
                && p["diagnostics"].as_array().is_some_and(|ds| {
                    ds.iter().any(|d| {
                        d["code"] == "broken-test"
                            && d["message"].as_str().unwrap_or("").contains(&expected)
                    })
                })
        });
        let broken = with_code(published["diagnostics"].as_array().unwrap(), "broken-test");
        let d = broken
            .iter()
            .find(|d| d["range"]["start"]["line"] == line)
            .unwrap_or_else(|| panic!("{file}: no broken-test at line {line}: {broken:?}"));
        let message = d["message"].as_str().unwrap();
        assert!(message.contains(&expected), "{message}");
        assert!(!message.contains("likely flaky"), "{message}");
        assert_eq!(
            d["severity"], 1,
            "a regression on unchanged tests stays an error"
        );
    }
    // The flaky-only test of run-1 did not fail here: nothing else is broken in test_pricing.
    let pricing = root.join("tests/test_pricing.py");
    let report = server.document_request("textDocument/diagnostic", &pricing);
    let items = report["items"].as_array().unwrap();
    assert_eq!(with_code(items, "broken-test").len(), 1, "{items:?}");
}

/// coverage.py's own per-function percentages for a file, from its JSON report.
fn coverage_py_functions(report: &Path, file: &str) -> Vec<(String, f64)> {
    let json: Value = serde_json::from_str(&std::fs::read_to_string(report).unwrap()).unwrap();
    json["files"][file]["functions"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(name, _)| !name.is_empty())
        .map(|(name, f)| {
            (
                name.clone(),
                f["summary"]["percent_covered"].as_f64().unwrap(),
            )
        })
        .collect()
}

fn coverage_hint_of(hints: &[(u64, String)], line: u64) -> Option<String> {
    hints
        .iter()
        .find(|(l, label)| *l == line && label.ends_with("% cov"))
        .map(|(_, label)| label.clone())
}

#[test]
fn coverage_hints_equal_coverage_py_and_follow_edits() {
    let (dir, mut server) = python_with_four_runs();
    let root = dir.path();
    for file in ["shop/pricing.py", "shop/cart.py"] {
        let path = root.join(file);
        let text = open(&mut server, &path);
        let hints = hints_by_line(&mut server, &path);
        let expected = coverage_py_functions(&root.join("reports/run-4/coverage.json"), file);
        assert!(!expected.is_empty());
        for (name, percent) in &expected {
            let short = name.rsplit('.').next().unwrap();
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with(&format!("def {short}(")))
                .unwrap() as u64
                + 1;
            assert_eq!(
                coverage_hint_of(&hints, line),
                Some(format!("{percent:.0}% cov")),
                "{file}:{line} {name}: coverage.py says {percent}; hints {hints:?}"
            );
        }
    }

    // Two lines added above shipping_cents: its coverage moves with it, unchanged.
    let path = root.join("shop/pricing.py");
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("def shipping_cents("))
        .unwrap() as u64;
    let before = coverage_hint_of(&hints_by_line(&mut server, &path), line + 1).unwrap();
    server.change(
        &path,
        2,
        json!([{ "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
                 "text": "# one\n# two\n" }]),
    );
    let after = hints_by_line(&mut server, &path);
    assert_eq!(
        coverage_hint_of(&after, line + 3),
        Some(before.clone()),
        "{after:?}"
    );
    // A line changed inside it: that line is unknown, and the hint says so.
    server.change(
        &path,
        3,
        json!([{ "range": { "start": { "line": line + 3, "character": 0 }, "end": { "line": line + 3, "character": 0 } },
                 "text": "    extra = 1\n" }]),
    );
    let edited = hints_by_line(&mut server, &path);
    let label = coverage_hint_of(&edited, line + 3).unwrap();
    assert!(label.starts_with('~'), "{label} (before: {before})");
}

#[test]
fn an_ingest_from_another_process_shows_up_without_a_restart() {
    let dir = project("python");
    let root = dir.path();
    python_runs(root, &["run-1"]);
    let mut server = Server::start(root, capabilities());
    server.wait_for_index();
    let file = root.join("tests/test_pricing.py");
    open(&mut server, &file);
    server.drain_notifications();
    let seen_before = server.requests_seen("workspace/inlayHint/refresh").len();
    python_runs(root, &["run-2"]);
    let started = Instant::now();
    let broken = with_code(
        &wait_diagnostics(&mut server, &file, "broken-test"),
        "broken-test",
    );
    assert_eq!(broken.len(), 1, "the failure of run-2 appears");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(
        server.requests_seen("workspace/inlayHint/refresh").len() > seen_before,
        "hints are refreshed"
    );
    assert!(
        !server
            .requests_seen("workspace/codeLens/refresh")
            .is_empty()
    );
}

#[test]
fn no_store_a_corrupt_store_and_a_newer_schema_leave_the_server_answering() {
    let dir = project("python");
    let root = dir.path();
    let file = root.join("shop/pricing.py");

    // No store: complexity hints only, and one info line.
    let mut server = Server::start(root, capabilities());
    server.wait_for_index();
    open(&mut server, &file);
    let hints = hints_by_line(&mut server, &file);
    assert!(hints.iter().all(|(_, l)| l.starts_with("cx ")), "{hints:?}");
    server.wait_for_log("no test history at");
    drop(server);

    // Corrupt: a warning, and answers.
    std::fs::create_dir_all(root.join(".testlens")).unwrap();
    std::fs::write(db(root), b"this is not a database, it is forty bytes").unwrap();
    let mut server = Server::start(root, capabilities());
    server.wait_for_index();
    open(&mut server, &file);
    server.wait_for_log("cannot read the test history");
    assert!(!hints_by_line(&mut server, &file).is_empty());
    drop(server);

    // Newer schema: one clear message naming the version.
    std::fs::remove_file(db(root)).unwrap();
    python_runs(root, &["run-1"]);
    let conn = Command::new("python3")
        .args(["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA user_version = 99'); c.commit()"])
        .arg(db(root))
        .status()
        .unwrap();
    assert!(conn.success());
    let mut server = Server::start(root, capabilities());
    server.wait_for_index();
    open(&mut server, &file);
    let message = server.notification("window/showMessage", |_| true);
    assert!(
        message["message"]
            .as_str()
            .unwrap_or_default()
            .contains("newer than this testlens knows"),
        "{message}"
    );
    assert!(!hints_by_line(&mut server, &file).is_empty());
}

#[test]
fn a_test_renamed_since_the_history_keeps_no_stale_diagnostic() {
    let dir = project("python");
    let root = dir.path();
    python_runs(root, &["run-1", "run-2"]);
    let file = root.join("tests/test_pricing.py");
    let text = std::fs::read_to_string(&file).unwrap().replace(
        "def test_flaky_when_env_set(",
        "def test_renamed_env_check(",
    );
    std::fs::write(&file, &text).unwrap();
    let mut server = Server::start(root, capabilities());
    server.wait_for_index();
    server.open(&file, &text);
    let published = server.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri(&file)
    });
    let codes: Vec<&str> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(!codes.contains(&"broken-test"), "{codes:?}");
}

/// An ingest under way holds the history's write lock (and its marker): the server reads the
/// committed runs through SQLite's WAL snapshot, without waiting, and keeps answering.
#[test]
fn a_history_locked_by_an_ingest_is_read_through_its_snapshot() {
    let dir = project("python");
    let root = dir.path();
    python_runs(root, &["run-1", "run-2"]);
    // An ingest in the middle of a report: marker held, a write transaction open that has
    // deleted every result (uncommitted: no reader may see it).
    let marker = std::fs::File::create(root.join(".testlens/history.db.lock")).unwrap();
    marker.lock_shared().unwrap();
    let writer = rusqlite::Connection::open(db(root)).unwrap();
    writer
        .execute_batch("BEGIN IMMEDIATE; DELETE FROM results;")
        .unwrap();

    let mut server = Server::start(root, capabilities());
    server.wait_for_index();
    let file = root.join("tests/test_pricing.py");
    open(&mut server, &file);
    let broken = with_code(
        &wait_diagnostics(&mut server, &file, "broken-test"),
        "broken-test",
    );
    assert_eq!(broken.len(), 1, "the committed run-2 failure: {broken:?}");
    let lenses = server.document_request("textDocument/codeLens", &file);
    assert!(
        !lenses.as_array().unwrap().is_empty(),
        "lenses answer from the snapshot"
    );
    writer.execute_batch("ROLLBACK").unwrap();
    drop(marker);
}
