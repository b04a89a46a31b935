//! Follow a renamed callee. A test calls a name that no longer resolves: no function of the
//! workspace has it. The files changed since the test last passed (or since HEAD, without a
//! history) are read at that revision; where one of them defined the name, the function it
//! became is the one with the same body (the name aside) and the same number of parameters, or
//! failing that the most similar name with the same number of parameters among the functions
//! added since. The fix rewrites the name in the test file: the calls and the import, and the
//! import's module where the function also moved to another one.

use std::collections::HashSet;
use std::path::Path;

use db::{RootDatabase, SourceFile, Workspace};
use syntax::{FileModel, Function, Language, SourceText, TextRange, TextSize};
use xxhash_rust::xxh3::xxh3_64;

use crate::assists::{Assist, AssistKind, FileEdit};
use crate::diagnostics::DiagnosticCode;
use crate::history::History;
use crate::insights;

/// At most this many changed files are read at the old revision, per request.
const MAX_CHANGED_FILES: usize = 64;

pub(super) fn assists(
    db: &RootDatabase,
    workspace: Workspace,
    history: Option<&History>,
    file: SourceFile,
    range: TextRange,
) -> Vec<Assist> {
    let model = db::file_model(db, file);
    let touching = |r: TextRange| r.start <= range.end && range.start <= r.end;
    let mut unresolved: Vec<(&syntax::Test, &syntax::Call)> = Vec::new();
    let mut defined = None;
    for test in model.tests.iter().filter(|t| touching(t.range)) {
        for call in test.calls.iter().filter(|c| touching(c.range)) {
            let defined = defined.get_or_insert_with(|| db::defined_function_names(db, workspace));
            if !defined.contains(&call.name) && !unresolved.iter().any(|(_, c)| c.name == call.name)
            {
                unresolved.push((test, call));
            }
        }
    }
    if unresolved.is_empty() {
        return Vec::new();
    }
    let repo = match history.and_then(|h| h.repo.clone()) {
        Some(repo) => repo,
        None => match file.path(db).parent().and_then(vcs::Repo::discover) {
            Some(repo) => std::sync::Arc::new(repo),
            None => return Vec::new(),
        },
    };
    let text = file.text(db);
    let mut out = Vec::new();
    for (test, call) in unresolved {
        // The revision where the test last passed: the name was there.
        let since = history
            .and_then(|h| {
                let rel = insights::rel(h, db, file)?;
                let cases = h.tests_at(&rel, &test.full_name());
                cases
                    .iter()
                    .filter_map(|&i| h.last_pass(h.recent.tests[i].id))
                    .max_by_key(|p| p.created_at)
                    .and_then(|p| p.commit)
            })
            .unwrap_or_else(|| "HEAD".to_owned());
        let Some(found) = find_renamed(db, workspace, &repo, file.language(db), &since, &call.name)
        else {
            continue;
        };
        let text = text.to_string();
        let mut edits = rename_edits(&text, &call.name, &found.new_name);
        if edits.is_empty() {
            continue;
        }
        // Renamed into another module: the import follows it there.
        let renamed = crate::assists::apply_edits(&text, &edits);
        let mut moved_from = None;
        if let Some((import, module)) = super::moved::moved_import(
            db,
            workspace,
            file,
            &renamed,
            &found.new_name,
            Some(found.file),
        ) {
            let healed = super::moved::rewrite(
                file.language(db),
                &renamed,
                &import,
                &found.new_name,
                &module,
            );
            edits = vec![super::moved::minimal_edit(&text, &healed)];
            moved_from = Some(module);
        }
        out.push(Assist {
            title: format!(
                "Rename `{}` to `{}` ({} in {})",
                call.name,
                found.new_name,
                if found.same_body {
                    "renamed"
                } else {
                    "most similar name"
                },
                found.path
            ) + &moved_from.map_or(String::new(), |m| format!(", imported from `{m}`")),
            kind: AssistKind::QuickFix,
            fixes: Some((DiagnosticCode::BrokenTest, call.range)),
            edits: vec![FileEdit {
                path: file.path(db).clone(),
                create: false,
                edits,
            }],
            command: None,
            preferred: found.same_body,
            disabled: None,
        });
    }
    out
}

struct Renamed {
    new_name: String,
    file: SourceFile,
    path: String,
    same_body: bool,
}

