//! Every conversion between `ide` results and protocol types, and every position conversion.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use ide::{LineCol, LineIndex, PositionEncoding, TextRange, TextSize};
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::ls_types::Uri;

/// Where each diagnostic code's page lives.
pub const DOCS_BASE: &str = "https://github.com/testlens/testlens/blob/main/docs/diagnostics/";

pub fn path(uri: &Uri) -> Option<PathBuf> {
    if uri.scheme().as_str() != "file" {
        return None;
    }
    uri.to_file_path().map(|p| p.into_owned())
}

pub fn uri(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}

pub fn encoding_kind(encoding: PositionEncoding) -> lsp::PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => lsp::PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => lsp::PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => lsp::PositionEncodingKind::UTF32,
    }
}

/// The encoding to use: UTF-8 where the client offers it (it is what the server stores), else
/// LSP's default UTF-16.
pub fn negotiate(offered: Option<&[lsp::PositionEncodingKind]>) -> PositionEncoding {
    let offered = offered.unwrap_or_default();
    if offered.contains(&lsp::PositionEncodingKind::UTF8) {
        PositionEncoding::Utf8
    } else {
        PositionEncoding::Utf16
    }
}

pub fn line_col(pos: lsp::Position) -> LineCol {
    LineCol {
        line: pos.line,
        col: pos.character,
    }
}

pub fn position(index: &LineIndex, offset: TextSize, enc: PositionEncoding) -> lsp::Position {
    let lc = index.line_col(offset, enc);
    lsp::Position::new(lc.line, lc.col)
}

pub fn range(index: &LineIndex, range: TextRange, enc: PositionEncoding) -> lsp::Range {
    lsp::Range::new(
        position(index, range.start, enc),
        position(index, range.end, enc),
    )
}

pub fn offset(index: &LineIndex, pos: lsp::Position, enc: PositionEncoding) -> TextSize {
    index.text().offset(line_col(pos), enc)
}

pub fn text_range(index: &LineIndex, r: lsp::Range, enc: PositionEncoding) -> TextRange {
    let start = offset(index, r.start, enc);
    let end = offset(index, r.end, enc).max(start);
    TextRange::new(start, end)
}

pub fn symbol_kind(kind: ide::SymbolKind) -> lsp::SymbolKind {
    match kind {
        ide::SymbolKind::Function | ide::SymbolKind::Test => lsp::SymbolKind::FUNCTION,
        ide::SymbolKind::Method => lsp::SymbolKind::METHOD,
        ide::SymbolKind::Class | ide::SymbolKind::Impl => lsp::SymbolKind::CLASS,
        ide::SymbolKind::Trait => lsp::SymbolKind::INTERFACE,
        ide::SymbolKind::Module => lsp::SymbolKind::MODULE,
        ide::SymbolKind::Suite => lsp::SymbolKind::NAMESPACE,
    }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be set, and is deprecated.
pub fn document_symbol(
    index: &LineIndex,
    symbol: ide::DocumentSymbol,
    enc: PositionEncoding,
) -> lsp::DocumentSymbol {
    lsp::DocumentSymbol {
        name: if symbol.name.is_empty() {
            // LSP clients reject empty names.
            "<anonymous>".to_owned()
        } else {
            symbol.name
        },
        detail: symbol.detail,
        kind: symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        range: range(index, symbol.range, enc),
        selection_range: range(index, symbol.selection_range, enc),
        children: Some(
            symbol
                .children
                .into_iter()
                .map(|c| document_symbol(index, c, enc))
                .collect(),
        ),
    }
}

pub fn inlay_hint(
    index: &LineIndex,
    hint: ide::InlayHint,
    enc: PositionEncoding,
) -> lsp::InlayHint {
    lsp::InlayHint {
        position: position(index, hint.offset, enc),
        label: lsp::InlayHintLabel::String(hint.label),
        kind: None,
        text_edits: None,
        // The complexity tooltip comes with `inlayHint/resolve`, to keep answers small.
        tooltip: hint.tooltip.map(lsp::InlayHintTooltip::String),
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

pub fn hover(index: &LineIndex, hover: ide::HoverResult, enc: PositionEncoding) -> lsp::Hover {
    lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: hover.markdown,
        }),
        range: Some(range(index, hover.range, enc)),
    }
}

