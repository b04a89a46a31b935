//! Hover on a function: its complexity, signature, doc, and the tests that call it by name.

use std::fmt::Write;

use db::{RootDatabase, SourceFile, Workspace};
use syntax::{Function, PositionEncoding, TextRange, TextSize};

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
            markdown: describe(db, workspace, file, f),
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
        markdown: describe(db, workspace, target_file, &target),
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

fn describe(db: &RootDatabase, workspace: Workspace, file: SourceFile, f: &Function) -> String {
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
