//! The salsa database: what testlens knows, kept up to date incrementally.
//!
//! Inputs are the source files (their text, and for open documents a syntax tree kept in step with
//! each edit) and the list of files in the workspace. Everything else is a tracked query:
//!
//! - [`file_items`] cuts an open file into items (functions, methods, top-level test calls) and
//!   takes each item's model from the [`ItemCache`], keyed by the hash of the item's text, so
//!   after a keystroke only the item being edited is analysed again;
//! - [`file_model`] puts a file's items together (closed files are parsed and analysed in one go,
//!   and their trees are not kept);
//! - [`file_test_calls`] and [`test_call_index`] answer "which tests call this name";
//! - [`file_record_shapes`] and [`record_index`] answer "where is the record type `Item`
//!   declared" and "which records have these fields" (test generation builds inputs from them).
//!
//! Architecture invariant: this crate knows nothing of LSP or of editors. It holds no I/O: the
//! caller reads files and passes text in.

mod edit;
mod item_cache;
mod queries;

use std::path::Path;
use std::sync::{Arc, Mutex};

pub use edit::{EditRange, TextEdit};
pub use item_cache::ItemCache;
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

/// The database as tracked queries see it.
#[salsa::db]
pub trait Db: salsa::Database {
    /// Item models by the hash of the item's text (see [`ItemCache`]).
    fn item_cache(&self) -> &ItemCache;
}

#[salsa::db]
#[derive(Clone)]
pub struct RootDatabase {
    storage: salsa::Storage<Self>,
    items: Arc<ItemCache>,
}

impl Default for RootDatabase {
    fn default() -> RootDatabase {
        RootDatabase {
            storage: salsa::Storage::new(None),
            items: Arc::default(),
        }
    }
}

#[salsa::db]
impl Db for RootDatabase {
    fn item_cache(&self) -> &ItemCache {
        &self.items
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
        (
            RootDatabase {
                storage,
                items: Arc::default(),
            },
            log,
        )
    }
}

#[salsa::db]
impl salsa::Database for RootDatabase {}
