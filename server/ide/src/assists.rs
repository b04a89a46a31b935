//! Quick fixes attached to diagnostics: each is a title and the text edits that make it, for the
//! editor to preview. Editor-neutral; `lsp` turns them into code actions.

use std::path::Path;
use std::sync::Arc;

use db::{RootDatabase, SourceFile};
use syntax::{MarkerKind, TextRange, TextSize};

use crate::diagnostics::DiagnosticCode;

/// What kind of action an assist is, for the editor's menus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssistKind {
    /// Fixes a diagnostic (`quickfix`).
    QuickFix,
    /// Writes new code, a test for a function (`refactor.generate`).
    Generate,
}

/// The edits of an assist in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEdit {
    pub path: Arc<Path>,
    /// The file does not exist yet: it is created, and `edits` insert its text at offset 0.
    pub create: bool,
    /// Non-overlapping edits, each replacing a range of the file's current text with new text.
    pub edits: Vec<(TextRange, String)>,
}

/// A command to run after the edits are applied (or instead of them): what needs the project's
/// own runner, through `workspace/executeCommand`.
#[derive(Clone, Debug, PartialEq)]
pub struct AssistCommand {
    /// The command's name, one of the server's `testlens.*` commands.
    pub name: String,
    pub arguments: Vec<serde_json::Value>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Assist {
    pub title: String,
    pub kind: AssistKind,
    /// The diagnostic this fixes, to attach the fix to it.
    pub fixes: Option<(DiagnosticCode, TextRange)>,
    /// The edits, file by file; the file the action was asked for usually comes first.
    pub edits: Vec<FileEdit>,
    pub command: Option<AssistCommand>,
    /// The fix to apply when several are offered (`isPreferred`).
    pub preferred: bool,
    /// Shown but not applicable, and why (LSP's `disabled.reason`): a fix refused on purpose.
    pub disabled: Option<String>,
}

impl Assist {
    /// A quick fix made of edits to one file.
    pub fn quick_fix(
        title: String,
        fixes: (DiagnosticCode, TextRange),
        path: Arc<Path>,
        edits: Vec<(TextRange, String)>,
    ) -> Assist {
        Assist {
            title,
            kind: AssistKind::QuickFix,
            fixes: Some(fixes),
            edits: vec![FileEdit {
                path,
                create: false,
                edits,
            }],
            command: None,
            preferred: true,
            disabled: None,
        }
    }

    /// The edits to the file at `path`.
    pub fn edits_in(&self, path: &Path) -> &[(TextRange, String)] {
        self.edits
            .iter()
            .find(|e| &*e.path == path)
            .map_or(&[], |e| e.edits.as_slice())
    }
}

/// Applies non-overlapping `edits` to `text`.
pub fn apply_edits(text: &str, edits: &[(TextRange, String)]) -> String {
    let mut sorted: Vec<&(TextRange, String)> = edits.iter().collect();
    sorted.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut out = text.to_owned();
    for (r, new) in sorted {
        out.replace_range(r.start as usize..r.end as usize, new);
    }
    out
}

/// The fixes whose target overlaps `range` (a cursor is an empty range).
pub(crate) fn assists(db: &RootDatabase, file: SourceFile, range: TextRange) -> Vec<Assist> {
    let model = db::file_model(db, file);
    let text = file.text(db).to_string();
    let markers = model
        .suites
        .iter()
        .flat_map(|s| &s.markers)
        .chain(model.tests.iter().flat_map(|t| &t.markers));
    let mut out = Vec::new();
    for marker in markers {
        if marker.kind != MarkerKind::Focus || !touches(marker.range, range) {
            continue;
        }
        if let Some((title, edit)) = remove_focus(&text, marker.range) {
            out.push(Assist::quick_fix(
                title,
                (DiagnosticCode::FocusedTest, marker.range),
                file.path(db).clone(),
                vec![edit],
            ));
        }
    }
    out
}

fn touches(a: TextRange, b: TextRange) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// Removes a focus marker as written: `.only` in `it.only(...)` (and `describe.only.each`),
/// `fit`/`fdescribe` → `it`/`describe`, `only: true` in node:test options.
fn remove_focus(text: &str, marker: TextRange) -> Option<(String, (TextRange, String))> {
    let (start, end) = (marker.start as usize, marker.end as usize);
    let written = text.get(start..end)?;
    let (title, edit) = match written {
        "only" if text[..start].ends_with('.') => (
            "Remove `.only`".to_owned(),
            (range(start - 1, end), String::new()),
        ),
        "fit" | "fdescribe" => {
            let plain = &written[1..];
            (
                format!("Replace `{written}` with `{plain}`"),
                (range(start, end), plain.to_owned()),
            )
        }
        pair if pair.starts_with("only") => {
            // `only: true` among other options: take a neighbouring comma with it.
            let after = &text[end..];
            let trailing = after.len() - after.trim_start().len();
            let removal = if after.trim_start().starts_with(',') {
                let rest = &after[trailing + 1..];
                range(
                    start,
                    end + trailing + 1 + (rest.len() - rest.trim_start().len()),
                )
            } else {
                let before = text[..start].trim_end();
                match before.strip_suffix(',') {
                    Some(kept) => range(kept.len(), end),
                    None => range(start, end),
                }
            };
            ("Remove `only: true`".to_owned(), (removal, String::new()))
        }
        _ => return None,
    };
    Some((title, edit))
}

fn range(start: usize, end: usize) -> TextRange {
    TextRange::new(start as TextSize, end as TextSize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(text: &str, marker: &str) -> (String, String) {
        let start = text.find(marker).unwrap();
        let (title, edit) = remove_focus(text, range(start, start + marker.len())).unwrap();
        (title, apply_edits(text, &[edit]))
    }

    #[test]
    fn removing_only_keeps_the_rest_of_the_chain() {
        let (title, out) = fix("it.only('a', () => {})", "only");
        assert_eq!(title, "Remove `.only`");
        assert_eq!(out, "it('a', () => {})");
        let (_, out) = fix("describe.only.each([1])('x %s', () => {})", "only");
        assert_eq!(out, "describe.each([1])('x %s', () => {})");
    }

    #[test]
    fn fit_and_fdescribe_become_it_and_describe() {
        let (title, out) = fix("fit('a', () => {})", "fit");
        assert_eq!(title, "Replace `fit` with `it`");
        assert_eq!(out, "it('a', () => {})");
        assert_eq!(
            fix("fdescribe('s', () => {})", "fdescribe").1,
            "describe('s', () => {})"
        );
    }

    #[test]
    fn node_test_only_option_is_removed_with_its_comma() {
        let (_, out) = fix(
            "test('a', { only: true, timeout: 5 }, () => {})",
            "only: true",
        );
        assert_eq!(out, "test('a', { timeout: 5 }, () => {})");
        let (_, out) = fix(
            "test('a', { timeout: 5, only: true }, () => {})",
            "only: true",
        );
        assert_eq!(out, "test('a', { timeout: 5 }, () => {})");
        let (_, out) = fix("test('a', { only: true }, () => {})", "only: true");
        assert_eq!(out, "test('a', {  }, () => {})");
    }

    #[test]
    fn a_marker_written_otherwise_gets_no_fix() {
        assert!(remove_focus("it.skip('a')", range(3, 7)).is_none());
    }
}
