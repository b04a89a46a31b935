//! Hover on a function: its complexity, signature, doc, and the tests that call it by name.

use std::fmt::Write;

use db::{RootDatabase, SourceFile, Workspace};
use syntax::{Function, PositionEncoding, TextRange, TextSize};

use crate::history::{History, ago};
use crate::insights::{self, CoverSource};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverResult {
    /// The span the hover is about (the function's name).
    pub range: TextRange,
    /// Markdown.
    pub markdown: String,
}

/// Hover on a function's name, or on a call of a function the workspace defines.
pub(crate) fn hover(
    db: &RootDatabase,
    workspace: Workspace,
    history: Option<&History>,
    file: SourceFile,
    offset: TextSize,
) -> Option<HoverResult> {
    let model = db::file_model(db, file);
    if let Some(f) = model
        .functions
        .iter()
        .find(|f| f.name_range.contains_inclusive(offset))
    {
        return Some(HoverResult {
            range: f.name_range,
            markdown: describe(db, workspace, history, file, f),
        });
    }
    // On a call: describe the function it calls, preferring one in the same file.
    let call = model
        .functions
        .iter()
        .flat_map(|f| f.calls.iter())
        .chain(model.tests.iter().flat_map(|t| t.calls.iter()))
        .find(|c| c.range.contains_inclusive(offset))?;
    let (target_file, target) = find_function(db, workspace, file, &call.name)?;
    Some(HoverResult {
        range: call.range,
        markdown: describe(db, workspace, history, target_file, &target),
    })
}

fn find_function(
    db: &RootDatabase,
    workspace: Workspace,
    file: SourceFile,
    name: &str,
) -> Option<(SourceFile, Function)> {
    let here = db::file_model(db, file);
    if let Some(f) = here.functions.iter().find(|f| f.name == name) {
        return Some((file, f.clone()));
    }
    workspace.files(db).iter().find_map(|other| {
        let model = db::file_model(db, *other);
        model
            .functions
            .iter()
            .find(|f| f.name == name)
            .map(|f| (*other, f.clone()))
    })
}

fn describe(
    db: &RootDatabase,
    workspace: Workspace,
    history: Option<&History>,
    file: SourceFile,
    f: &Function,
) -> String {
    let language = file.language(db);
    let module = file.module(db);
    let sep = if language == syntax::Language::Rust {
        "::"
    } else {
        "."
    };
    let qualified = if module.is_empty() {
        f.qualified_name.clone()
    } else {
        format!("{module}{sep}{}", f.qualified_name)
    };
    let mut md = String::new();
    writeln!(md, "**{}** · `{qualified}`\n", f.name).ok();
    writeln!(
        md,
        "Cyclomatic complexity **{}** (1 + {} decision points)\n",
        f.complexity,
        f.complexity - 1
    )
    .ok();
    if !f.params.is_empty() {
        let params: Vec<String> = f
            .params
            .iter()
            .map(|p| match &p.ty {
                Some(ty) => format!("`{}: {ty}`", p.name),
                None => format!("`{}`", p.name),
            })
            .collect();
        writeln!(md, "Parameters: {}\n", params.join(", ")).ok();
    }
    if let Some(ret) = &f.return_type {
        writeln!(md, "Returns: `{ret}`\n").ok();
    }
    if let Some(doc) = &f.doc {
        writeln!(md, "{doc}\n").ok();
    }
    md.push_str("---\n\n");
    if let Some(history) = history {
        describe_history(db, workspace, history, file, f, &mut md);
        return md;
    }
    let index = db::test_call_index(db, workspace);
    let callers = index.tests_calling(&f.name);
    if callers.is_empty() {
        md.push_str("No test in the workspace calls it by name.\n");
    } else {
        writeln!(
            md,
            "Tests that call `{}` ({}), by name:\n",
            f.name,
            callers.len()
        )
        .ok();
        for caller in callers.iter().take(20) {
            let location = test_location(db, caller);
            writeln!(md, "- `{}` — {location}", caller.full_name).ok();
        }
        if callers.len() > 20 {
            writeln!(md, "- … and {} more", callers.len() - 20).ok();
        }
    }
    md
}

/// `tests/test_cart.py:12`, for a test.
fn test_location(db: &RootDatabase, test: &db::TestRef) -> String {
    let path = test.file.path(db);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let model = db::file_model(db, test.file);
    let line = model
        .tests
        .iter()
        .find(|t| t.full_name() == test.full_name)
        .map(|t| {
            test.file
                .text(db)
                .line_col(t.name_range.start, PositionEncoding::Utf16)
                .line
                + 1
        });
    match line {
        Some(line) => format!("{name}:{line}"),
        None => name,
    }
}

/// Coverage, risk and the covering tests with their record, from the history.
fn describe_history(
    db: &RootDatabase,
    workspace: Workspace,
    history: &History,
    file: SourceFile,
    f: &Function,
    md: &mut String,
) {
    let model = db::file_model(db, file);
    let Some(i) = model
        .functions
        .iter()
        .position(|g| g.name_range == f.name_range)
    else {
        return;
    };
    // The same figures as the hints, from the same per-text cache.
    let known = insights::file_insights(db, workspace, history, file, &model);
    if let Some(c) = known.coverage[i] {
        match c.percent() {
            Some(p) => write!(
                md,
                "Coverage **{p:.0}%**: {} of {} executable lines",
                c.covered, c.executable
            )
            .ok(),
            None => write!(md, "Coverage unknown").ok(),
        };
        if c.unknown > 0 {
            write!(md, "; {} changed since it was recorded", c.unknown).ok();
        }
        md.push_str("\n\n");
    }
    if let Some(risk) = known.risks.get(i) {
        writeln!(md, "{}\n", insights::explain_risk(risk)).ok();
    }
    let covering = insights::covering_tests(db, workspace, Some(history), file, f);
    if covering.tests.is_empty() {
        md.push_str(match covering.source {
            CoverSource::PerTest => "No test ran it in the newest per-test coverage.\n",
            CoverSource::CallGraph => {
                "No test calls it by name, directly or through one function.\n"
            }
        });
        return;
    }
    writeln!(
        md,
        "Tests covering it ({}), {}:\n",
        covering.tests.len(),
        match covering.source {
            CoverSource::PerTest => "known from per-test coverage",
            CoverSource::CallGraph => "guessed from the call graph (no per-test coverage)",
        }
    )
    .ok();
    for t in covering.tests.iter().take(20) {
        write!(md, "- `{}`", t.name).ok();
        if let Some(via) = &t.via {
            write!(md, " (through `{via}`)").ok();
        }
        if let Some(s) = &t.stats {
            if !s.sparkline.is_empty() {
                write!(md, " {}", s.sparkline).ok();
            }
            if let Some(ms) = s.mean_ms {
                write!(md, " · {ms:.0} ms avg").ok();
            }
            if s.flaky.is_some() {
                md.push_str(" · **flaky**");
            }
            if let Some(message) = &t.last_failure {
                write!(
                    md,
                    " · last failure: {}",
                    insights::first_line(message, 100)
                )
                .ok();
            }
        }
        md.push('\n');
    }
    if covering.tests.len() > 20 {
        writeln!(md, "- … and {} more", covering.tests.len() - 20).ok();
    }
    if let Some(run) = history.run(0) {
        writeln!(
            md,
            "\n_History: {} runs, newest {}._",
            history.recent.runs.len(),
            ago(run.created_at)
        )
        .ok();
    }
}
