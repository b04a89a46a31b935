//! The tracked queries.

use std::collections::HashMap;
use std::sync::Arc;

use syntax::extract::{ItemModel, Outline};
use syntax::{FileModel, Language, LineIndex, TextRange};

use crate::{Db, SourceFile, Workspace};

/// An open file cut into items, with each item's model. Item models come from the database's
/// [`ItemCache`](crate::ItemCache), keyed by the hash of the item's text: after a keystroke, only
/// the item being edited is analysed again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileItems {
    pub outline: Outline,
    /// `models[i]` is the model of `outline.items[i]`, with offsets relative to its start.
    pub models: Vec<Arc<ItemModel>>,
}

/// The items of an open file and their models. Cheap: the outline never enters function bodies,
/// and unchanged items are found in the cache.
#[salsa::tracked(returns(clone))]
pub fn file_items(db: &dyn Db, file: SourceFile) -> Arc<FileItems> {
    let language = file.language(db);
    let text = file.text(db);
    let Some(tree) = file.tree(db) else {
        // Closed files are analysed whole by `file_model` and never cut into items.
        return Arc::new(FileItems {
            outline: Outline::default(),
            models: Vec::new(),
        });
    };
    let cache = db.item_cache();
    let outline = syntax::outline_cached(language, tree, text, cache);
    let mut models: Vec<Option<Arc<ItemModel>>> = outline
        .items
        .iter()
        .map(|item| cache.get(item.hash))
        .collect();
    // Everything missing is analysed together: one query pass when a file is first opened.
    let missing: Vec<usize> = (0..models.len()).filter(|&i| models[i].is_none()).collect();
    if !missing.is_empty() {
        let items: Vec<&syntax::OutlineItem> = missing.iter().map(|&i| &outline.items[i]).collect();
        let analysed = syntax::analyze_items(language, tree, text, &items);
        for (i, model) in missing.into_iter().zip(analysed) {
            models[i] = Some(cache.insert(outline.items[i].hash, model));
        }
    }
    let models = models
        .into_iter()
        .map(|m| m.expect("every item found or analysed"))
        .collect();
    Arc::new(FileItems { outline, models })
}

/// Line starts of the file's current text, for converting positions in bulk. Not compared for
/// backdating: a new text almost always moves some line.
#[salsa::tracked(returns(clone), no_eq)]
pub fn line_index(db: &dyn Db, file: SourceFile) -> Arc<LineIndex> {
    Arc::new(LineIndex::new(file.text(db)))
}

/// The code model of a file: functions, tests, suites.
#[salsa::tracked(returns(clone))]
pub fn file_model(db: &dyn Db, file: SourceFile) -> Arc<FileModel> {
    let language = file.language(db);
    let context = file.context(db);
    match file.tree(db) {
        Some(_) => {
            let items = file_items(db, file);
            Arc::new(syntax::assemble(
                language,
                &items.outline,
                &items.models,
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
pub fn file_test_calls(db: &dyn Db, file: SourceFile) -> Arc<Vec<TestCalls>> {
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
pub fn test_call_index(db: &dyn Db, workspace: Workspace) -> Arc<TestCallIndex> {
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

/// A top-level record a file declares, without positions: this stays equal while someone edits
/// code around it, so the workspace index built from it is not rebuilt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordShape {
    pub name: String,
    pub language: Language,
    /// Its fields' names, in declaration order.
    pub fields: Vec<String>,
    /// Its constructor's parameters' names, where it has one.
    pub constructor: Option<Vec<String>>,
}

#[salsa::tracked(returns(clone))]
pub fn file_record_shapes(db: &dyn Db, file: SourceFile) -> Arc<Vec<RecordShape>> {
    let model = file_model(db, file);
    let language = file.language(db);
    Arc::new(
        model
            .records
            .iter()
            .filter(|r| r.qualified_name == r.name)
            .map(|r| RecordShape {
                name: r.name.clone(),
                language,
                fields: r.fields.iter().map(|f| f.name.clone()).collect(),
                constructor: r
                    .constructor
                    .as_ref()
                    .map(|c| c.params.iter().map(|p| p.name.clone()).collect()),
            })
            .collect(),
    )
}

/// The workspace's top-level records: by name, and all of them (to find a record by the fields a
/// value must have).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordIndex {
    /// The files declaring a record of each name, in workspace order.
    pub by_name: HashMap<String, Vec<SourceFile>>,
    /// Every record with the file declaring it, in workspace order.
    pub all: Vec<(SourceFile, RecordShape)>,
}

impl RecordIndex {
    pub fn files_declaring(&self, name: &str) -> &[SourceFile] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }
}

#[salsa::tracked(returns(clone))]
pub fn record_index(db: &dyn Db, workspace: Workspace) -> Arc<RecordIndex> {
    let mut index = RecordIndex::default();
    for file in workspace.files(db).iter() {
        for shape in file_record_shapes(db, *file).iter() {
            let files = index.by_name.entry(shape.name.clone()).or_default();
            if !files.contains(file) {
                files.push(*file);
            }
            index.all.push((*file, shape.clone()));
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

/// The names each function of a file calls, without positions (equal while edits move code).
#[salsa::tracked(returns(clone))]
pub fn file_function_calls(db: &dyn Db, file: SourceFile) -> Arc<Vec<(String, Vec<String>)>> {
    let model = file_model(db, file);
    Arc::new(
        model
            .functions
            .iter()
            .map(|f| {
                let mut calls: Vec<String> = f.calls.iter().map(|c| c.name.clone()).collect();
                calls.sort();
                calls.dedup();
                (f.name.clone(), calls)
            })
            .collect(),
    )
}

/// For each called name, the names of the functions that call it: one step of the call graph,
/// for "tests that reach a function through one intermediate".
#[salsa::tracked(returns(clone))]
pub fn function_call_index(db: &dyn Db, workspace: Workspace) -> Arc<HashMap<String, Vec<String>>> {
    let mut index: HashMap<String, Vec<String>> = HashMap::new();
    for file in workspace.files(db).iter() {
        for (caller, calls) in file_function_calls(db, *file).iter() {
            for name in calls {
                if name != caller {
                    index.entry(name.clone()).or_default().push(caller.clone());
                }
            }
        }
    }
    for callers in index.values_mut() {
        callers.sort();
        callers.dedup();
    }
    Arc::new(index)
}

/// The names of a file's functions, without positions (equal while edits move code).
#[salsa::tracked(returns(clone))]
pub fn file_function_names(db: &dyn Db, file: SourceFile) -> Arc<Vec<String>> {
    let mut names: Vec<String> = file_function_calls(db, file)
        .iter()
        .map(|(name, _)| name.clone())
        .collect();
    names.sort();
    names.dedup();
    Arc::new(names)
}

/// Every function name defined in the workspace: to tell a call that no longer resolves.
#[salsa::tracked(returns(clone))]
pub fn defined_function_names(
    db: &dyn Db,
    workspace: Workspace,
) -> Arc<std::collections::HashSet<String>> {
    Arc::new(
        workspace
            .files(db)
            .iter()
            .flat_map(|&file| {
                file_function_names(db, file)
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .collect(),
    )
}
