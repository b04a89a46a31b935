//! The `workspace/executeCommand` commands of healing (issue 7; being built).

use serde_json::Value;
use tower_lsp_server::jsonrpc;

use crate::server::Server;

/// The commands served here, advertised at `initialize`.
pub(crate) const COMMANDS: &[&str] = &[];

/// Runs `command` (one of [`COMMANDS`]).
pub(crate) async fn execute(
    _server: &Server,
    command: &str,
    _arguments: Vec<Value>,
) -> jsonrpc::Result<Option<Value>> {
    Err(jsonrpc::Error::invalid_params(format!(
        "unknown command {command}"
    )))
}