pub fn diagnostic(index: &LineIndex, d: ide::Diagnostic, enc: PositionEncoding) -> lsp::Diagnostic {
    let code = d.code.as_str();
    lsp::Diagnostic {
        range: range(index, d.range, enc),
        severity: Some(match d.severity {
            ide::Severity::Error => lsp::DiagnosticSeverity::ERROR,
            ide::Severity::Warning => lsp::DiagnosticSeverity::WARNING,
            ide::Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
            ide::Severity::Hint => lsp::DiagnosticSeverity::HINT,
        }),
        code: Some(lsp::NumberOrString::String(code.to_owned())),
        code_description: Uri::from_str(&format!("{DOCS_BASE}{code}.md"))
            .ok()
            .map(|href| lsp::CodeDescription { href }),
        source: Some("testlens".to_owned()),
        message: d.message,
        related_information: (!d.related.is_empty()).then(|| {
            d.related
                .into_iter()
                .filter_map(|r| {
                    Some(lsp::DiagnosticRelatedInformation {
                        location: lsp::Location {
                            uri: uri(&r.path)?,
                            // Related places are in the diagnostic's own file.
                            range: range(index, r.range, enc),
                        },
                        message: r.message,
                    })
                })
                .collect()
        }),
        tags: None,
        data: None,
    }
}

/// Locations of places in other files, each converted with its own file's line index.
pub fn locations(
    analysis: &ide::Analysis,
    places: impl Iterator<Item = (std::sync::Arc<Path>, TextRange)>,
    enc: PositionEncoding,
) -> Vec<lsp::Location> {
    places
        .filter_map(|(path, r)| {
            let file = analysis.file_id(&path)?;
            let index = analysis.line_index(file).ok()?;
            Some(lsp::Location {
                uri: uri(&path)?,
                range: range(&index, r, enc),
            })
        })
        .collect()
}

/// A lens above a function (its covering tests, shown by the client's
/// `testlens.showCoveringTests` command) or above a test (its record).
pub fn code_lens(
    analysis: &ide::Analysis,
    index: &LineIndex,
    doc: &Uri,
    lens: ide::CodeLens,
    enc: PositionEncoding,
) -> lsp::CodeLens {
    let lens_range = range(index, lens.range, enc);
    let (command, arguments) = match lens.kind {
        ide::LensKind::Covering { locations: places } => (
            "testlens.showCoveringTests",
            Some(vec![
                serde_json::to_value(doc).unwrap_or_default(),
                serde_json::to_value(lens_range.start).unwrap_or_default(),
                serde_json::to_value(locations(analysis, places.into_iter(), enc))
                    .unwrap_or_default(),
            ]),
        ),
        // Clicking a test's record does nothing of its own: an empty command shows it as text.
        ide::LensKind::TestRecord => ("", None),
    };
    lsp::CodeLens {
        range: lens_range,
        command: Some(lsp::Command {
            title: lens.title,
            command: command.to_owned(),
            arguments,
        }),
        data: None,
    }
}

/// A quick fix as a code action with its edit, attached to the client's diagnostics it fixes.
/// The kind of action an assist is, in LSP's terms.
pub fn code_action_kind(kind: ide::AssistKind) -> lsp::CodeActionKind {
    match kind {
        ide::AssistKind::QuickFix => lsp::CodeActionKind::QUICKFIX,
        ide::AssistKind::Generate => lsp::CodeActionKind::new(GENERATE_KIND),
    }
}

/// The code action kind of test generation.
pub const GENERATE_KIND: &str = "refactor.generate";

