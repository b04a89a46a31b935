//! Test smells that cause flakiness or hide failures, each with a stable code documented in
//! `docs/diagnostics/<code>.md`.

use db::{RootDatabase, SourceFile};
use syntax::{FileModel, Framework, Language, MarkerKind, Test, TestKind, TextRange};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DiagnosticCode {
    FocusedTest,
    FixedSleep,
    NoAssertion,
    SkipWithoutReason,
    /// Failed in the newest run that ran it (from the history).
    BrokenTest,
    /// Passed and failed on the same code in recent runs (from the history).
    FlakyTest,
}

impl DiagnosticCode {
    pub const ALL: [DiagnosticCode; 6] = [
        DiagnosticCode::FocusedTest,
        DiagnosticCode::FixedSleep,
        DiagnosticCode::NoAssertion,
        DiagnosticCode::SkipWithoutReason,
        DiagnosticCode::BrokenTest,
        DiagnosticCode::FlakyTest,
    ];

    /// The stable code, also the name of its page in `docs/diagnostics/`.
    pub fn as_str(self) -> &'static str {
        match self {
            DiagnosticCode::FocusedTest => "focused-test",
            DiagnosticCode::FixedSleep => "fixed-sleep",
            DiagnosticCode::NoAssertion => "no-assertion",
            DiagnosticCode::SkipWithoutReason => "skip-without-reason",
            DiagnosticCode::BrokenTest => "broken-test",
            DiagnosticCode::FlakyTest => "flaky-test",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            DiagnosticCode::FocusedTest | DiagnosticCode::BrokenTest => Severity::Error,
            DiagnosticCode::FixedSleep | DiagnosticCode::NoAssertion => Severity::Warning,
            DiagnosticCode::FlakyTest => Severity::Warning,
            DiagnosticCode::SkipWithoutReason => Severity::Hint,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "info",
            Severity::Hint => "hint",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: DiagnosticCode,
    pub severity: Severity,
    pub range: TextRange,
    pub message: String,
    /// Other places that explain it (the failing line, the test's definition).
    pub related: Vec<Related>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub path: std::sync::Arc<std::path::Path>,
    pub range: TextRange,
    pub message: String,
}

pub(crate) fn diagnostics(db: &RootDatabase, file: SourceFile) -> Vec<Diagnostic> {
    let model = db::file_model(db, file);
    smells(&model, file.language(db))
}

pub(crate) fn smells(model: &FileModel, language: Language) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let push = |out: &mut Vec<Diagnostic>, code: DiagnosticCode, range, message: String| {
        out.push(Diagnostic {
            code,
            severity: code.severity(),
            range,
            message,
            related: Vec::new(),
        })
    };

    for suite in &model.suites {
        for marker in &suite.markers {
            match marker.kind {
                MarkerKind::Focus => push(
                    &mut out,
                    DiagnosticCode::FocusedTest,
                    marker.range,
                    format!(
                        "focused suite `{}`: the runner skips every test outside it; remove the \
                         focus before committing",
                        suite.name
                    ),
                ),
                MarkerKind::Skip if marker.reason.is_none() => push(
                    &mut out,
                    DiagnosticCode::SkipWithoutReason,
                    marker.range,
                    format!(
                        "suite `{}` is skipped without a reason: say why, so someone can tell when it can run again",
                        suite.name
                    ),
                ),
                _ => {}
            }
        }
    }

    for test in &model.tests {
        let name = test.full_name();
        for marker in &test.markers {
            match marker.kind {
                MarkerKind::Focus => push(
                    &mut out,
                    DiagnosticCode::FocusedTest,
                    marker.range,
                    format!(
                        "focused test `{name}`: the runner skips every other test in the file; \
                         remove the focus before committing"
                    ),
                ),
                MarkerKind::Skip if marker.reason.is_none() => push(
                    &mut out,
                    DiagnosticCode::SkipWithoutReason,
                    marker.range,
                    format!(
                        "test `{name}` is skipped without a reason: {}",
                        reason_hint(test.framework, language)
                    ),
                ),
                _ => {}
            }
        }
        for sleep in &test.sleeps {
            push(
                &mut out,
                DiagnosticCode::FixedSleep,
                sleep.range,
                format!(
                    "fixed sleep in test `{name}`: `{}` makes it slow, and flaky when the wait is \
                     too short; wait for the condition instead",
                    sleep.callee
                ),
            );
        }
        if asserts_nothing(test) {
            push(
                &mut out,
                DiagnosticCode::NoAssertion,
                test.name_range,
                format!(
                    "test `{name}` asserts nothing: it passes whatever the code returns, unless \
                     it throws"
                ),
            );
        }
    }
    out.sort_by_key(|d| (d.range.start, d.code));
    out
}

/// A test that runs and checks nothing. Benchmarks, fuzz targets and examples check in other
/// ways; skipped and todo tests do not run.
pub(crate) fn asserts_nothing(test: &Test) -> bool {
    matches!(test.kind, TestKind::Test | TestKind::Subtest)
        && test.has_body
        && test.assertions.is_empty()
        && !test.expects_failure
        && !test
            .markers
            .iter()
            .any(|m| matches!(m.kind, MarkerKind::Skip | MarkerKind::Todo))
}

fn reason_hint(framework: Framework, language: Language) -> &'static str {
    match (framework, language) {
        (Framework::Pytest, _) => "write `@pytest.mark.skip(reason=\"...\")`",
        (Framework::Unittest, _) => "write `@unittest.skip(\"...\")`",
        (_, Language::Rust) => "write `#[ignore = \"...\"]`",
        (_, Language::Go) => "write `t.Skip(\"...\")`",
        (Framework::NodeTest, _) => "write `{ skip: \"...\" }` or `t.skip(\"...\")`",
        _ => "add a `// reason: ...` comment on the line above",
    }
}
