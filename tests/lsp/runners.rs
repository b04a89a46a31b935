//! The fixtures' real runners, for the end-to-end tests that apply a fix and then run the test
//! it fixed (`TESTLENS_RUNNER_TESTS=1`; the runners come from `fixtures/install-runners.sh`).

use std::path::Path;
use std::process::Command;

use crate::harness::fixtures;

/// Whether the tests that run the fixtures' runners are on.
pub fn enabled() -> bool {
    std::env::var_os("TESTLENS_RUNNER_TESTS").is_some_and(|v| v == "1")
}

/// The command that runs one test of a copy of the `language` fixture at `root`: `test` is
/// pytest's node id, a Vitest or Jest name filter (with its `file`), a Go test name or a Rust
/// test path.
pub fn one_test(language: &str, root: &Path, file: &str, test: &str) -> Command {
    let mut c;
    match language {
        "python" => {
            c = Command::new(fixtures().join(".venv/bin/pytest"));
            c.args(["-q", "-p", "no:cacheprovider", test]);
        }
        "typescript" => {
            c = Command::new(root.join("node_modules/.bin/vitest"));
            c.args(["run", file, "-t", test]);
        }
        "javascript" => {
            c = Command::new(root.join("node_modules/.bin/jest"));
            c.args([file, "-t", test]);
        }
        "go" => {
            c = Command::new("/usr/lib/go-1.23/bin/go");
            c.args(["test", "-count=1", "-run", &format!("^{test}$"), "./..."])
                .env("GOTOOLCHAIN", "local")
                .env("GOPROXY", "off")
                .env("GOFLAGS", "");
        }
        "rust" => {
            c = Command::new("cargo");
            c.args(["test", "--lib", test]).env(
                "CARGO_TARGET_DIR",
                Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-fixture-rust"),
            );
        }
        other => panic!("no runner for {other}"),
    }
    c.current_dir(root);
    c
}

/// Runs the test and panics with the runner's output unless it passes.
pub fn assert_passes(language: &str, root: &Path, file: &str, test: &str) {
    let out = one_test(language, root, file, test).output().unwrap();
    assert!(
        out.status.success(),
        "{language}: the fixed test fails under its runner:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
