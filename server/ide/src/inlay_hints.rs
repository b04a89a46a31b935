//! Inlay hints on functions: their cyclomatic complexity (coverage and risk join them later).

use db::{RootDatabase, SourceFile};
use syntax::{TextRange, TextSize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InlayHintKind {
    Complexity,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint goes: the end of the line that names the function.
    pub offset: TextSize,
    pub label: String,
    pub kind: InlayHintKind,
    /// The start of the function's name, which the hint is about.
    pub name_start: TextSize,
}

/// What a complexity hint means; sent when the client resolves a hint (on hovering it).
pub const COMPLEXITY_TOOLTIP: &str = "cyclomatic complexity: 1 + the decision points (if, loops, cases, &&, ||, ...); hover the function for details";

pub(crate) fn inlay_hints(
    db: &RootDatabase,
    file: SourceFile,
    range: Option<TextRange>,
) -> Vec<InlayHint> {
    let wanted = |name_start: TextSize| range.is_none_or(|r| r.contains_inclusive(name_start));
    let hint = |name_start: TextSize, line_end: TextSize, complexity: u32| InlayHint {
        offset: line_end,
        label: format!("cx {complexity}"),
        kind: InlayHintKind::Complexity,
        name_start,
    };
    // An open file answers from its items, without assembling the whole file's model: this is
    // the path taken after every keystroke.
    if file.tree(db).is_some() {
        let items = db::file_items(db, file);
        let mut hints = Vec::new();
        for (model, outlined) in items.models.iter().zip(&items.outline.items) {
            if range.is_some_and(|r| !r.intersects(outlined.range)) {
                continue;
            }
            let base = outlined.range.start;
            for f in model.functions() {
                if wanted(base + f.name_range.start) {
                    hints.push(hint(
                        base + f.name_range.start,
                        base + f.name_line_end,
                        1 + f.decisions,
                    ));
                }
            }
        }
        return hints;
    }
    db::file_model(db, file)
        .functions
        .iter()
        .filter(|f| wanted(f.name_range.start))
        .map(|f| hint(f.name_range.start, f.name_line_end, f.complexity))
        .collect()
}
