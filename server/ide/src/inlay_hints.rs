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
    pub tooltip: String,
}

pub(crate) fn inlay_hints(
    db: &RootDatabase,
    file: SourceFile,
    range: Option<TextRange>,
) -> Vec<InlayHint> {
    let model = db::file_model(db, file);
    let text = file.text(db);
    model
        .functions
        .iter()
        .filter(|f| range.is_none_or(|r| r.contains_inclusive(f.name_range.start)))
        .map(|f| InlayHint {
            offset: end_of_line(text, f.name_range.start),
            label: format!("cx {}", f.complexity),
            kind: InlayHintKind::Complexity,
            tooltip: format!(
                "cyclomatic complexity of `{}`: {} (1 + {} decision points)",
                f.name,
                f.complexity,
                f.complexity - 1
            ),
        })
        .collect()
}

/// The offset at the end of the line holding `offset`, before its line break.
fn end_of_line(text: &syntax::SourceText, offset: TextSize) -> TextSize {
    let pos = text.line_col(offset, syntax::PositionEncoding::Utf8);
    text.offset(
        syntax::LineCol {
            line: pos.line,
            col: u32::MAX,
        },
        syntax::PositionEncoding::Utf8,
    )
}
