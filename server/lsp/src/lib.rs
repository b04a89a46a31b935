//! The language server. It only converts and dispatches: protocol in, [`ide`] calls, protocol out.
//!
//! - Edits (`didOpen`, `didChange`, `didClose`, watched files) go, in arrival order, to one thread
//!   that owns the [`ide::AnalysisHost`] ([`main_loop`]). A request asks that thread for a
//!   snapshot through the same queue, so it sees every edit sent before it, even though
//!   tower-lsp-server runs handlers concurrently.
//! - Requests run on a snapshot in a blocking task, under `catch_unwind`: a cancelled query
//!   answers `ContentModified`, a panic answers `InternalError` and is logged, and the server goes
//!   on. `$/cancelRequest` drops the handler and cancels its query.
//! - The workspace is indexed in the background ([`indexing`]) with work-done progress.
//!
//! Architecture invariant: no analysis here. Every position is converted in [`convert`].
//! Only protocol goes to stdout; logs go to stderr or a file.

mod convert;
mod diagnostics;
mod generate;
mod heal;
mod history;
mod indexing;
mod main_loop;
mod server;
mod settings;
mod stdin_filter;
mod watch;

pub use server::Server;

/// How the server is run.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Adds `testlens.internal.*` commands that panic or sleep, for the end-to-end tests of
    /// panics and cancellation. Off unless `TESTLENS_TEST_HOOKS=1`.
    pub test_hooks: bool,
    /// The history file (`--db`); the `testlens.database` setting overrides it.
    pub db: Option<std::path::PathBuf>,
}

/// Serves LSP over stdin and stdout until the client exits.
pub async fn run_stdio(options: Options) {
    let (service, socket) =
        tower_lsp_server::LspService::build(|client| Server::new(client, options))
            .custom_method("testlens/fileSummary", Server::file_summary)
            .custom_method(
                "window/workDoneProgress/cancel",
                Server::work_done_progress_cancel,
            )
            .finish();
    let (filtered, sink) = tokio::io::duplex(1 << 16);
    tokio::spawn(stdin_filter::forward(tokio::io::stdin(), sink));
    tower_lsp_server::Server::new(filtered, tokio::io::stdout(), socket)
        .serve(service)
        .await;
}
