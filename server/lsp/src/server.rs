//! The `LanguageServer` implementation: dispatch only.

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use ide::{Analysis, Cancellable, Change, EditRange, PositionEncoding, TextEdit};
use serde_json::Value;
use tower_lsp_server::jsonrpc::{self, Error, ErrorCode};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::main_loop::{self, Handle};
use crate::settings::Settings;
use crate::{Options, convert, diagnostics, history, indexing, watch};

/// What the client said it can do, read once at `initialize`.
#[derive(Debug, Default, Clone)]
pub(crate) struct ClientSupport {
    pub pull_diagnostics: bool,
    pub work_done_progress: bool,
    pub watched_files_registration: bool,
    pub configuration: bool,
    pub inlay_hint_refresh: bool,
    pub code_lens_refresh: bool,
    pub diagnostic_refresh: bool,
    /// `workspace.workspaceEdit.documentChanges` with the `create` resource operation.
    pub document_changes: bool,
}

pub(crate) struct State {
    pub client: Client,
    pub main: Handle,
    pub options: Options,
    pub encoding: OnceLock<PositionEncoding>,
    pub support: OnceLock<ClientSupport>,
    pub roots: Mutex<Vec<PathBuf>>,
    /// Keeps the fallback file watcher alive (when the client cannot watch files for us).
    pub watcher: Mutex<Option<watch::Watcher>>,
    pub diagnostics: diagnostics::Publisher,
    pub settings: Mutex<Settings>,
    pub history: Mutex<Option<history::Loader>>,
}

impl State {
    pub fn encoding(&self) -> PositionEncoding {
        self.encoding.get().copied().unwrap_or_default()
    }

    pub fn support(&self) -> ClientSupport {
        self.support.get().cloned().unwrap_or_default()
    }

