//! The syntax layer: tree-sitter grammars and queries, and the code model they give.
//!
//! Architecture invariant: this crate knows nothing of salsa, history, analysis or LSP. It turns
//! text into trees and trees into a [`FileModel`], and it converts positions.

pub mod extract;
mod lang;
pub mod language;
pub mod model;
pub mod queries;
pub mod text;
pub mod tree;

pub use extract::{
    Classification, FileContext, ItemModel, Outline, OutlineCache, OutlineItem, analyze_file,
    analyze_item, analyze_items, assemble, outline, outline_cached,
};
pub use lang::unquote;
pub use language::Language;
pub use model::*;
pub use text::{LineCol, LineIndex, PositionEncoding, SourceText, TextRange, TextSize};
pub use tree::{Document, SyntaxTree, parse};
