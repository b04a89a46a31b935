//! The tracked queries.

use std::collections::HashMap;
use std::sync::Arc;

use syntax::extract::{ItemModel, Outline, OutlineItem};
use syntax::{FileModel, LineIndex, SourceText, SyntaxTree, TextRange};

use crate::{SourceFile, Workspace};

/// What one item of an open file was parsed from. Two `ItemSyntax` are equal when their items
/// have the same text (the same hash): the tree and rope they carry are then interchangeable for
/// analysing the item, so an item that only moved is not analysed again.
#[derive(Clone, Debug)]
pub struct ItemSyntax {
    pub tree: SyntaxTree,
    pub text: SourceText,
    pub item: OutlineItem,
}

impl PartialEq for ItemSyntax {
    fn eq(&self, other: &ItemSyntax) -> bool {
        self.item.hash == other.item.hash
    }
}

impl Eq for ItemSyntax {}

/// One item (a function, method or top-level test call) of an open file. Its identity is the hash
/// of its text: an unchanged item is the same `Item` across revisions, whatever moved around it.
#[salsa::tracked(debug)]
pub struct Item<'db> {
    #[returns(copy)]
    pub file: SourceFile,
    #[returns(copy)]
    pub hash: u128,
    #[tracked]
    #[returns(ref)]
    pub syntax: ItemSyntax,
}

/// An open file cut into items.
#[derive(Clone, Debug, PartialEq, Eq, salsa::SalsaValue)]
pub struct FileOutline<'db> {
    pub outline: Arc<Outline>,
    pub items: Vec<Item<'db>>,
}

/// The outline of an open file. Cheap: it never enters function bodies.
#[salsa::tracked(returns(ref))]
pub fn file_outline<'db>(db: &'db dyn salsa::Database, file: SourceFile) -> FileOutline<'db> {
    let language = file.language(db);
    let text = file.text(db);
    let Some(tree) = file.tree(db) else {
        // Closed files are analysed whole by `file_model` and never outlined on their own.
        return FileOutline {
            outline: Arc::default(),
            items: Vec::new(),
        };
    };
    let outline = syntax::outline(language, tree, text);
    let items = outline
        .items
        .iter()
        .map(|item| {
            Item::new(
                db,
                file,
                item.hash,
                ItemSyntax {
                    tree: tree.clone(),
                    text: text.clone(),
                    item: item.clone(),
                },
            )
        })
        .collect();
    FileOutline {
        outline: Arc::new(outline),
        items,
    }
}

/// The model of one item, with offsets relative to its start.
#[salsa::tracked(returns(clone))]
pub fn item_model<'db>(db: &'db dyn salsa::Database, item: Item<'db>) -> Arc<ItemModel> {
    let syntax = item.syntax(db);
    let language = item.file(db).language(db);
    Arc::new(syntax::analyze_item(
        language,
        &syntax.tree,
        &syntax.text,
        &syntax.item,
    ))
}

/// Line starts of the file's current text, for converting positions in bulk. Not compared for
/// backdating: a new text almost always moves some line.
#[salsa::tracked(returns(clone), no_eq)]
pub fn line_index(db: &dyn salsa::Database, file: SourceFile) -> Arc<LineIndex> {
    Arc::new(LineIndex::new(file.text(db)))
}

/// The code model of a file: functions, tests, suites.
#[salsa::tracked(returns(clone))]
pub fn file_model(db: &dyn salsa::Database, file: SourceFile) -> Arc<FileModel> {
    let language = file.language(db);
    let context = file.context(db);
    match file.tree(db) {
        Some(_) => {
            let outline = file_outline(db, file);
            let items: Vec<Arc<ItemModel>> = outline
                .items
                .iter()
                .map(|item| item_model(db, *item))
                .collect();
            Arc::new(syntax::assemble(
                language,
                &outline.outline,
                &items,
                context,
            ))
        }
        None => {
            let text = file.text(db);
            let tree = syntax::parse(language, text, None);
            Arc::new(syntax::analyze_file(language, &tree, text, context))
        }
    }
}

/// A test and the names it calls, without positions: this stays equal while someone edits code
/// around the test, so the workspace index built from it is not rebuilt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestCalls {
    pub full_name: String,
    pub calls: Vec<String>,
}

#[salsa::tracked(returns(clone))]
pub fn file_test_calls(db: &dyn salsa::Database, file: SourceFile) -> Arc<Vec<TestCalls>> {
    let model = file_model(db, file);
    Arc::new(
        model
            .tests
            .iter()
            .map(|t| {
                let mut calls: Vec<String> = t.calls.iter().map(|c| c.name.clone()).collect();
                calls.sort();
                calls.dedup();
                TestCalls {
                    full_name: t.full_name(),
                    calls,
                }
            })
            .collect(),
    )
}

/// A test somewhere in the workspace, by file and full name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TestRef {
    pub file: SourceFile,
    pub full_name: String,
}

/// For each called name, the tests that call it directly.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TestCallIndex {
    pub callers: HashMap<String, Vec<TestRef>>,
}

impl TestCallIndex {
    pub fn tests_calling(&self, name: &str) -> &[TestRef] {
        self.callers.get(name).map_or(&[], Vec::as_slice)
    }
}

#[salsa::tracked(returns(clone))]
pub fn test_call_index(db: &dyn salsa::Database, workspace: Workspace) -> Arc<TestCallIndex> {
    let mut index = TestCallIndex::default();
    for file in workspace.files(db).iter() {
        for test in file_test_calls(db, *file).iter() {
            for name in &test.calls {
                index
                    .callers
                    .entry(name.clone())
                    .or_default()
                    .push(TestRef {
                        file: *file,
                        full_name: test.full_name.clone(),
                    });
            }
        }
    }
    Arc::new(index)
}

/// The function whose name is at or around `offset`, for hover.
pub fn function_at(model: &FileModel, offset: u32) -> Option<usize> {
    // The innermost function whose range holds the offset.
    model
        .functions
        .iter()
        .enumerate()
        .filter(|(_, f)| f.range.contains_inclusive(offset))
        .min_by_key(|(_, f)| f.range.len())
        .map(|(i, _)| i)
}

/// Functions whose range touches `range`.
pub fn functions_in(model: &FileModel, range: TextRange) -> impl Iterator<Item = usize> + '_ {
    model
        .functions
        .iter()
        .enumerate()
        .filter(move |(_, f)| f.range.intersects(range))
        .map(|(i, _)| i)
}
