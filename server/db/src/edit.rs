//! The edit path: an editor's change becomes a rope splice, a tree edit, an incremental reparse
//! and one update of the file's inputs. Everything that depends on the file is then recomputed
//! lazily, and only as far as the change reaches.

use syntax::{Document, LineCol, PositionEncoding, SourceText, TextRange};

use crate::{RootDatabase, Setter, SourceFile};

/// Where an edit applies, in bytes or in a client's line/column units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditRange {
    Bytes(TextRange),
    LineCol {
        start: LineCol,
        end: LineCol,
        encoding: PositionEncoding,
    },
}

/// One change to a document. With no range, the text replaces the whole document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub range: Option<EditRange>,
    pub text: String,
}

impl RootDatabase {
    /// Marks `file` as open with `text`: from now on it keeps a tree and is analysed item by item.
    pub fn open_file(&mut self, file: SourceFile, text: SourceText) {
        let doc = Document::new(file.language(self), text);
        let (text, tree) = doc.into_parts();
        file.set_text(self).to(text);
        file.set_tree(self).to(Some(tree));
    }

    /// Marks `file` as closed, with the text it has on disk (or its last text if it has none).
    pub fn close_file(&mut self, file: SourceFile, disk_text: Option<SourceText>) {
        if let Some(text) = disk_text {
            file.set_text(self).to(text);
        }
        file.set_tree(self).to(None);
    }

    /// Applies `edits` in order, each range read against the text the edits before it left, then
    /// reparses once, reusing the old tree, and updates the file's inputs.
    pub fn edit_file(&mut self, file: SourceFile, edits: &[TextEdit]) {
        let language = file.language(self);
        let text = file.text(self).clone();
        let mut doc = match file.tree(self) {
            Some(tree) => Document::from_parts(language, text, tree.clone()),
            None => Document::new(language, text),
        };
        for edit in edits {
            match edit.range {
                None => doc.set_text(SourceText::from(edit.text.as_str())),
                Some(EditRange::Bytes(range)) => doc.edit(range, &edit.text),
                Some(EditRange::LineCol {
                    start,
                    end,
                    encoding,
                }) => {
                    let start = doc.text().offset(start, encoding);
                    let end = doc.text().offset(end, encoding).max(start);
                    doc.edit(TextRange::new(start, end), &edit.text);
                }
            }
        }
        doc.reparse();
        let (text, tree) = doc.into_parts();
        file.set_text(self).to(text);
        file.set_tree(self).to(Some(tree));
    }
}
