//! Editor-neutral features on top of the database.
//!
//! [`AnalysisHost`] owns the database and applies [`Change`]s in order; [`Analysis`] is a snapshot
//! that answers questions on another thread. Results are plain structs with byte offsets and
//! labels: converting them to a protocol is the caller's job.
//!
//! Architecture invariant: no LSP types here, and no I/O (files arrive as [`vfs::LoadedFile`]s).
//! API boundary: this is what the LSP server and the CLI build on.

mod assists;
mod check;
mod diagnostics;
pub mod generate;
mod heal;
pub mod history;
mod hover;
pub mod ingest;
mod inlay_hints;
mod insights;
mod lenses;
mod symbols;

use std::collections::{HashMap, HashSet};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

pub use db::{CancellationToken, Cancelled, EditRange, TextEdit};
use db::{RootDatabase, Setter, SourceFile, Workspace};
use syntax::{FileContext, Framework, Language};

pub use assists::{Assist, AssistCommand, AssistKind, FileEdit, apply_edits};
pub use check::{CheckReport, LanguageCounts, QuarantinedTest, ReportedDiagnostic};
pub use diagnostics::{Diagnostic, DiagnosticCode, Related, Severity};
pub use generate::{
    GenerateConfig, Input, InputOrigin, Outcome, PROBE_OUT_VAR, RECORD_COMMAND, Refusal,
    RenderedTest, Run, RunnerCommand, ScratchFile, TargetFunction, TestFile, TestPlan,
};
pub use heal::{
    AssertionPlan, CalleeCalls, RECORD_ASSERTIONS, RECORD_QUARANTINE, record_quarantine,
};
pub use history::{History, HistoryConfig};
pub use hover::HoverResult;
pub use inlay_hints::{COMPLEXITY_TOOLTIP, HintsShown, InlayHint, InlayHintKind};
pub use insights::{CoverSource, Covering, CoveringTest, Risk};
pub use lenses::{CodeLens, FileSummary, LensKind};
pub use symbols::{DocumentSymbol, SymbolKind, WorkspaceSymbol};
pub use syntax::{LineCol, LineIndex, PositionEncoding, SourceText, TextRange, TextSize};

/// Compiles every language's queries (a few milliseconds each, once per process).
pub fn warm_up() {
    for language in Language::ALL {
        syntax::queries::get(language);
    }
}

/// A file of the workspace. Cheap to copy; valid for the host that made it.
pub type FileId = SourceFile;

/// A query that may be cancelled because an edit arrived while it ran.
pub type Cancellable<T> = Result<T, Cancelled>;

/// One change to what the host knows, applied in the order received.
#[derive(Debug)]
pub enum Change {
    /// The workspace folders. Module names are taken relative to the folder holding a file.
    SetRoots(Vec<PathBuf>),
    /// Files read from disk (the initial index, or files created since). Files open in an editor
    /// keep the editor's text.
    AddFiles(Vec<vfs::LoadedFile>),
    /// A file changed on disk; `None` if it was deleted.
    DiskChanged {
        path: PathBuf,
        file: Option<vfs::LoadedFile>,
    },
    /// An editor opened a document. `language_id` is used when the path does not tell.
    Open {
        path: PathBuf,
        language_id: Option<String>,
        text: String,
    },
    /// Edits to an open document, in order.
    Edit { path: PathBuf, edits: Vec<TextEdit> },
    /// An editor closed a document; the file goes back to its text on disk, if it has one.
    Close {
        path: PathBuf,
        disk: Option<vfs::LoadedFile>,
    },
    /// A `package.json` changed: which JavaScript runner a file belongs to may have changed.
    ProjectChanged,
    /// The test history was (re)loaded, or is gone.
    SetHistory(Option<Arc<History>>),
}

/// Owns the database. All writes go through [`AnalysisHost::apply`].
pub struct AnalysisHost {
    db: RootDatabase,
    workspace: Workspace,
    files: Arc<HashMap<Arc<Path>, SourceFile>>,
    roots: Vec<PathBuf>,
    open: HashSet<SourceFile>,
    package_json: vfs::PackageJsonCache,
    go_mod: vfs::GoModCache,
    history: Option<Arc<History>>,
}