/// What the function `old_name`, defined at `since` in a file changed since, is called now.
fn find_renamed(
    db: &RootDatabase,
    workspace: Workspace,
    repo: &vcs::Repo,
    language: Language,
    since: &str,
    old_name: &str,
) -> Option<Renamed> {
    let root = repo.root().to_owned();
    let now_by_path: std::collections::HashMap<String, SourceFile> = workspace
        .files(db)
        .iter()
        .filter(|f| f.language(db) == language)
        .filter_map(|&f| {
            let rel = f.path(db).strip_prefix(&root).ok()?;
            Some((rel.to_string_lossy().replace('\\', "/"), f))
        })
        .collect();
    let changed: Vec<String> = repo
        .changed_paths(since)
        .into_iter()
        .filter(|p| Language::from_path(Path::new(p)) == Some(language))
        .take(MAX_CHANGED_FILES)
        .collect();
    // Where the name was defined, and its body then.
    let mut old: Option<(String, FileModel, SourceText, Function)> = None;
    let mut old_names: HashSet<String> = HashSet::new();
    for path in &changed {
        let Some(then) = repo.show(since, path) else {
            continue;
        };
        let text = SourceText::from(&*then);
        let context = syntax::FileContext {
            file_name: path.rsplit('/').next().unwrap_or(path).to_owned(),
            js_framework: None,
            go_import_path: None,
        };
        let tree = syntax::parse(language, &text, None);
        let model = syntax::analyze_file(language, &tree, &text, &context);
        old_names.extend(model.functions.iter().map(|f| f.name.clone()));
        if old.is_none()
            && let Some(f) = model.functions.iter().find(|f| f.name == old_name).cloned()
        {
            old = Some((path.clone(), model, text, f));
        }
    }
    let (_, _, old_text, old_fn) = old?;
    let old_body = body_hash(&old_text, &old_fn);
    let arity = old_fn.params.len();
    let mut best: Option<(bool, f64, Renamed)> = None;
    for path in &changed {
        let Some(&now) = now_by_path.get(path) else {
            continue;
        };
        let model = db::file_model(db, now);
        let text = now.text(db);
        for f in &model.functions {
            if f.name == old_name || old_names.contains(&f.name) || f.params.len() != arity {
                continue;
            }
            let same_body = body_hash(text, f) == old_body;
            let score = similarity(old_name, &f.name);
            if !same_body && score < 0.5 {
                continue;
            }
            let better = best
                .as_ref()
                .is_none_or(|(s, b, _)| (same_body, score) > (*s, *b));
            if better {
                best = Some((
                    same_body,
                    score,
                    Renamed {
                        new_name: f.name.clone(),
                        file: now,
                        path: path.clone(),
                        same_body,
                    },
                ));
            }
        }
    }
    best.map(|(_, _, r)| r)
}

/// A hash of a function's text with its own name taken out and whitespace collapsed.
fn body_hash(text: &SourceText, f: &Function) -> u64 {
    let written = text.slice(f.range);
    let without_name = written.replacen(&f.name, "", 1);
    let collapsed: String = without_name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    xxh3_64(collapsed.as_bytes())
}

/// How alike two names are, 0..=1: twice their longest common subsequence over their lengths,
/// case aside.
fn similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut row = vec![0usize; b.len() + 1];
    for &ca in &a {
        let mut diagonal = 0;
        for (j, &cb) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = if ca == cb {
                diagonal + 1
            } else {
                row[j + 1].max(row[j])
            };
            diagonal = up;
        }
    }
    2.0 * row[b.len()] as f64 / (a.len() + b.len()) as f64
}

/// Every standalone occurrence of the identifier `old` in `text` (not part of a longer name),
/// written `new`: the calls, the import, a message that names it.
fn rename_edits(text: &str, old: &str, new: &str) -> Vec<(TextRange, String)> {
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find(old) {
        let start = from + i;
        let end = start + old.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        if !before.is_some_and(ident) && !after.is_some_and(ident) {
            out.push((
                TextRange::new(start as TextSize, end as TextSize),
                new.to_owned(),
            ));
        }
        from = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_renamed_where_they_stand_alone() {
        let text = "from shop.pricing import line_total, line_totals\n\ndef test_line_total():\n    assert line_total(50, 3) == 150  # line_total\n";
        let out = crate::assists::apply_edits(text, &rename_edits(text, "line_total", "subtotal"));
        assert_eq!(
            out,
            "from shop.pricing import subtotal, line_totals\n\ndef test_line_total():\n    assert subtotal(50, 3) == 150  # subtotal\n"
        );
    }

    #[test]
    fn similarity_prefers_the_closer_name() {
        assert!(similarity("line_total", "line_subtotal") > similarity("line_total", "halvings"));
        assert!(similarity("lineTotal", "LineTotal") == 1.0);
        assert!(similarity("line_total", "receipt_header") < 0.5);
    }
}