    pub fn settings(&self) -> Settings {
        self.settings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn roots(&self) -> Vec<PathBuf> {
        self.roots.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Pulls the `testlens` section of the client's settings, where the client has them.
    async fn pull_settings(&self) {
        if !self.support().configuration {
            return;
        }
        let items = vec![ConfigurationItem {
            scope_uri: None,
            section: Some("testlens".to_owned()),
        }];
        match self.client.configuration(items).await {
            Ok(values) => {
                if let Some(value) = values.first().filter(|v| v.is_object()) {
                    self.settings
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .merge(value);
                }
            }
            Err(e) => tracing::debug!("workspace/configuration: {e}"),
        }
    }
}

pub struct Server {
    state: Arc<State>,
}

/// Server command: the tests covering the function at `[uri, position]`, as locations.
const COMMAND_COVERING_TESTS: &str = "testlens.coveringTests";
const TEST_COMMAND_PANIC: &str = "testlens.internal.panic";
const TEST_COMMAND_SLEEP: &str = "testlens.internal.sleep";

impl Server {
    pub fn new(client: Client, options: Options) -> Server {
        let (changed_tx, changed_rx) = tokio::sync::mpsc::unbounded_channel();
        let main = Handle::start(changed_tx);
        let state = Arc::new_cyclic(|weak| State {
            client: client.clone(),
            main: main.clone(),
            options,
            encoding: OnceLock::new(),
            support: OnceLock::new(),
            roots: Mutex::new(Vec::new()),
            watcher: Mutex::new(None),
            diagnostics: diagnostics::Publisher::new(weak.clone()),
            settings: Mutex::new(Settings::default()),
            history: Mutex::new(None),
        });
        diagnostics::spawn_scheduler(state.clone(), changed_rx);
        Server { state }
    }

    /// The shared state, for the command modules (`generate`, `heal`).
    pub(crate) fn state(&self) -> &Arc<State> {
        &self.state
    }

    /// Runs `f` on a snapshot taken after every edit received so far, on a blocking thread,
    /// catching cancellation (→ `ContentModified`) and panics (→ `InternalError`, logged).
    pub(crate) async fn read<T, F>(&self, method: &'static str, f: F) -> jsonrpc::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Analysis, PositionEncoding) -> Cancellable<T> + Send + 'static,
    {
        // Queued synchronously, before the first await: this is what keeps requests after edits.
        let snapshot = self.state.main.request_snapshot();
        let analysis = snapshot.await.map_err(|_| Error::internal_error())?;
        let encoding = self.state.encoding();
        let cancel = CancelOnDrop(Some(analysis.cancellation_token()));
        let task = tokio::task::spawn_blocking(move || {
            let _span = tracing::info_span!("request", method).entered();
            std::panic::catch_unwind(AssertUnwindSafe(|| f(&analysis, encoding)))
        });
        let outcome = task.await;
        cancel.disarm();
        match outcome {
            Ok(Ok(Ok(value))) => Ok(value),
            Ok(Ok(Err(cancelled))) => {
                tracing::debug!(method, "cancelled: {cancelled}");
                Err(Error::new(ErrorCode::ContentModified))
            }
            Ok(Err(panic)) => {
                let message = main_loop::panic_message(panic.as_ref());
                tracing::error!(method, "request handler panicked: {message}");
                Err(Error {
                    code: ErrorCode::InternalError,
                    message: format!("testlens: internal error in {method}: {message}").into(),
                    data: None,
                })
            }
            Err(join) => {
                tracing::error!(method, "request task failed: {join}");
                Err(Error::internal_error())
            }
        }
    }

    async fn covering_tests(&self, arguments: Vec<Value>) -> jsonrpc::Result<Option<Value>> {
        let (uri, position) = match (arguments.first(), arguments.get(1)) {
            (Some(uri), Some(position)) => (
                serde_json::from_value::<Uri>(uri.clone()),
                serde_json::from_value::<Position>(position.clone()),
            ),
            _ => {
                return Err(Error::invalid_params(
                    "testlens.coveringTests takes [uri, position]",
                ));
            }
        };
        let (Ok(uri), Ok(position)) = (uri, position) else {
            return Err(Error::invalid_params(
                "testlens.coveringTests takes [uri, position]",
            ));
        };
        let Some(path) = Self::path_of(&uri) else {
            return Ok(Some(Value::Array(Vec::new())));
        };
        self.read("workspace/executeCommand", move |a, enc| {
            let Some(file) = a.file_id(&path) else {
                return Ok(Some(Value::Array(Vec::new())));
            };
            let index = a.line_index(file)?;
            let offset = convert::offset(&index, position, enc);
            let locations = a
                .covering_tests(file, offset)?
                .map(|c| convert::locations(a, c.tests.into_iter().filter_map(|t| t.location), enc))
                .unwrap_or_default();
            Ok(Some(serde_json::to_value(locations).unwrap_or_default()))
        })
        .await
    }

    /// `testlens/fileSummary`: the file's coverage and its tests' state, for a status bar.
    pub async fn file_summary(
        &self,
        params: FileSummaryParams,
    ) -> jsonrpc::Result<FileSummaryResult> {
        let path = Self::path_of(&params.text_document.uri);
        self.read("testlens/fileSummary", move |a, _| {
            let Some(file) = path.and_then(|p| a.file_id(&p)) else {
                return Ok(FileSummaryResult::default());
            };
            let s = a.file_summary(file)?;
            Ok(FileSummaryResult {
                coverage: s.coverage.map(|c| (c * 10.0).round() / 10.0),
                tests: s.tests,
                flaky: s.flaky,
                broken: s.broken,
            })
        })
        .await
    }

    /// `window/workDoneProgress/cancel` (tower-lsp-server has no method for it).
    pub async fn work_done_progress_cancel(&self, params: WorkDoneProgressCancelParams) {
        crate::generate::cancel_progress(self, params).await;
    }

    fn path_of(uri: &Uri) -> Option<PathBuf> {
        let path = convert::path(uri);
        if path.is_none() {
            tracing::debug!(uri = uri.as_str(), "not a file URI; ignored");
        }
        path
    }
}

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileSummaryParams {
    pub text_document: TextDocumentIdentifier,
}

#[derive(Debug, Default, serde::Serialize)]
pub struct FileSummaryResult {
    /// Percent of the executable lines with known coverage that are covered; null if unknown.
    pub coverage: Option<f64>,
    pub tests: usize,
    pub flaky: usize,
    pub broken: usize,
}

/// Cancels the snapshot's running query if the request is dropped before it finishes (which is
/// what `$/cancelRequest` does to a handler).
struct CancelOnDrop(Option<ide::CancellationToken>);

impl CancelOnDrop {
    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(token) = self.0.take() {
            token.cancel();
        }
    }
}

impl LanguageServer for Server {
    async fn initialize(&self, params: InitializeParams) -> jsonrpc::Result<InitializeResult> {
        let caps = &params.capabilities;
        let encoding = convert::negotiate(
            caps.general
                .as_ref()
                .and_then(|g| g.position_encodings.as_deref()),
        );
        let _ = self.state.encoding.set(encoding);
        let text_document = caps.text_document.as_ref();
        let workspace = caps.workspace.as_ref();
        let support = ClientSupport {
            pull_diagnostics: text_document.is_some_and(|t| t.diagnostic.is_some()),
            work_done_progress: caps
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
            watched_files_registration: workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false),
            configuration: workspace.and_then(|w| w.configuration).unwrap_or(false),
            inlay_hint_refresh: workspace
                .and_then(|w| w.inlay_hint.as_ref())
                .and_then(|w| w.refresh_support)
                .unwrap_or(false),
            code_lens_refresh: workspace
                .and_then(|w| w.code_lens.as_ref())
                .and_then(|w| w.refresh_support)
                .unwrap_or(false),
            diagnostic_refresh: workspace
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|w| w.refresh_support)
                .unwrap_or(false),
            document_changes: workspace
                .and_then(|w| w.workspace_edit.as_ref())
                .is_some_and(|e| {
                    e.document_changes == Some(true)
                        && e.resource_operations
                            .as_ref()
                            .is_some_and(|ops| ops.contains(&ResourceOperationKind::Create))
                }),
        };
        let _ = self.state.support.set(support.clone());

        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| convert::path(&f.uri))
            .collect();
        #[allow(deprecated)] // `root_uri` is the fallback for clients without workspace folders.
        if roots.is_empty()
            && let Some(root) = params.root_uri.as_ref().and_then(convert::path)
        {
            roots.push(root);
        }
        tracing::info!(?roots, ?encoding, ?support, "initialize");
        {
            let mut settings = roots
                .first()
                .map(|r| Settings::from_toml(r))
                .unwrap_or_default();
            if let Some(options) = &params.initialization_options {
                settings.merge(options);
            }
            *self
                .state
                .settings
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = settings;
        }
        *self.state.roots.lock().unwrap_or_else(|e| e.into_inner()) = roots.clone();
        self.state.main.change(Change::SetRoots(roots));