impl Default for AnalysisHost {
    fn default() -> AnalysisHost {
        AnalysisHost::new(RootDatabase::default())
    }
}

impl AnalysisHost {
    pub fn new(db: RootDatabase) -> AnalysisHost {
        let workspace = Workspace::new(&db, Arc::new(Vec::new()));
        AnalysisHost {
            db,
            workspace,
            files: Arc::default(),
            roots: Vec::new(),
            open: HashSet::new(),
            package_json: vfs::PackageJsonCache::default(),
            go_mod: vfs::GoModCache::default(),
            history: None,
        }
    }

    /// A snapshot for reading on another thread. Hold it briefly: the next [`AnalysisHost::apply`]
    /// cancels it and waits for it to be dropped.
    pub fn analysis(&self) -> Analysis {
        Analysis {
            db: self.db.clone(),
            workspace: self.workspace,
            files: self.files.clone(),
            history: self.history.clone(),
        }
    }

    pub fn raw_database(&self) -> &RootDatabase {
        &self.db
    }

    pub fn raw_database_mut(&mut self) -> &mut RootDatabase {
        &mut self.db
    }

    /// Applies one change. Returns the open files whose diagnostics may have changed.
    pub fn apply(&mut self, change: Change) -> Vec<FileId> {
        match change {
            Change::SetRoots(roots) => {
                self.roots = roots;
                Vec::new()
            }
            Change::SetHistory(history) => {
                self.history = history;
                self.open.iter().copied().collect()
            }
            Change::AddFiles(loaded) => {
                let mut added = false;
                for file in loaded {
                    added |= self.upsert_from_disk(file);
                }
                if added {
                    self.sync_workspace();
                }
                // With a history, an open test's verdict depends on the code it covers, which
                // may only now have been read.
                if added && self.history.is_some() {
                    self.open.iter().copied().collect()
                } else {
                    Vec::new()
                }
            }
            Change::DiskChanged { path, file } => match file {
                Some(file) => {
                    if self.upsert_from_disk(file) {
                        self.sync_workspace();
                    }
                    Vec::new()
                }
                None => {
                    if let Some(id) = self.files.get(path.as_path()).copied()
                        && !self.open.contains(&id)
                    {
                        Arc::make_mut(&mut self.files).remove(path.as_path());
                        self.sync_workspace();
                    }
                    Vec::new()
                }
            },
            Change::Open {
                path,
                language_id,
                text,
            } => {
                let language = Language::from_path(&path)
                    .or_else(|| language_id.as_deref().and_then(Language::from_language_id));
                let Some(language) = language else {
                    tracing::info!(path = %path.display(), "not a language testlens models; ignored");
                    return Vec::new();
                };
                if text.len() > syntax::text::MAX_FILE_SIZE {
                    tracing::warn!(
                        path = %path.display(),
                        bytes = text.len(),
                        "document over 4 MiB; not modelled"
                    );
                    return Vec::new();
                }
                let known = self.files.len();
                let id = self.file_for(&path, language);
                self.db.open_file(id, SourceText::from(text));
                self.open.insert(id);
                if self.files.len() != known {
                    self.sync_workspace();
                }
                vec![id]
            }
            Change::Edit { path, edits } => {
                let Some(id) = self.files.get(path.as_path()).copied() else {
                    return Vec::new();
                };
                if !self.open.contains(&id) {
                    tracing::warn!(path = %path.display(), "edit to a document that is not open; ignored");
                    return Vec::new();
                }
                self.db.edit_file(id, &edits);
                if id.text(&self.db).len() as usize > syntax::text::MAX_FILE_SIZE {
                    tracing::warn!(path = %path.display(), "document grew over 4 MiB; no longer modelled");
                    self.db.close_file(id, Some(SourceText::default()));
                    self.open.remove(&id);
                }
                vec![id]
            }
            Change::Close { path, disk } => {
                let Some(id) = self.files.get(path.as_path()).copied() else {
                    return Vec::new();
                };
                self.open.remove(&id);
                match disk {
                    Some(file) => self.db.close_file(id, Some(SourceText::from(file.text))),
                    None => {
                        // An unsaved document closed: it no longer exists.
                        self.db.close_file(id, None);
                        Arc::make_mut(&mut self.files).remove(path.as_path());
                        self.sync_workspace();
                    }
                }
                Vec::new()
            }
            Change::ProjectChanged => {
                self.package_json.clear();
                self.go_mod.clear();
                let files: Vec<(Arc<Path>, SourceFile)> =
                    self.files.iter().map(|(p, f)| (p.clone(), *f)).collect();
                for (path, file) in files {
                    let context = self.context_for(&path);
                    if *file.context(&self.db) != context {
                        file.set_context(&mut self.db).to(context);
                    }
                }
                self.open.iter().copied().collect()
            }
        }
    }

