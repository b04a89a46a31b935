//! The `workspace/executeCommand` commands of healing: recording a quarantine in the history
//! after the client applied the quarantine edit.

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::MessageType;

use crate::history::store_path;
use crate::server::Server;

/// The commands served here, advertised at `initialize`.
pub(crate) const COMMANDS: &[&str] = &[ide::RECORD_QUARANTINE];

/// How long a quarantine waits for another writer (an ingest) to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Runs `command` (one of [`COMMANDS`]).
pub(crate) async fn execute(
    server: &Server,
    command: &str,
    arguments: Vec<Value>,
) -> jsonrpc::Result<Option<Value>> {
    match command {
        ide::RECORD_QUARANTINE => record_quarantine(server, arguments).await,
        _ => Err(jsonrpc::Error::invalid_params(format!(
            "unknown command {command}"
        ))),
    }
}

/// `[file, name, reason]`: writes the quarantine to the history. A failure (a history locked
/// past the busy timeout, a newer schema) is shown to the user and answered with `null`.
async fn record_quarantine(
    server: &Server,
    arguments: Vec<Value>,
) -> jsonrpc::Result<Option<Value>> {
    let text = |i: usize| arguments.get(i).and_then(Value::as_str).map(str::to_owned);
    let (Some(file), Some(name), Some(reason)) = (text(0), text(1), text(2)) else {
        return Err(jsonrpc::Error::invalid_params(format!(
            "{} takes [file, name, reason]",
            ide::RECORD_QUARANTINE
        )));
    };
    let state = server.state().clone();
    let Some(root) = state.roots().first().cloned() else {
        let message = "testlens: cannot record a quarantine without a workspace folder";
        state.client.show_message(MessageType::ERROR, message).await;
        return Ok(None);
    };
    // Files are recorded relative to the workspace root, as the history names them.
    let file = match Path::new(&file).strip_prefix(&root) {
        Ok(rel) if Path::new(&file).is_absolute() => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        _ => file,
    };
    let path = store_path(&state, &root);
    let (f, n, r) = (file.clone(), name.clone(), reason.clone());
    let written = tokio::task::spawn_blocking(move || {
        ide::record_quarantine(&path, &f, &n, &r, BUSY_TIMEOUT)
    })
    .await;
    match written {
        Ok(Ok(q)) => {
            tracing::info!(file = q.file, name = q.name, "quarantine recorded");
            Ok(Some(json!({
                "file": q.file,
                "name": q.name,
                "reason": q.reason,
                "since": q.created_at,
            })))
        }
        Ok(Err(e)) => {
            tracing::warn!(file, name, "cannot record the quarantine: {e}");
            let message = format!("testlens: the quarantine of `{name}` was not recorded: {e}");
            state.client.show_message(MessageType::ERROR, message).await;
            Ok(None)
        }
        Err(join) => {
            tracing::error!("quarantine task failed: {join}");
            Err(jsonrpc::Error::internal_error())
        }
    }
}
