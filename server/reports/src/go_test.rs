//! The `go test -json` stream (test2json): one JSON event per line.
//!
//! A test is handed over at its `pass`, `fail` or `skip`, with the output it printed. A package
//! that fails without a failing test (a build failure, a panic outside any test, a failing
//! `TestMain`) becomes a test case named `(package)` with status `Errored`, so the failure is
//! not lost. Tests still running when their package ends (the binary died under them) are
//! handed over as failed.
//!
//! State is kept only for packages and tests that have started and not finished.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::BufRead;

use serde::Deserialize;

use crate::position::{Lines, Pos};
use crate::text::CappedText;
use crate::{CountingSink, ParseError, Status, TestCase};

/// The name of the test case that stands for a package's own failure.
pub const PACKAGE_CASE: &str = "(package)";

#[derive(Deserialize)]
struct GoEvent<'a> {
    #[serde(rename = "Action", borrow)]
    action: Cow<'a, str>,
    #[serde(rename = "Package", default, borrow)]
    package: Option<Cow<'a, str>>,
    #[serde(rename = "Test", default, borrow)]
    test: Option<Cow<'a, str>>,
    #[serde(rename = "Output", default, borrow)]
    output: Option<Cow<'a, str>>,
    #[serde(rename = "Elapsed", default)]
    elapsed: Option<f64>,
    /// Go 1.24's `build-output` and `build-fail` events name the package being built.
    #[serde(rename = "ImportPath", default, borrow)]
    import_path: Option<Cow<'a, str>>,
    /// Go 1.24: a package's `fail` after a build failure names the build that failed.
    #[serde(rename = "FailedBuild", default, borrow)]
    failed_build: Option<Cow<'a, str>>,
}

#[derive(Default)]
struct Package {
    output: CappedText,
    failed_tests: u64,
    running: HashMap<String, CappedText>,
}

#[derive(Default)]
struct State {
    packages: HashMap<String, Package>,
    /// Compiler output by the import path of the build (Go 1.24+).
    build_output: HashMap<String, CappedText>,
}

pub(crate) fn parse<R: BufRead>(
    input: R,
    sink: &mut CountingSink<'_>,
) -> Result<Option<&'static str>, ParseError> {
    let mut lines = Lines::new(input);
    let mut state = State::default();
    let mut seen_content = false;
    while let Some((n, raw)) = lines.next_line()? {
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        seen_content = true;
        let event: GoEvent<'_> = serde_json::from_slice(raw).map_err(|e| json_error(&e, n))?;
        state.event(event, sink)?;
    }
    if !seen_content {
        return Err(Pos { line: 1, column: 1 }.error("empty report"));
    }
    // A stream cut short (the run was killed): what was running is failed, never lost.
    let mut packages: Vec<_> = state.packages.into_iter().collect();
    packages.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, package) in packages {
        unfinished(&name, package.running, sink)?;
    }
    Ok(Some("go test"))
}

/// A serde_json error on line `n` (a single line was parsed, so its own line is 1).
pub(crate) fn json_error(e: &serde_json::Error, n: u64) -> ParseError {
    Pos {
        line: n + e.line().saturating_sub(1) as u64,
        column: e.column().max(1) as u64,
    }
    .error(json_message(e))
}

/// serde_json's message without its " at line L column C".
pub(crate) fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

impl State {
    fn event(&mut self, e: GoEvent<'_>, sink: &mut CountingSink<'_>) -> Result<(), ParseError> {
        match &*e.action {
            "build-output" => {
                if let (Some(path), Some(output)) = (&e.import_path, &e.output) {
                    self.build_output
                        .entry(path.to_string())
                        .or_default()
                        .push(output);
                }
                return Ok(());
            }
            "build-fail" => return Ok(()),
            _ => {}
        }
        let Some(package_name) = e.package.as_deref() else {
            return Ok(());
        };
        let package = match self.packages.get_mut(package_name) {
            Some(p) => p,
            None => self.packages.entry(package_name.to_owned()).or_default(),
        };
        match (&*e.action, e.test.as_deref()) {
            ("run", Some(test)) => {
                package.running.entry(test.to_owned()).or_default();
            }
            ("output" | "bench", Some(test)) => {
                if let Some(output) = &e.output {
                    match package.running.get_mut(test) {
                        Some(text) => text.push(output),
                        None => package
                            .running
                            .entry(test.to_owned())
                            .or_default()
                            .push(output),
                    }
                }
            }
            ("output" | "bench", None) => {
                if let Some(output) = &e.output {
                    package.output.push(output);
                }
            }
            (action @ ("pass" | "fail" | "skip"), Some(test)) => {
                let status = match action {
                    "pass" => Status::Passed,
                    "fail" => Status::Failed,
                    _ => Status::Skipped,
                };
                if status == Status::Failed {
                    package.failed_tests += 1;
                }
                let output = package.running.remove(test).unwrap_or_default();
                sink.test(test_case(package_name, test, status, e.elapsed, output))?;
            }
            (action @ ("pass" | "fail" | "skip"), None) => {
                let Some(mut package) = self.packages.remove(package_name) else {
                    return Ok(());
                };
                let unfinished_count = package.running.len();
                unfinished(package_name, std::mem::take(&mut package.running), sink)?;
                if action == "fail" && package.failed_tests == 0 && unfinished_count == 0 {
                    let build = e
                        .failed_build
                        .as_deref()
                        .and_then(|b| self.build_output.remove(b));
                    sink.test(package_case(package_name, package.output, build, e.elapsed))?;
                }
            }
            // start, pause, cont and anything newer.
            _ => {}
        }
        Ok(())
    }
}