    /// Whether `path` is open in an editor.
    pub fn is_open(&self, path: &Path) -> bool {
        self.files.get(path).is_some_and(|f| self.open.contains(f))
    }

    /// Adds or updates a file read from disk. Returns whether the file is new.
    fn upsert_from_disk(&mut self, loaded: vfs::LoadedFile) -> bool {
        if let Some(id) = self.files.get(loaded.path.as_path()).copied() {
            if !self.open.contains(&id) {
                id.set_text(&mut self.db).to(SourceText::from(loaded.text));
            }
            return false;
        }
        self.new_file(&loaded.path, loaded.language, SourceText::from(loaded.text));
        true
    }

    /// The input for `path`, created (empty) if there is none yet.
    fn file_for(&mut self, path: &Path, language: Language) -> SourceFile {
        match self.files.get(path) {
            Some(id) => *id,
            None => self.new_file(path, language, SourceText::default()),
        }
    }

    fn new_file(&mut self, path: &Path, language: Language, text: SourceText) -> SourceFile {
        let path: Arc<Path> = Arc::from(path);
        let root = self
            .roots
            .iter()
            .filter(|r| path.starts_with(r))
            .max_by_key(|r| r.as_os_str().len());
        let module = match root {
            Some(root) => vfs::module_name(root, &path, language),
            None => vfs::module_name(path.parent().unwrap_or(Path::new("")), &path, language),
        };
        let context = self.context_for(&path);
        let id = SourceFile::new(
            &self.db,
            path.clone(),
            language,
            Arc::from(module),
            text,
            None,
            context,
        );
        Arc::make_mut(&mut self.files).insert(path, id);
        id
    }

    fn context_for(&self, path: &Path) -> FileContext {
        let language = Language::from_path(path);
        FileContext {
            file_name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            js_framework: match language {
                Some(l) if l.is_js_family() => self.package_json.framework_for(path),
                _ => None,
            },
            go_import_path: match language {
                Some(Language::Go) => self.go_mod.import_path_for(path),
                _ => None,
            },
        }
    }

    /// Brings the workspace's file list input up to date, once per change that adds or removes
    /// files: known files keep their place and new ones go at the end, so a batch of the initial
    /// index costs the size of the batch, not of the workspace.
    fn sync_workspace(&mut self) {
        let current = self.workspace.files(&self.db);
        let mut files: Vec<SourceFile> = current
            .iter()
            .copied()
            .filter(|f| self.files.get(f.path(&self.db)).is_some_and(|g| g == f))
            .collect();
        let listed: HashSet<SourceFile> = files.iter().copied().collect();
        let mut added: Vec<(&Arc<Path>, SourceFile)> = self
            .files
            .iter()
            .filter(|(_, f)| !listed.contains(f))
            .map(|(p, f)| (p, *f))
            .collect();
        added.sort_by(|a, b| a.0.cmp(b.0));
        files.extend(added.into_iter().map(|(_, f)| f));
        if *current.as_ref() != files {
            self.workspace.set_files(&mut self.db).to(Arc::new(files));
        }
    }
}

