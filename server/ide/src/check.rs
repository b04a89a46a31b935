//! The report of `testlens check`: counts per language and every smell, for a terminal or CI.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use db::{RootDatabase, Workspace};
use serde::Serialize;
use syntax::{MarkerKind, PositionEncoding};

use crate::diagnostics::{Diagnostic, Severity, smells};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LanguageCounts {
    pub files: usize,
    pub functions: usize,
    pub tests: usize,
}

/// A smell with its place as a terminal shows it: 1-based line and column (in characters).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReportedDiagnostic {
    pub path: PathBuf,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub code: &'static str,
    pub severity: &'static str,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    /// By language name, in name order.
    pub languages: BTreeMap<&'static str, LanguageCounts>,
    /// Sorted by path, then position.
    pub diagnostics: Vec<ReportedDiagnostic>,
    /// Files whose parse had errors (what could be recovered is still counted).
    pub files_with_syntax_errors: Vec<PathBuf>,
    /// Tests put in quarantine (from the history), oldest first.
    pub quarantined: Vec<QuarantinedTest>,
}

/// A test put in quarantine, as the history recorded it and as the code has it now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QuarantinedTest {
    /// Relative to the workspace root.
    pub file: String,
    /// The test's full name (`suite > name`).
    pub name: String,
    pub reason: String,
    /// Seconds since the Unix epoch.
    pub since: i64,
    /// Where the test's name is now (1-based line and column), if the test is still there.
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// Whether the code still skips it; `None` when the test is not found.
    pub skipped: Option<bool>,
}

impl CheckReport {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity.as_str())
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }
}

pub(crate) fn check(db: &RootDatabase, workspace: Workspace) -> CheckReport {
    let mut report = CheckReport::default();
    for file in workspace.files(db).iter() {
        let language = file.language(db);
        let model = db::file_model(db, *file);
        let counts = report.languages.entry(language.name()).or_default();
        counts.files += 1;
        counts.functions += model.functions.len();
        counts.tests += model.tests.len();
        let path = file.path(db).to_path_buf();
        if model.has_syntax_errors {
            report.files_with_syntax_errors.push(path.clone());
        }
        let text = file.text(db);
        for Diagnostic {
            code,
            severity,
            range,
            message,
            ..
        } in smells(&model, language)
        {
            let start = text.line_col(range.start, PositionEncoding::Utf32);
            let end = text.line_col(range.end, PositionEncoding::Utf32);
            report.diagnostics.push(ReportedDiagnostic {
                path: path.clone(),
                line: start.line + 1,
                column: start.col + 1,
                end_line: end.line + 1,
                end_column: end.col + 1,
                code: code.as_str(),
                severity: severity.as_str(),
                message,
            });
        }
    }
    report
        .diagnostics
        .sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    report.files_with_syntax_errors.sort();
    report
}

/// Finds each quarantined test in the workspace: its place, and whether it is still skipped
/// (by its own marker or an enclosing suite's).
pub(crate) fn locate_quarantined(
    db: &RootDatabase,
    files: &HashMap<Arc<Path>, db::SourceFile>,
    root: &Path,
    records: Vec<store::Quarantine>,
) -> Vec<QuarantinedTest> {
    records
        .into_iter()
        .map(|q| {
            let found = files.get(root.join(&q.file).as_path()).and_then(|file| {
                let model = db::file_model(db, *file);
                let test = model.tests.iter().find(|t| t.full_name() == q.name)?;
                let at = file
                    .text(db)
                    .line_col(test.name_range.start, PositionEncoding::Utf32);
                let skip = |m: &syntax::Marker| m.kind == MarkerKind::Skip;
                let skipped = test.markers.iter().any(skip)
                    || model
                        .suites
                        .iter()
                        .any(|s| s.range.contains_range(test.range) && s.markers.iter().any(skip));
                Some((at.line + 1, at.col + 1, skipped))
            });
            QuarantinedTest {
                file: q.file,
                name: q.name,
                reason: q.reason,
                since: q.created_at,
                line: found.map(|f| f.0),
                column: found.map(|f| f.1),
                skipped: found.map(|f| f.2),
            }
        })
        .collect()
}
