//! The "update the expected value" fix, end to end in every fixture language: a history of a
//! passing run (run-1) and of the run after an intended change to the line total
//! (`reports/regression/`, the real runner's output on the fixture with `change.diff` applied),
//! the same change made and committed in a copy of the fixture, the quick fix on the broken
//! test, the edit applied; with `TESTLENS_RUNNER_TESTS=1`, the fixture's real runner then passes
//! the test. Without the change in the workspace, the fix is offered disabled: a regression.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::features::apply_edits;
use crate::harness::{Server, fixtures, uri};
use crate::history::{capabilities, db, git, open, project};
use crate::runners;

struct Case {
    language: &'static str,
    /// The test file, and a line of its failing assertion as the fixture writes it.
    file: &'static str,
    assertion: &'static str,
    /// The same line after the fix.
    fixed: &'static str,
    /// The test, as its runner names it (see `runners::one_test`).
    test: &'static str,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            language: "python",
            file: "tests/test_pricing.py",
            assertion: "    assert line_total(50, 3) == 150",
            fixed: "    assert line_total(50, 3) == 151",
            test: "tests/test_pricing.py::test_line_total",
        },
        Case {
            language: "typescript",
            file: "src/pricing.test.ts",
            assertion: "    expect(lineTotal(apple(3))).toBe(150);",
            fixed: "    expect(lineTotal(apple(3))).toBe(151);",
            test: "multiplies price by quantity",
        },
        Case {
            language: "javascript",
            file: "__tests__/pricing.test.js",
            assertion: "    expect(lineTotal(apple(3))).toBe(150);",
            fixed: "    expect(lineTotal(apple(3))).toBe(151);",
            test: "multiplies price by quantity",
        },
        Case {
            language: "go",
            file: "pricing_test.go",
            assertion: "\tif got := LineTotal(Item{\"apple\", 50, 3}); got != 150 {",
            fixed: "\tif got := LineTotal(Item{\"apple\", 50, 3}); got != 151 {",
            test: "TestLineTotal",
        },
        Case {
            language: "rust",
            file: "src/lib.rs",
            assertion: "        assert_eq!(line_total(&apple(3)), 150);",
            fixed: "        assert_eq!(line_total(&apple(3)), 151);",
            test: "line_total_multiplies_price_by_qty",
        },
    ]
}

fn ingest_dir(root: &Path, run: &str, dir: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_testlens"))
        .current_dir(root)
        .args(["ingest", "--run-id", run, "--db"])
        .arg(db(root))
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ingest {dir}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A copy of the fixture with its passing run-1 and the regression run in its history; with
/// `change` the intended change is made and committed in between.
fn regressed(language: &str, change: bool) -> tempfile::TempDir {
    let dir = project(language);
    let root = dir.path();
    ingest_dir(root, "run-1", "reports/run-1");
    if change {
        git(root, &["apply", "reports/regression/change.diff"]);
        git(root, &["commit", "-q", "-am", "the line total adds one"]);
    }
    ingest_dir(root, "regression", "reports/regression");
    // The JavaScript fixtures' runners, installed by fixtures/install-runners.sh.
    let modules = fixtures().join(language).join("node_modules");
    if modules.is_dir() {
        std::os::unix::fs::symlink(&modules, root.join("node_modules")).unwrap();
    }
    dir
}

/// The broken-test diagnostic on `line`, once the server has published it.
fn broken_at(server: &mut Server, path: &Path, line: u64) -> Value {
    let published = server.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri(path)
            && p["diagnostics"].as_array().is_some_and(|ds| {
                ds.iter()
                    .any(|d| d["code"] == "broken-test" && d["range"]["start"]["line"] == line)
            })
    });
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "broken-test" && d["range"]["start"]["line"] == line)
        .cloned()
        .unwrap()
}

fn update_action(server: &mut Server, path: &Path, diagnostic: &Value) -> Value {
    let actions = server
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri(path) },
                "range": diagnostic["range"],
                "context": { "diagnostics": [diagnostic], "only": ["quickfix"] },
            }),
        )
        .unwrap();
    actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("Update the expected value"))
        })
        .cloned()
        .unwrap_or_else(|| panic!("no expected-value fix: {actions:?}"))
}

#[test]
fn after_an_intended_change_the_fix_writes_the_actual_value_and_the_test_passes() {
    for case in cases() {
        let dir = regressed(case.language, true);
        let root = dir.path();
        let mut server = Server::start(root, capabilities());
        server.wait_for_index();
        let path = root.join(case.file);
        let text = open(&mut server, &path);
        let line = text
            .lines()
            .position(|l| l == case.assertion)
            .unwrap_or_else(|| panic!("{}: no line {:?}", case.language, case.assertion))
            as u64;
        // Go reports the failure at the t.Errorf line, under the condition.
        let failing = if case.language == "go" {
            line + 1
        } else {
            line
        };
        let diagnostic = broken_at(&mut server, &path, failing);
        let action = update_action(&mut server, &path, &diagnostic);
        let title = action["title"].as_str().unwrap();
        assert!(
            title.starts_with("Update the expected value 150 to 151") && title.contains("changed"),
            "{}: {title}",
            case.language
        );
        assert_eq!(action["isPreferred"], true);
        assert!(action["disabled"].is_null(), "{action}");
        let edits = action["edit"]["changes"][uri(&path)].as_array().unwrap();
        let fixed = apply_edits(&text, edits);
        assert!(
            fixed.lines().any(|l| l == case.fixed),
            "{}: {:?} not in\n{fixed}",
            case.language,
            case.fixed
        );
        assert_eq!(
            fixed.lines().count(),
            text.lines().count(),
            "only the literal changes"
        );
        if case.language == "go" {
            assert!(fixed.contains("want 151"), "the message follows: {fixed}");
        }
        server.shutdown();
        if runners::enabled() {
            std::fs::write(&path, &fixed).unwrap();
            runners::assert_passes(case.language, root, case.file, case.test);
        } else {
            eprintln!("TESTLENS_RUNNER_TESTS is not 1: {} not run", case.language);
        }
    }
}

#[test]
fn without_a_change_to_what_the_test_covers_the_fix_is_refused_as_a_regression() {
    for language in ["python", "go"] {
        let case = cases()
            .into_iter()
            .find(|c| c.language == language)
            .unwrap();
        let dir = regressed(language, false);
        let root = dir.path();
        let mut server = Server::start(root, capabilities());
        server.wait_for_index();
        let path = root.join(case.file);
        let text = open(&mut server, &path);
        let line = text.lines().position(|l| l == case.assertion).unwrap() as u64;
        let failing = if language == "go" { line + 1 } else { line };
        let diagnostic = broken_at(&mut server, &path, failing);
        let action = update_action(&mut server, &path, &diagnostic);
        let reason = action["disabled"]["reason"].as_str().unwrap_or_default();
        assert!(
            reason.contains("looks like a regression"),
            "{language}: {action}"
        );
        assert_ne!(action["isPreferred"], true);
        server.shutdown();
    }
}
