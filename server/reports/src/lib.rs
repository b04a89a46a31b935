//! Parsers for the reports test runners and coverage tools write: JUnit XML (pytest, Jest,
//! Vitest, cargo-nextest, gotestsum, Maven Surefire), the `go test -json` stream, lcov,
//! Cobertura XML, coverage.py JSON and Go cover profiles.
//!
//! Every parser streams: it hands each test case or file to a [`Sink`] as soon as it is complete
//! and keeps nothing of it afterwards, so a report of any size parses in bounded memory (see
//! `docs/reports-formats.md` for the few places where a format forces a parser to hold more).
//! Malformed input is an error with the 1-based line and column where parsing stopped.
//!
//! Architecture invariant: nothing here knows about storage, analysis or editors; the only I/O
//! is reading the `BufRead` the caller hands in.

mod cobertura;
mod coverage_py;
mod detect;
mod go_cover;
mod go_test;
mod junit;
mod lcov;
mod locations;
mod position;
mod text;
mod xml;

use std::fmt;
use std::io::BufRead;

pub use detect::{DetectError, detect};
pub use go_test::PACKAGE_CASE;
pub use locations::failure_locations;

/// The largest failure text or output kept for one test case (64 KiB); the rest is dropped.
pub const MAX_KEPT_TEXT: usize = 64 * 1024;

/// A report format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    JUnit,
    GoTestJson,
    Lcov,
    Cobertura,
    CoveragePyJson,
    GoCoverprofile,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::JUnit,
        Format::GoTestJson,
        Format::Lcov,
        Format::Cobertura,
        Format::CoveragePyJson,
        Format::GoCoverprofile,
    ];

    /// The name users write (`--format junit`).
    pub fn name(self) -> &'static str {
        match self {
            Format::JUnit => "junit",
            Format::GoTestJson => "go-test-json",
            Format::Lcov => "lcov",
            Format::Cobertura => "cobertura",
            Format::CoveragePyJson => "coverage-py-json",
            Format::GoCoverprofile => "go-coverprofile",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether the format holds coverage rather than test results.
    pub fn is_coverage(self) -> bool {
        match self {
            Format::JUnit | Format::GoTestJson => false,
            Format::Lcov | Format::Cobertura | Format::CoveragePyJson | Format::GoCoverprofile => {
                true
            }
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The outcome of a test, or of one attempt of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    Passed,
    /// An assertion failed.
    Failed,
    /// The test could not run to an assertion: an error outside it, a build failure.
    Errored,
    Skipped,
}

/// An earlier attempt of a test that the runner retried.
#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    pub status: Status,
    pub message: Option<String>,
    pub details: Option<String>,
}

/// One test case as the report gives it.
#[derive(Clone, Debug, PartialEq)]
pub struct TestCase {
    /// Enclosing suite names as the report gives them, outermost first (JUnit `testsuite`
    /// names; the Go package for `go test -json`).
    pub suites: Vec<String>,
    pub classname: Option<String>,
    /// Go: `TestX/sub` for subtests.
    pub name: String,
    /// As written in the report, if any.
    pub file: Option<String>,
    /// 1-based (pytest's xunit1 `line` attribute is 0-based and is converted).
    pub line: Option<u32>,
    pub status: Status,
    pub duration_s: Option<f64>,
    /// The failure, error or skip message: the `message` attribute, or the first line of the
    /// text.
    pub message: Option<String>,
    /// The failure text: stack trace, assertion diff, Go test output; at most
    /// [`MAX_KEPT_TEXT`] bytes kept.
    pub details: Option<String>,
    /// `system-out` and `system-err` (Go: the test's output); at most [`MAX_KEPT_TEXT`] bytes
    /// kept.
    pub output: Option<String>,
    /// Earlier failed attempts when the runner retried (`flakyFailure`, `flakyError`,
    /// `rerunFailure`, `rerunError`), in report order.
    pub failed_attempts: Vec<Attempt>,
}

/// Line coverage of one file, or of one file by one test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileCoverage {
    /// As the report writes it (joined to Cobertura's first `<source>` when relative).
    pub path: String,
    /// (1-based line, hit count), sorted by line, each line once; lines with 0 hits are
    /// included when the report lists them as executable.
    pub lines: Vec<(u32, u64)>,
    /// Per-test coverage: the test (coverage.py: the context without its `|run` suffix).
    pub test: Option<String>,
}

