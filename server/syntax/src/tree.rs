//! Parsing, full and incremental.
//!
//! An open document keeps its rope and its tree side by side. An edit changes both: the rope is
//! spliced and the tree is told where (`Tree::edit`), then the next parse reuses every subtree the
//! edit did not touch.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use tree_sitter::{InputEdit, Parser, Point, Tree};

use crate::Language;
use crate::text::{SourceText, TextRange};

/// A parsed tree, shared. Equality is identity: two trees are the same only if they are one parse.
#[derive(Clone)]
pub struct SyntaxTree(Arc<Tree>);

impl SyntaxTree {
    pub fn tree(&self) -> &Tree {
        &self.0
    }

    pub fn root(&self) -> tree_sitter::Node<'_> {
        self.0.root_node()
    }

    pub fn has_errors(&self) -> bool {
        self.0.root_node().has_error()
    }
}

impl PartialEq for SyntaxTree {
    fn eq(&self, other: &SyntaxTree) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for SyntaxTree {}

impl fmt::Debug for SyntaxTree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SyntaxTree({:?})", self.0.root_node().byte_range())
    }
}

thread_local! {
    // A parser is reusable and not cheap to set up; keep one per language per thread.
    static PARSERS: RefCell<HashMap<Language, Parser>> = RefCell::new(HashMap::new());
}

/// Parses `text`, reusing `old` (already edited to match `text`) where it can.
pub fn parse(language: Language, text: &SourceText, old: Option<&Tree>) -> SyntaxTree {
    PARSERS.with(|parsers| {
        let mut parsers = parsers.borrow_mut();
        let parser = parsers.entry(language).or_insert_with(|| {
            let mut parser = Parser::new();
            parser
                .set_language(&language.grammar())
                .expect("grammar ABI is checked by a unit test");
            parser
        });
        let tree = parser
            .parse_with_options(&mut |offset, _| text.chunk_at(offset).as_bytes(), old, None)
            // Tree-sitter only gives up when a parse is cancelled or timed out; we set neither.
            .expect("tree-sitter parse without cancellation");
        SyntaxTree(Arc::new(tree))
    })
}

/// An open document: its text and a tree that is kept in step with every edit.
#[derive(Clone, Debug)]
pub struct Document {
    language: Language,
    text: SourceText,
    tree: SyntaxTree,
    /// The tree with edits applied but not yet reparsed.
    pending: Option<Tree>,
}

impl Document {
    pub fn new(language: Language, text: SourceText) -> Document {
        let tree = parse(language, &text, None);
        Document {
            language,
            text,
            tree,
            pending: None,
        }
    }

    /// A document from a text and a tree already parsed from it.
    pub fn from_parts(language: Language, text: SourceText, tree: SyntaxTree) -> Document {
        Document {
            language,
            text,
            tree,
            pending: None,
        }
    }

    /// Gives back the text and the tree (reparse first).
    pub fn into_parts(self) -> (SourceText, SyntaxTree) {
        debug_assert!(self.pending.is_none(), "into_parts before reparse");
        (self.text, self.tree)
    }

    pub fn language(&self) -> Language {
        self.language
    }

    pub fn text(&self) -> &SourceText {
        &self.text
    }

    /// The tree of the text as it was at the last [`Document::reparse`].
    pub fn tree(&self) -> &SyntaxTree {
        &self.tree
    }

    /// Replaces `range` (bytes of the current text) with `insert`. Call [`Document::reparse`]
    /// once after a batch of edits.
    pub fn edit(&mut self, range: TextRange, insert: &str) {
        let range = TextRange::new(
            range.start.min(self.text.len()),
            range.end.min(self.text.len()),
        );
        let start = self.text.point(range.start);
        let old_end = self.text.point(range.end);
        self.text.replace(range, insert);
        let new_end_byte = range.start as usize + insert.len();
        let new_end = self.text.point(new_end_byte as u32);
        let edit = InputEdit {
            start_byte: range.start as usize,
            old_end_byte: range.end as usize,
            new_end_byte,
            start_position: Point::new(start.0, start.1),
            old_end_position: Point::new(old_end.0, old_end.1),
            new_end_position: Point::new(new_end.0, new_end.1),
        };
        let tree = self.pending.get_or_insert_with(|| self.tree.tree().clone());
        tree.edit(&edit);
    }

    /// Replaces the whole text: the next parse starts from scratch.
    pub fn set_text(&mut self, text: SourceText) {
        self.text = text;
        self.tree = parse(self.language, &self.text, None);
        self.pending = None;
    }

    /// Brings the tree up to date with the text, reusing what the edits left intact.
    pub fn reparse(&mut self) {
        if let Some(old) = self.pending.take() {
            self.tree = parse(self.language, &self.text, Some(&old));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sexp(tree: &SyntaxTree) -> String {
        tree.root().to_sexp()
    }

    #[test]
    fn incremental_reparse_gives_the_tree_a_fresh_parse_gives() {
        let mut doc = Document::new(
            Language::Rust,
            SourceText::from("fn a() -> i32 { 1 }\n\nfn b() {}\n"),
        );
        // Rename `b` to `beta` and add a parameter to `a`, as two edits of one change.
        doc.edit(TextRange::new(24, 25), "beta");
        doc.edit(TextRange::new(5, 5), "x: u8");
        doc.reparse();
        let fresh = parse(Language::Rust, doc.text(), None);
        assert_eq!(
            doc.text().to_string(),
            "fn a(x: u8) -> i32 { 1 }\n\nfn beta() {}\n"
        );
        assert_eq!(sexp(doc.tree()), sexp(&fresh));
    }

    #[test]
    fn edits_with_multibyte_text_keep_tree_and_text_in_step() {
        let mut doc = Document::new(
            Language::Python,
            SourceText::from("s = '漢字'\ndef f():\n    pass\n"),
        );
        let at = "s = '漢".len() as u32;
        doc.edit(TextRange::new(at, at), "😀\r\n");
        doc.reparse();
        let fresh = parse(Language::Python, doc.text(), None);
        assert_eq!(sexp(doc.tree()), sexp(&fresh));
    }

    #[test]
    fn a_syntax_error_still_gives_a_tree() {
        let tree = parse(Language::Go, &SourceText::from("package p\nfunc (\n"), None);
        assert!(tree.has_errors());
        assert_eq!(tree.root().kind(), "source_file");
    }
}