fn unfinished(
    package: &str,
    running: HashMap<String, CappedText>,
    sink: &mut CountingSink<'_>,
) -> Result<(), ParseError> {
    let mut running: Vec<_> = running.into_iter().collect();
    running.sort_by(|a, b| a.0.cmp(&b.0));
    for (test, output) in running {
        let mut case = test_case(package, &test, Status::Failed, None, output);
        case.message = Some("no result: the test binary ended before the test finished".into());
        sink.test(case)?;
    }
    Ok(())
}

/// `=== RUN`, `--- FAIL: TestX (0.00s)` and the like: the runner's framing, not the test's
/// output.
pub(crate) fn is_framing(line: &str) -> bool {
    let t = line.trim_start();
    ["=== RUN", "=== PAUSE", "=== CONT", "=== NAME"]
        .iter()
        .any(|p| t.starts_with(p))
        || ["--- PASS: ", "--- FAIL: ", "--- SKIP: ", "--- BENCH: "]
            .iter()
            .any(|p| t.starts_with(p))
}

fn test_case(
    package: &str,
    test: &str,
    status: Status,
    elapsed: Option<f64>,
    output: CappedText,
) -> TestCase {
    let mut kept = String::new();
    for line in output.as_str().split_inclusive('\n') {
        if !is_framing(line) {
            kept.push_str(line);
        }
    }
    let output = crate::text::trimmed(kept);
    let message = match status {
        Status::Failed | Status::Skipped | Status::Errored => output
            .as_deref()
            .and_then(crate::text::first_line)
            .map(str::to_owned),
        Status::Passed => None,
    };
    TestCase {
        suites: vec![package.to_owned()],
        classname: None,
        name: test.to_owned(),
        file: None,
        line: None,
        status,
        duration_s: elapsed,
        message,
        details: if status == Status::Failed {
            output.clone()
        } else {
            None
        },
        output,
        failed_attempts: Vec::new(),
    }
}

/// The package's own failure. Its message is the first line that says something (a compiler
/// error, a panic), else the `FAIL` line.
fn package_case(
    package: &str,
    output: CappedText,
    build: Option<CappedText>,
    elapsed: Option<f64>,
) -> TestCase {
    let build = build.and_then(CappedText::finish);
    let output = output.finish();
    let says_something = |line: &&str| {
        let t = line.trim();
        !(t.is_empty()
            || t == "FAIL"
            || t == "PASS"
            || t.starts_with("ok ")
            || t.starts_with("coverage:")
            || t.starts_with('#')
            || t.starts_with("testing: warning: no tests to run")
            || is_framing(t))
    };
    let message = build
        .iter()
        .chain(output.iter())
        .flat_map(|text| text.lines())
        .find(says_something)
        .or_else(|| {
            output
                .iter()
                .flat_map(|text| text.lines())
                .rev()
                .find(|l| l.starts_with("FAIL"))
        })
        .map(|l| l.trim().to_owned())
        .unwrap_or_else(|| "package failed".to_owned());
    let details = match (build, output) {
        (Some(b), Some(o)) => Some(format!("{b}\n{o}")),
        (b, o) => b.or(o),
    };
    TestCase {
        suites: vec![package.to_owned()],
        classname: None,
        name: PACKAGE_CASE.to_owned(),
        file: None,
        line: None,
        status: Status::Errored,
        duration_s: elapsed,
        message: Some(message),
        details,
        output: None,
        failed_attempts: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> CappedText {
        let mut t = CappedText::default();
        t.push(s);
        t
    }

    #[test]
    fn package_failures_say_what_went_wrong() {
        // Go 1.24+: the compiler's output arrives as build-output events.
        let case = package_case(
            "example.com/shop",
            text("FAIL\texample.com/shop [build failed]\n"),
            Some(text(
                "# example.com/shop [example.com/shop.test]\n./pricing.go:81:28: cannot use \"not an int\" (untyped string constant) as int value in return statement\n",
            )),
            None,
        );
        assert_eq!(
            case.message.as_deref(),
            Some(
                "./pricing.go:81:28: cannot use \"not an int\" (untyped string constant) as int value in return statement"
            )
        );
        assert!(case.details.unwrap().ends_with("[build failed]"));
        // A panic outside any test.
        let case = package_case(
            "example.com/shop",
            text("panic: init failed\n\ngoroutine 1 [running]:\nFAIL\texample.com/shop\t0.01s\n"),
            None,
            Some(0.01),
        );
        assert_eq!(case.message.as_deref(), Some("panic: init failed"));
        // Nothing but the verdict (a TestMain that exits 1 silently).
        let case = package_case("p", text("FAIL\nFAIL\tp\t0.01s\n"), None, None);
        assert_eq!(case.message.as_deref(), Some("FAIL\tp\t0.01s"));
        assert_eq!(
            (case.name.as_str(), case.status),
            (PACKAGE_CASE, Status::Errored)
        );
    }

    #[test]
    fn framing_lines() {
        assert!(is_framing("=== RUN   TestX"));
        assert!(is_framing("    --- FAIL: TestX/sub (0.00s)"));
        assert!(!is_framing("    x_test.go:3: --- FAIL: looks like framing"));
    }
}
