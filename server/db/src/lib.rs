//! The salsa database: what testlens knows, kept up to date incrementally.
//!
//! Inputs are the source files (their text, and for open documents a syntax tree kept in step with
//! each edit) and the list of files in the workspace. Everything else is a tracked query:
//!
//! - [`file_outline`] cuts an open file into items, each a tracked [`Item`] whose identity is the
//!   hash of its text;
//! - [`item_model`] analyses one item, so after a keystroke only the item being edited is queried
//!   again;
//! - [`file_model`] puts a file's items together (closed files are parsed and analysed in one go,
//!   and their trees are not kept);
//! - [`file_test_calls`] and [`test_call_index`] answer "which tests call this name".
//!
//! Architecture invariant: this crate knows nothing of LSP or of editors. It holds no I/O: the
//! caller reads files and passes text in.

mod edit;
mod queries;

use std::path::Path;
use std::sync::{Arc, Mutex};

pub use edit::{EditRange, TextEdit};
pub use queries::*;
pub use salsa::{CancellationToken, Cancelled, Setter};
use syntax::{FileContext, Language, SourceText, SyntaxTree};

/// A file testlens models: its path, language and text, and its tree while it is open.
#[salsa::input(debug)]
pub struct SourceFile {
    #[returns(ref)]
    pub path: Arc<Path>,
    #[returns(copy)]
    pub language: Language,
    /// The module the file stands for (`shop.cart`, `tests::cart`, `src/cart`), from its path.
    #[returns(ref)]
    pub module: Arc<str>,
    #[returns(ref)]
    pub text: SourceText,
    /// `Some` while an editor has the file open: the tree is then kept in step with each edit and
    /// reparsed incrementally, and the file is analysed item by item.
    #[returns(ref)]
    pub tree: Option<SyntaxTree>,
    #[returns(ref)]
    pub context: FileContext,
}

/// The files of the workspace.
#[salsa::input(debug)]
pub struct Workspace {
    #[returns(ref)]
    pub files: Arc<Vec<SourceFile>>,
}

/// Records which tracked queries ran, for tests that prove incrementality.
#[derive(Clone, Default)]
pub struct ExecutionLog(Arc<Mutex<Option<Vec<String>>>>);

impl ExecutionLog {
    /// Starts (or restarts) recording.
    pub fn start(&self) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(Vec::new());
    }

    /// What ran since [`ExecutionLog::start`], as `query(input)` strings, and stops recording.
    pub fn take(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .unwrap_or_default()
    }
}

#[salsa::db]
#[derive(Clone)]
pub struct RootDatabase {
    storage: salsa::Storage<Self>,
}

impl Default for RootDatabase {
    fn default() -> RootDatabase {
        RootDatabase {
            storage: salsa::Storage::new(None),
        }
    }
}

impl RootDatabase {
    /// A database that logs every query execution into the returned log while it is started.
    pub fn with_execution_log() -> (RootDatabase, ExecutionLog) {
        let log = ExecutionLog::default();
        let sink = log.clone();
        let storage = salsa::Storage::new(Some(Box::new(move |event: salsa::Event| {
            if let salsa::EventKind::WillExecute { database_key } = event.kind {
                let mut guard = sink.0.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(log) = guard.as_mut() {
                    log.push(format!("{database_key:?}"));
                }
            }
        })));
        (RootDatabase { storage }, log)
    }
}

#[salsa::db]
impl salsa::Database for RootDatabase {}