        let mut commands = vec![COMMAND_COVERING_TESTS.to_owned()];
        commands.extend(
            crate::generate::COMMANDS
                .iter()
                .chain(crate::heal::COMMANDS)
                .map(|c| (*c).to_owned()),
        );
        if self.state.options.test_hooks {
            commands.push(TEST_COMMAND_PANIC.to_owned());
            commands.push(TEST_COMMAND_SLEEP.to_owned());
        }
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "testlens".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(convert::encoding_kind(encoding)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                document_symbol_provider: Some(OneOf::Left(true)),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::new(convert::GENERATE_KIND),
                        ]),
                        work_done_progress_options: WorkDoneProgressOptions::default(),
                        resolve_provider: None,
                    },
                )),
                inlay_hint_provider: Some(OneOf::Right(InlayHintServerCapabilities::Options(
                    InlayHintOptions {
                        resolve_provider: Some(true),
                        work_done_progress_options: WorkDoneProgressOptions::default(),
                    },
                ))),
                diagnostic_provider: support.pull_diagnostics.then(|| {
                    DiagnosticServerCapabilities::Options(DiagnosticOptions {
                        identifier: Some("testlens".to_owned()),
                        inter_file_dependencies: false,
                        workspace_diagnostics: false,
                        work_done_progress_options: WorkDoneProgressOptions::default(),
                    })
                }),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands,
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                }),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                ..ServerCapabilities::default()
            },
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let state = self.state.clone();
        state.pull_settings().await;
        watch::start(&state).await;
        indexing::start(state.clone());
        let loader = history::start(state.clone());
        *state.history.lock().unwrap_or_else(|e| e.into_inner()) = loader;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        // What the history is read with: only a change to it loads the history again.
        let read_with = |s: &Settings| (s.history_config(), s.database.clone());
        let before = read_with(&self.state.settings());
        // Clients either send the settings or expect them to be pulled.
        if let Some(section) = params.settings.get("testlens").filter(|v| v.is_object()) {
            self.state
                .settings
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .merge(section);
        }
        self.state.pull_settings().await;
        if read_with(&self.state.settings()) == before {
            tracing::debug!("settings changed; the history is read as before");
        } else if let Some(loader) = self
            .state
            .history
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            loader.signal(history::Signal::Reconfigure);
        }
        history::refresh(&self.state, &tokio::runtime::Handle::current());
    }

    async fn shutdown(&self) -> jsonrpc::Result<()> {
        tracing::info!("shutdown");
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let Some(path) = Self::path_of(&doc.uri) else {
            return;
        };
        self.state
            .diagnostics
            .track(&path, doc.uri.clone(), doc.version);
        self.state.main.change(Change::Open {
            path,
            language_id: Some(doc.language_id),
            text: doc.text,
        });
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let Some(path) = Self::path_of(&params.text_document.uri) else {
            return;
        };
        let encoding = self.state.encoding();
        let edits = params
            .content_changes
            .into_iter()
            .map(|change| TextEdit {
                range: change.range.map(|r| EditRange::LineCol {
                    start: convert::line_col(r.start),
                    end: convert::line_col(r.end),
                    encoding,
                }),
                text: change.text,
            })
            .collect();
        self.state.diagnostics.track(
            &path,
            params.text_document.uri,
            params.text_document.version,
        );
        self.state.main.change(Change::Edit { path, edits });
    }

    async fn did_save(&self, _: DidSaveTextDocumentParams) {
        // Full sync of every change already gave us the saved text.
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let Some(path) = Self::path_of(&uri) else {
            return;
        };
        let disk = vfs::load(&path).ok();
        self.state.diagnostics.untrack(&path);
        self.state.main.change(Change::Close { path, disk });
        if !self.state.support().pull_diagnostics {
            self.state
                .client
                .publish_diagnostics(uri, Vec::new(), None)
                .await;
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let paths = params
            .changes
            .into_iter()
            .filter_map(|c| convert::path(&c.uri))
            .collect();
        watch::files_changed(&self.state.main, paths);
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> jsonrpc::Result<Option<DocumentSymbolResponse>> {
        let Some(path) = Self::path_of(&params.text_document.uri) else {
            return Ok(None);
        };
        self.read("textDocument/documentSymbol", move |a, enc| {
            let Some(file) = a.file_id(&path) else {
                return Ok(None);
            };
            let index = a.line_index(file)?;
            let symbols = a.document_symbols(file)?;
            Ok(Some(DocumentSymbolResponse::Nested(
                symbols
                    .into_iter()
                    .map(|s| convert::document_symbol(&index, s, enc))
                    .collect(),
            )))
        })
        .await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> jsonrpc::Result<Option<WorkspaceSymbolResponse>> {
        self.read("workspace/symbol", move |a, enc| {
            let found = a.workspace_symbols(&params.query, 256)?;
            let symbols = found
                .into_iter()
                .filter_map(|s| {
                    let uri = convert::uri(&a.file_path(s.file))?;
                    let index = a.line_index(s.file).ok()?;
                    Some(WorkspaceSymbol {
                        name: s.name,
                        kind: convert::symbol_kind(s.kind),
                        tags: None,
                        container_name: Some(s.container),
                        location: OneOf::Left(Location {
                            uri,
                            range: convert::range(&index, s.range, enc),
                        }),
                        data: None,
                    })
                })
                .collect();
            Ok(Some(WorkspaceSymbolResponse::Nested(symbols)))
        })
        .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> jsonrpc::Result<Option<Vec<InlayHint>>> {
        let Some(path) = Self::path_of(&params.text_document.uri) else {
            return Ok(None);
        };
        let shown = self.state.settings().hints_shown();
        self.read("textDocument/inlayHint", move |a, enc| {
            let Some(file) = a.file_id(&path) else {
                return Ok(None);
            };
            let index = a.line_index(file)?;
            let range = convert::text_range(&index, params.range, enc);
            let hints = a.inlay_hints(file, Some(range), &shown)?;
            Ok(Some(
                hints
                    .into_iter()
                    .map(|h| convert::inlay_hint(&index, h, enc))
                    .collect(),
            ))
        })
        .await
    }

    async fn inlay_hint_resolve(&self, mut hint: InlayHint) -> jsonrpc::Result<InlayHint> {
        // Coverage and risk hints carry their tooltip; complexity hints get the fixed text.
        if hint.tooltip.is_none() {
            hint.tooltip = Some(InlayHintTooltip::String(ide::COMPLEXITY_TOOLTIP.to_owned()));
        }
        Ok(hint)
    }

    async fn hover(&self, params: HoverParams) -> jsonrpc::Result<Option<Hover>> {
        let position = params.text_document_position_params;
        let Some(path) = Self::path_of(&position.text_document.uri) else {
            return Ok(None);
        };
        self.read("textDocument/hover", move |a, enc| {
            let Some(file) = a.file_id(&path) else {
                return Ok(None);
            };
            let index = a.line_index(file)?;
            let offset = convert::offset(&index, position.position, enc);
            Ok(a.hover(file, offset)?
                .map(|h| convert::hover(&index, h, enc)))
        })
        .await
    }

    async fn code_action(
        &self,
        params: CodeActionParams,
    ) -> jsonrpc::Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let Some(path) = Self::path_of(&uri) else {
            return Ok(None);
        };
        let wanted = params.context.only.clone();
        let offered = move |kind: &CodeActionKind| {
            wanted.as_ref().is_none_or(|only| {
                only.iter().any(|k| {
                    kind.as_str() == k.as_str()
                        || kind.as_str().starts_with(&format!("{}.", k.as_str()))
                })
            })
        };
        let document_changes = self.state.support().document_changes;
        self.read("textDocument/codeAction", move |a, enc| {
            let Some(file) = a.file_id(&path) else {
                return Ok(None);
            };
            let index = a.line_index(file)?;
            let range = convert::text_range(&index, params.range, enc);
            let index_of = |p: &std::path::Path| {
                if p == path {
                    return Some(index.clone());
                }
                a.file_id(p).and_then(|f| a.line_index(f).ok())
            };
            let actions = a
                .assists(file, range)?
                .into_iter()
                .filter(|assist| offered(&convert::code_action_kind(assist.kind)))
                .filter_map(|assist| {
                    convert::code_action(
                        &index_of,
                        assist,
                        &params.context.diagnostics,
                        document_changes,
                        enc,
                    )
                })
                .map(CodeActionOrCommand::CodeAction)
                .collect();
            Ok(Some(actions))
        })
        .await
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> jsonrpc::Result<DocumentDiagnosticReportResult> {
        let path = Self::path_of(&params.text_document.uri);
        let items = self
            .read("textDocument/diagnostic", move |a, enc| {
                let Some(file) = path.and_then(|p| a.file_id(&p)) else {
                    return Ok(Vec::new());
                };
                let index = a.line_index(file)?;
                Ok(a.diagnostics(file)?
                    .into_iter()
                    .map(|d| convert::diagnostic(&index, d, enc))
                    .collect())
            })
            .await?;
        Ok(DocumentDiagnosticReportResult::Report(
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: None,
                    items,
                },
            }),
        ))
    }

    async fn code_lens(&self, params: CodeLensParams) -> jsonrpc::Result<Option<Vec<CodeLens>>> {
        let uri = params.text_document.uri;
        let Some(path) = Self::path_of(&uri) else {
            return Ok(None);
        };
        self.read("textDocument/codeLens", move |a, enc| {
            let Some(file) = a.file_id(&path) else {
                return Ok(None);
            };
            let index = a.line_index(file)?;
            let lenses = a.code_lenses(file)?;
            Ok(Some(
                lenses
                    .into_iter()
                    .map(|l| convert::code_lens(a, &index, &uri, l, enc))
                    .collect(),
            ))
        })
        .await
    }

    async fn execute_command(
        &self,
        params: ExecuteCommandParams,
    ) -> jsonrpc::Result<Option<Value>> {
        if params.command == COMMAND_COVERING_TESTS {
            return self.covering_tests(params.arguments).await;
        }
        if crate::generate::COMMANDS.contains(&params.command.as_str()) {
            return crate::generate::execute(self, &params.command, params.arguments).await;
        }
        if crate::heal::COMMANDS.contains(&params.command.as_str()) {
            return crate::heal::execute(self, &params.command, params.arguments).await;
        }
        if !self.state.options.test_hooks {
            return Err(Error::invalid_params(format!(
                "unknown command {}",
                params.command
            )));
        }
        match params.command.as_str() {
            TEST_COMMAND_PANIC => {
                self.read(
                    "workspace/executeCommand",
                    |_, _| -> Cancellable<Option<Value>> {
                        panic!("test hook: a deliberate panic inside a request handler")
                    },
                )
                .await
            }
            TEST_COMMAND_SLEEP => {
                let millis = params
                    .arguments
                    .first()
                    .and_then(Value::as_u64)
                    .unwrap_or(5_000);
                tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
                Ok(Some(Value::from("slept")))
            }
            other => Err(Error::invalid_params(format!("unknown command {other}"))),
        }
    }
}
