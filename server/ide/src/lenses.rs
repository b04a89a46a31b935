//! Code lenses from the history: above a function the tests covering it, above a test its
//! record; and a file's summary for a status bar.

use std::path::Path;
use std::sync::Arc;

use db::{RootDatabase, SourceFile, Workspace};
use syntax::TextRange;

use crate::history::{History, ago};
use crate::insights::{self, CoverSource};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LensKind {
    /// Above a function: the tests covering it, as locations to show.
    Covering {
        locations: Vec<(Arc<Path>, TextRange)>,
    },
    /// Above a test: its record.
    TestRecord,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeLens {
    /// The name the lens is above.
    pub range: TextRange,
    pub title: String,
    pub kind: LensKind,
}

/// A file at a glance.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileSummary {
    /// Covered share of the executable lines with known coverage, in percent.
    pub coverage: Option<f64>,
    /// Tests of the file with a recorded history, and how many of them are flaky or broken.
    pub tests: usize,
    pub flaky: usize,
    pub broken: usize,
}

pub(crate) fn code_lenses(
    db: &RootDatabase,
    workspace: Workspace,
    history: Option<&History>,
    file: SourceFile,
) -> Vec<CodeLens> {
    let Some(history) = history else {
        return Vec::new();
    };
    let model = db::file_model(db, file);
    let mut out = Vec::new();
    let test_functions: Vec<Option<usize>> = model.tests.iter().map(|t| t.function).collect();
    for (i, f) in model.functions.iter().enumerate() {
        if test_functions.contains(&Some(i)) {
            continue;
        }
        let covering = insights::covering_tests(db, workspace, Some(history), file, f);
        let n = covering.tests.len();
        let verb = match covering.source {
            CoverSource::PerTest => "covered by",
            CoverSource::CallGraph => "called by",
        };
        let mut title = match n {
            0 if covering.source == CoverSource::PerTest => "no test covers it".to_owned(),
            0 => "no test calls it".to_owned(),
            1 => format!("{verb} 1 test"),
            n => format!("{verb} {n} tests"),
        };
        let flaky = covering.flaky();
        if flaky > 0 {
            title.push_str(&format!(" · {flaky} flaky"));
        }
        out.push(CodeLens {
            range: f.name_range,
            title,
            kind: LensKind::Covering {
                locations: covering
                    .tests
                    .into_iter()
                    .filter_map(|t| t.location)
                    .collect(),
            },
        });
    }
    for test in &model.tests {
        let cases = insights::test_history(history, db, file, test);
        let Some(stats) = history.combined(cases) else {
            continue;
        };
        if stats.ran == 0 {
            // Recorded, never run: "✓ 0/0" would say nothing.
            out.push(CodeLens {
                range: test.name_range,
                title: "skipped in every recent run".to_owned(),
                kind: LensKind::TestRecord,
            });
            continue;
        }
        let passed = stats.ran - stats.failed;
        let mut title = format!("✓ {passed}/{}", stats.ran);
        let last_failure = cases
            .iter()
            .filter_map(|&i| history.recent.tests[i].last_failure.as_ref())
            .min_by_key(|f| f.run)
            .and_then(|f| history.run(f.run));
        if let Some(run) = last_failure {
            title.push_str(&format!(" · last failed {}", ago(run.created_at)));
        }
        if let Some(ms) = stats.mean_ms {
            title.push_str(&format!(" · {ms:.0} ms avg"));
        }
        if stats.flaky.is_some() {
            title.push_str(" · flaky");
        }
        out.push(CodeLens {
            range: test.name_range,
            title,
            kind: LensKind::TestRecord,
        });
    }
    out.sort_by_key(|l| l.range.start);
    out
}

pub(crate) fn file_summary(
    db: &RootDatabase,
    history: Option<&History>,
    file: SourceFile,
) -> FileSummary {
    let Some(history) = history else {
        return FileSummary::default();
    };
    let model = db::file_model(db, file);
    let mut summary = FileSummary {
        coverage: insights::file_coverage(db, history, file).and_then(|c| c.percent()),
        ..FileSummary::default()
    };
    for test in &model.tests {
        let cases = insights::test_history(history, db, file, test);
        if let Some(stats) = history.combined(cases) {
            summary.tests += 1;
            summary.flaky += usize::from(stats.flaky.is_some());
            summary.broken += usize::from(stats.broken());
        }
    }
    summary
}