/// A read-only view of the database at one moment.
#[derive(Clone)]
pub struct Analysis {
    db: RootDatabase,
    workspace: Workspace,
    files: Arc<HashMap<Arc<Path>, SourceFile>>,
    history: Option<Arc<History>>,
}

impl Analysis {
    /// Runs `f`, turning salsa's cancellation into `Err(Cancelled)`. A cancelled query leaves
    /// nothing half-written (salsa discards it), so unwinding through it is safe.
    fn with_db<T>(&self, f: impl FnOnce(&RootDatabase) -> T) -> Cancellable<T> {
        let db = &self.db;
        Cancelled::catch(AssertUnwindSafe(|| f(db)))
    }

    /// A token that cancels this snapshot's running query when triggered (for `$/cancelRequest`).
    pub fn cancellation_token(&self) -> CancellationToken {
        salsa::Database::cancellation_token(&self.db)
    }

    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        self.files.get(path).copied()
    }

    pub fn file_path(&self, file: FileId) -> Arc<Path> {
        file.path(&self.db).clone()
    }

    pub fn file_language(&self, file: FileId) -> Language {
        file.language(&self.db)
    }

    /// The module a file stands for (`shop.cart`, `cart`, `src/cart`).
    pub fn file_module(&self, file: FileId) -> String {
        file.module(&self.db).to_string()
    }

    pub fn file_text(&self, file: FileId) -> SourceText {
        file.text(&self.db).clone()
    }

    /// For converting many positions of one file at once.
    pub fn line_index(&self, file: FileId) -> Cancellable<Arc<LineIndex>> {
        self.with_db(|db| db::line_index(db, file))
    }

    pub fn files(&self) -> Vec<FileId> {
        self.workspace.files(&self.db).as_ref().clone()
    }

    pub fn file_count(&self) -> usize {
        self.workspace.files(&self.db).len()
    }

    pub fn file_model(&self, file: FileId) -> Cancellable<Arc<syntax::FileModel>> {
        self.with_db(|db| db::file_model(db, file))
    }

    /// Computes every file's model on `threads` threads, calling `progress(done, total)` as it
    /// goes. This is the background index: later requests find everything computed.
    pub fn prime(
        &self,
        threads: usize,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Cancellable<()> {
        let files = self.files();
        let total = files.len();
        let next = AtomicUsize::new(0);
        let done = AtomicUsize::new(0);
        let results: Vec<Cancellable<()>> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads.max(1))
                .map(|_| {
                    let db = self.db.clone();
                    let files = &files;
                    let next = &next;
                    let done = &done;
                    scope.spawn(move || {
                        Cancelled::catch(AssertUnwindSafe(|| {
                            loop {
                                let i = next.fetch_add(1, Ordering::Relaxed);
                                let Some(file) = files.get(i) else { break };
                                db::file_model(&db, *file);
                                let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                                if d.is_multiple_of(64) || d == total {
                                    progress(d, total);
                                }
                            }
                        }))
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
        results.into_iter().collect::<Cancellable<Vec<()>>>()?;
        self.with_db(|db| {
            db::test_call_index(db, self.workspace);
        })
    }

    pub fn document_symbols(&self, file: FileId) -> Cancellable<Vec<DocumentSymbol>> {
        self.with_db(|db| symbols::document_symbols(db, file))
    }

    pub fn workspace_symbols(
        &self,
        query: &str,
        limit: usize,
    ) -> Cancellable<Vec<WorkspaceSymbol>> {
        self.with_db(|db| symbols::workspace_symbols(db, self.workspace, query, limit))
    }

    pub fn inlay_hints(
        &self,
        file: FileId,
        range: Option<TextRange>,
        shown: &HintsShown,
    ) -> Cancellable<Vec<InlayHint>> {
        self.with_db(|db| {
            inlay_hints::inlay_hints(
                db,
                self.workspace,
                self.history.as_deref(),
                file,
                range,
                shown,
            )
        })
    }

    /// The loaded history, if any.
    pub fn history(&self) -> Option<&Arc<History>> {
        self.history.as_ref()
    }

    /// Code lenses: above functions, the tests covering them; above tests, their record.
    pub fn code_lenses(&self, file: FileId) -> Cancellable<Vec<CodeLens>> {
        self.with_db(|db| lenses::code_lenses(db, self.workspace, self.history.as_deref(), file))
    }

    /// The tests covering the function at `offset`.
    pub fn covering_tests(&self, file: FileId, offset: TextSize) -> Cancellable<Option<Covering>> {
        self.with_db(|db| {
            let model = db::file_model(db, file);
            let f = db::function_at(&model, offset).map(|i| &model.functions[i])?;
            Some(insights::covering_tests(
                db,
                self.workspace,
                self.history.as_deref(),
                file,
                f,
            ))
        })
    }

    /// The file's coverage and its tests' state, for a status bar.
    pub fn file_summary(&self, file: FileId) -> Cancellable<FileSummary> {
        self.with_db(|db| lenses::file_summary(db, self.history.as_deref(), file))
    }

    pub fn hover(&self, file: FileId, offset: TextSize) -> Cancellable<Option<HoverResult>> {
        self.with_db(|db| hover::hover(db, self.workspace, self.history.as_deref(), file, offset))
    }

    /// Quick fixes whose target overlaps `range`, and the generation actions on the function
    /// there.
    pub fn assists(&self, file: FileId, range: TextRange) -> Cancellable<Vec<Assist>> {
        self.with_db(|db| {
            let history = self.history.as_deref();
            let mut out = assists::assists(db, file, range);
            out.extend(heal::assists(db, self.workspace, history, file, range));
            out.extend(generate::assists(db, self.workspace, history, file, range));
            out
        })
    }

    /// The plan for a test of the function named `name` in `file` (the one nearest `offset`),
    /// or of the function at `offset`: framework, target file, name and inputs. Pure: running
    /// the probes it describes is the caller's job.
    pub fn generation_plan(
        &self,
        file: FileId,
        name: Option<&str>,
        offset: TextSize,
        config: &GenerateConfig,
    ) -> Cancellable<Result<TestPlan, Refusal>> {
        self.with_db(|db| generate::plan_named(db, self.workspace, file, name, offset, config))
    }

    /// The plan recording assertions into the test named `name` (or the one at `offset`) of
    /// `file`, a test that asserts nothing; `Err` with the reason where there is nothing to record.
    pub fn assertion_plan(
        &self,
        file: FileId,
        name: Option<&str>,
        offset: TextSize,
    ) -> Cancellable<Result<AssertionPlan, String>> {
        self.with_db(|db| heal::assertion_plan(db, self.workspace, file, name, offset))
    }

    pub fn diagnostics(&self, file: FileId) -> Cancellable<Vec<Diagnostic>> {
        self.with_db(|db| {
            let mut found = diagnostics::diagnostics(db, file);
            if let Some(history) = self.history.as_deref() {
                let mut more =
                    insights::history_diagnostics(db, self.workspace, history, file, &mut found);
                found.append(&mut more);
                found.sort_by_key(|d| (d.range.start, d.code));
            }
            found
        })
    }

    /// The whole-workspace report of `testlens check`.
    pub fn check(&self, threads: usize) -> Cancellable<CheckReport> {
        self.prime(threads, &|_, _| {})?;
        self.with_db(|db| check::check(db, self.workspace))
    }

    /// The quarantined tests recorded in the history (`records`, files relative to `root`),
    /// each with where the test is now and whether it is still skipped there.
    pub fn quarantined(
        &self,
        root: &Path,
        records: Vec<store::Quarantine>,
    ) -> Cancellable<Vec<QuarantinedTest>> {
        self.with_db(|db| check::locate_quarantined(db, &self.files, root, records))
    }

    /// The JavaScript framework of a file, where known.
    pub fn js_framework(&self, file: FileId) -> Option<Framework> {
        file.context(&self.db).js_framework
    }
}