/// An assist as a code action. `index_of` gives the line index of an existing file the edits
/// touch (`None`: the file is unknown, and its edits are left out). With `document_changes`
/// (the client supports versioned edits and creating files) the edit is a list of document
/// changes; otherwise a map of text edits by file, without files to create.
pub fn code_action(
    index_of: &dyn Fn(&Path) -> Option<std::sync::Arc<LineIndex>>,
    assist: ide::Assist,
    context: &[lsp::Diagnostic],
    document_changes: bool,
    enc: PositionEncoding,
) -> Option<lsp::CodeAction> {
    let first = assist.edits.first().map(|e| e.path.clone());
    let diagnostics: Vec<lsp::Diagnostic> = match (assist.fixes, &first) {
        (Some((code, target)), Some(path)) => {
            let index = index_of(path)?;
            let target = range(&index, target, enc);
            context
                .iter()
                .filter(|d| {
                    d.code == Some(lsp::NumberOrString::String(code.as_str().to_owned()))
                        && d.range.start <= target.end
                        && target.start <= d.range.end
                })
                .cloned()
                .collect()
        }
        _ => Vec::new(),
    };
    let mut changes = std::collections::HashMap::new();
    let mut operations = Vec::new();
    for file in assist.edits {
        let file_uri = uri(&file.path)?;
        let edits: Vec<lsp::TextEdit> = if file.create {
            let text: String = file.edits.into_iter().map(|(_, t)| t).collect();
            vec![lsp::TextEdit {
                range: lsp::Range::default(),
                new_text: text,
            }]
        } else {
            let index = index_of(&file.path)?;
            file.edits
                .into_iter()
                .map(|(r, new_text)| lsp::TextEdit {
                    range: range(&index, r, enc),
                    new_text,
                })
                .collect()
        };
        if document_changes {
            if file.create {
                operations.push(lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Create(
                    lsp::CreateFile {
                        uri: file_uri.clone(),
                        options: Some(lsp::CreateFileOptions {
                            overwrite: Some(false),
                            ignore_if_exists: Some(true),
                        }),
                        annotation_id: None,
                    },
                )));
            }
            operations.push(lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
                text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                    uri: file_uri,
                    version: None,
                },
                edits: edits.into_iter().map(lsp::OneOf::Left).collect(),
            }));
        } else if file.create {
            // The client cannot create files: the action cannot be offered as an edit.
            return None;
        } else {
            changes.insert(file_uri, edits);
        }
    }
    let edit = if !operations.is_empty() {
        Some(lsp::WorkspaceEdit {
            document_changes: Some(lsp::DocumentChanges::Operations(operations)),
            ..lsp::WorkspaceEdit::default()
        })
    } else if !changes.is_empty() {
        Some(lsp::WorkspaceEdit {
            changes: Some(changes),
            ..lsp::WorkspaceEdit::default()
        })
    } else {
        None
    };
    let command = assist.command.map(|c| lsp::Command {
        title: assist.title.clone(),
        command: c.name,
        arguments: Some(c.arguments),
    });
    Some(lsp::CodeAction {
        title: assist.title,
        kind: Some(code_action_kind(assist.kind)),
        diagnostics: (!diagnostics.is_empty()).then_some(diagnostics),
        edit,
        command,
        is_preferred: assist.preferred.then_some(true),
        disabled: assist
            .disabled
            .map(|reason| lsp::CodeActionDisabled { reason }),
        data: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_become_paths_and_back() {
        let uri = Uri::from_str("file:///tmp/a%20b/c.py").unwrap();
        assert_eq!(path(&uri), Some(PathBuf::from("/tmp/a b/c.py")));
        let back = super::uri(Path::new("/tmp/a b/c.py")).unwrap();
        assert_eq!(path(&back), Some(PathBuf::from("/tmp/a b/c.py")));
        assert_eq!(path(&Uri::from_str("untitled:Untitled-1").unwrap()), None);
    }

    #[test]
    fn utf8_is_chosen_only_when_offered() {
        assert_eq!(negotiate(None), PositionEncoding::Utf16);
        assert_eq!(
            negotiate(Some(&[
                lsp::PositionEncodingKind::UTF16,
                lsp::PositionEncodingKind::UTF8
            ])),
            PositionEncoding::Utf8
        );
        assert_eq!(
            negotiate(Some(&[lsp::PositionEncodingKind::UTF32])),
            PositionEncoding::Utf16
        );
    }

    #[test]
    fn every_diagnostic_links_to_its_page() {
        for code in ide::DiagnosticCode::ALL {
            let d = diagnostic(
                &LineIndex::new(&ide::SourceText::from("x")),
                ide::Diagnostic {
                    code,
                    severity: code.severity(),
                    range: TextRange::new(0, 1),
                    message: String::new(),
                    related: Vec::new(),
                },
                PositionEncoding::Utf16,
            );
            let href = d.code_description.unwrap().href;
            assert!(
                href.as_str()
                    .ends_with(&format!("/docs/diagnostics/{}.md", code.as_str()))
            );
        }
    }
}