pub type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// Receives what a parser finds, as soon as each piece is complete.
pub trait Sink {
    fn test(&mut self, case: TestCase) -> Result<(), SinkError>;
    fn coverage(&mut self, file: FileCoverage) -> Result<(), SinkError>;
}

/// What a parse went through.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub format: Format,
    /// The tool that wrote the report, when the report says so: `pytest`, `jest`, `vitest`,
    /// `cargo-nextest`, `go test`, `surefire`, `coverage.py`.
    pub tool: Option<String>,
    /// Test cases handed to [`Sink::test`].
    pub tests: u64,
    /// Files handed to [`Sink::coverage`] (per-test coverage included).
    pub coverage_files: u64,
}

#[derive(Debug)]
pub enum ParseError {
    /// The report is malformed; line and column are 1-based and point where the parser stopped.
    /// The column counts bytes.
    Malformed {
        line: u64,
        column: u64,
        message: String,
    },
    Io(std::io::Error),
    Sink(SinkError),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Malformed {
                line,
                column,
                message,
            } => write!(
                f,
                "malformed report at line {line}, column {column}: {message}"
            ),
            ParseError::Io(e) => write!(f, "cannot read the report: {e}"),
            ParseError::Sink(e) => write!(f, "cannot take the report's contents: {e}"),
        }
    }
}

impl std::error::Error for ParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ParseError::Malformed { .. } => None,
            ParseError::Io(e) => Some(e),
            ParseError::Sink(e) => Some(&**e),
        }
    }
}

impl From<std::io::Error> for ParseError {
    fn from(e: std::io::Error) -> Self {
        ParseError::Io(e)
    }
}

impl ParseError {
    pub(crate) fn malformed(line: u64, column: u64, message: impl Into<String>) -> Self {
        ParseError::Malformed {
            line: line.max(1),
            column: column.max(1),
            message: message.into(),
        }
    }
}

/// Parses a report of the given format, handing each test case and covered file to `sink` as
/// soon as it is complete.
pub fn parse(
    format: Format,
    mut input: impl BufRead,
    sink: &mut dyn Sink,
) -> Result<Summary, ParseError> {
    position::skip_bom(&mut input)?;
    let mut counted = CountingSink {
        inner: sink,
        tests: 0,
        files: 0,
    };
    let tool = match format {
        Format::JUnit => junit::parse(input, &mut counted)?,
        Format::GoTestJson => go_test::parse(input, &mut counted)?,
        Format::Lcov => lcov::parse(input, &mut counted)?,
        Format::Cobertura => cobertura::parse(input, &mut counted)?,
        Format::CoveragePyJson => coverage_py::parse(input, &mut counted)?,
        Format::GoCoverprofile => go_cover::parse(input, &mut counted)?,
    };
    Ok(Summary {
        format,
        tool: tool.map(str::to_owned),
        tests: counted.tests,
        coverage_files: counted.files,
    })
}

/// Counts what passes through, and turns the sink's refusals into [`ParseError::Sink`].
pub(crate) struct CountingSink<'a> {
    inner: &'a mut dyn Sink,
    tests: u64,
    files: u64,
}

impl CountingSink<'_> {
    pub(crate) fn test(&mut self, case: TestCase) -> Result<(), ParseError> {
        self.tests += 1;
        self.inner.test(case).map_err(ParseError::Sink)
    }

    pub(crate) fn coverage(&mut self, file: FileCoverage) -> Result<(), ParseError> {
        self.files += 1;
        self.inner.coverage(file).map_err(ParseError::Sink)
    }
}
