//! End-to-end tests of the CLI: the real binary on real projects and real runner reports.

mod generate;
mod ingest;

use std::path::Path;
use std::process::Command;

fn check(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_testlens"))
        .arg("check")
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run testlens check");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    )
}

fn fixtures() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn the_fixtures_report_counts_per_language_and_every_smell_and_exit_1_on_focused_tests() {
    let (code, stdout, _) = check(&[&fixtures()]);
    assert_eq!(
        code, 1,
        "focused tests in the JS/TS fixtures are errors\n{stdout}"
    );
    for language in ["Go", "JavaScript", "Python", "Rust", "TypeScript"] {
        assert!(
            stdout.contains(&format!("  {language}")),
            "{language} missing:\n{stdout}"
        );
    }
    assert!(
        stdout.contains("python/tests/test_pricing.py:37:5: warning[fixed-sleep]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("python/tests/test_pricing.py:41:5: warning[no-assertion]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("python/tests/test_pricing.py:45:1: hint[skip-without-reason]"),
        "{stdout}"
    );
    assert!(stdout.contains("error[focused-test]"), "{stdout}");
    assert!(!stdout.contains("\x1b["), "no colour with NO_COLOR");
}

#[test]
fn json_output_is_machine_readable_with_the_same_findings() {
    let (code, stdout, _) = check(&[&format!("{}/python", fixtures()), "--format", "json"]);
    assert_eq!(code, 0, "no error-level smell in the Python fixture");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    assert_eq!(report["version"], 1);
    assert_eq!(report["languages"]["Python"]["files"], 6);
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["fixed-sleep", "no-assertion", "skip-without-reason"]
    );
    assert_eq!(report["diagnostics"][0]["path"], "tests/test_pricing.py");
    assert_eq!(
        report["summary"],
        serde_json::json!({ "errors": 0, "warnings": 2, "hints": 1 })
    );
}

#[test]
fn bad_usage_exits_2_with_a_message() {
    let (code, _, stderr) = check(&["/definitely/not/here"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot check /definitely/not/here"),
        "{stderr}"
    );
    let (code, _, stderr) = check(&["--format", "xml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("invalid value 'xml'"), "{stderr}");
}

#[test]
fn an_empty_directory_is_checked_without_error() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, _) = check(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("no Rust, Python, Go, JavaScript or TypeScript files found"),
        "{stdout}"
    );
}

#[test]
fn binary_huge_and_invalid_files_are_counted_as_skipped_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ok.py"), "def ok(): pass\n").unwrap();
    std::fs::write(dir.path().join("bin.py"), b"\x00\x00\x00").unwrap();
    std::fs::write(dir.path().join("big.go"), vec![b'/'; 5 * 1024 * 1024]).unwrap();
    std::fs::write(dir.path().join("bad.rs"), b"fn bad() {}\n// \xff\xfe\n").unwrap();
    let (code, stdout, _) = check(&[dir.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["skipped_files"], 2);
    assert_eq!(report["languages"]["Python"]["files"], 1);
    assert_eq!(
        report["languages"]["Rust"]["functions"], 1,
        "invalid UTF-8 is decoded lossily"
    );
}
