//! The `workspace/executeCommand` commands that record through the project's runner (the
//! `runner` crate), with work-done progress that the user can cancel, and only then apply their
//! edit with `workspace/applyEdit`: `testlens.generateAndRecord` records a new test for a
//! function; `testlens.recordAssertions` records assertions into a test that has none.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use ide::{GenerateConfig, LineIndex, PositionEncoding};
use serde_json::{Value, json};
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::server::Server;

/// The commands served here, advertised at `initialize`.
pub(crate) const COMMANDS: &[&str] = &[ide::RECORD_COMMAND, ide::RECORD_ASSERTIONS];

/// Recordings in flight, by progress token, for `window/workDoneProgress/cancel`.
static RUNNING: LazyLock<Mutex<HashMap<String, runner::Cancel>>> = LazyLock::new(Mutex::default);

/// Runs `command` (one of [`COMMANDS`]).
pub(crate) async fn execute(
    server: &Server,
    command: &str,
    arguments: Vec<Value>,
) -> jsonrpc::Result<Option<Value>> {
    let request = arguments.first().and_then(RecordRequest::from_value);
    let outcome = match (command, request) {
        (ide::RECORD_COMMAND, Some(request)) => record(server, request).await,
        (ide::RECORD_ASSERTIONS, Some(request)) => record_assertions(server, request).await,
        (ide::RECORD_COMMAND, None) => {
            return Err(jsonrpc::Error::invalid_params(
                "testlens.generateAndRecord takes [{\"path\", \"offset\", \"function\", \"framework\"}]",
            ));
        }
        (ide::RECORD_ASSERTIONS, None) => {
            return Err(jsonrpc::Error::invalid_params(
                "testlens.recordAssertions takes [{\"path\", \"offset\", \"test\"}]",
            ));
        }
        _ => {
            return Err(jsonrpc::Error::invalid_params(format!(
                "unknown command {command}"
            )));
        }
    };
    let state = server.state();
    match outcome {
        Ok(summary) => {
            state
                .client
                .show_message(MessageType::INFO, &summary.message)
                .await;
            Ok(Some(summary.value))
        }
        Err(message) => {
            tracing::info!("generate: {message}");
            state
                .client
                .show_message(MessageType::ERROR, format!("testlens: {message}"))
                .await;
            Ok(Some(json!({ "applied": false, "error": message })))
        }
    }
}

/// `window/workDoneProgress/cancel`: stops the recording behind the token, if any.
pub(crate) async fn cancel_progress(_server: &Server, params: WorkDoneProgressCancelParams) {
    let key = token_key(&params.token);
    if let Some(cancel) = RUNNING.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        tracing::info!(token = %key, "recording cancelled by the client");
        cancel.cancel();
    }
}

struct RecordRequest {
    path: PathBuf,
    offset: u32,
    function: Option<String>,
    framework: Option<syntax::Framework>,
}

impl RecordRequest {
    fn from_value(v: &Value) -> Option<RecordRequest> {
        Some(RecordRequest {
            path: PathBuf::from(v.get("path")?.as_str()?),
            offset: v.get("offset").and_then(Value::as_u64).unwrap_or(0) as u32,
            // The function to test, or the test to add assertions to.
            function: v
                .get("function")
                .or_else(|| v.get("test"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            framework: v
                .get("framework")
                .and_then(Value::as_str)
                .and_then(syntax::Framework::from_name),
        })
    }
}

struct Summary {
    message: String,
    value: Value,
}

fn token_key(token: &ProgressToken) -> String {
    match token {
        NumberOrString::Number(n) => n.to_string(),
        NumberOrString::String(s) => s.clone(),
    }
}

/// Cancels the recording when the request is dropped (`$/cancelRequest`), and forgets its
/// progress token.
struct Guard {
    cancel: runner::Cancel,
    key: String,
    done: bool,
}

impl Drop for Guard {
    fn drop(&mut self) {
        RUNNING
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.key);
        if !self.done {
            self.cancel.cancel();
        }
    }
}

async fn record(server: &Server, request: RecordRequest) -> Result<Summary, String> {
    let config = GenerateConfig {
        framework: request.framework,
        call_sites: true,
    };
    let path = request.path.clone();
    let name = request.function.clone();
    let offset = request.offset;
    // The plan, and the line index of the target file as it was planned against.
    let planned = server
        .read("workspace/executeCommand", move |a, enc| {
            let Some(file) = a.file_id(&path) else {
                return Ok(Err(format!("{} is not in the workspace", path.display())));
            };
            let plan = match a.generation_plan(file, name.as_deref(), offset, &config)? {
                Ok(plan) => plan,
                Err(refusal) => return Ok(Err(refusal.to_string())),
            };
            let index = match a.file_id(&plan.target.path) {
                Some(f) => Some(a.line_index(f)?),
                None => None,
            };
            Ok(Ok((plan, index, enc)))
        })
        .await
        .map_err(|e| format!("cannot plan the test: {}", e.message))??;
    let (plan, index, enc) = planned;
    let title = format!("testlens: recording a test for `{}`", plan.function.name);
    let message = format!("{} ({})", plan.target.path.display(), plan.framework.name());
    let task_plan = plan.clone();
    let recorded = with_progress(server, title, message, move |config, cancel, report| {
        runner::record(&task_plan, config, cancel, report).map_err(|e| e.to_string())
    })
    .await?;
    let target = plan.target.path.clone();
    let no_create = || {
        format!(
            "the test for `{}` goes to a new file, {}, and this editor cannot create files through the protocol; run `testlens generate {}:{} --record` instead",
            plan.function.name,
            target.display(),
            plan.source_path.display(),
            1 + plan.source_text[..plan.function.range.start as usize]
                .matches('\n')
                .count(),
        )
    };
    apply(
        server,
        recorded.test.edits.clone(),
        &target,
        index,
        enc,
        no_create,
    )
    .await?;
    Ok(Summary {
        message: format!(
            "testlens: recorded `{}` ({} cases, {}) in {}",
            plan.test_name,
            recorded.test.cases,
            plan.framework.name(),
            target.display()
        ),
        value: json!({
            "applied": true,
            "path": target.to_string_lossy(),
            "test": plan.test_name,
            "cases": recorded.test.cases,
        }),
    })
}

/// `testlens.recordAssertions`: records what a test that asserts nothing computes and writes
/// the assertions into it.
async fn record_assertions(server: &Server, request: RecordRequest) -> Result<Summary, String> {
    let path = request.path.clone();
    let name = request.function.clone();
    let offset = request.offset;
    let planned = server
        .read("workspace/executeCommand", move |a, enc| {
            let Some(file) = a.file_id(&path) else {
                return Ok(Err(format!("{} is not in the workspace", path.display())));
            };
            let plan = match a.assertion_plan(file, name.as_deref(), offset)? {
                Ok(plan) => plan,
                Err(why) => return Ok(Err(why)),
            };
            Ok(Ok((plan, a.line_index(file)?, enc)))
        })
        .await
        .map_err(|e| format!("cannot plan the assertions: {}", e.message))??;
    let (plan, index, enc) = planned;
    let title = format!("testlens: recording assertions for `{}`", plan.test_name);
    let message = format!("{} ({} calls)", plan.test_path.display(), plan.calls());
    let task_plan = plan.clone();
    let (edit, written) = with_progress(server, title, message, move |config, cancel, report| {
        runner::record_assertions(&task_plan, config, cancel, report).map_err(|e| e.to_string())
    })
    .await?;
    let target = plan.test_path.clone();
    apply(server, vec![edit], &target, Some(index), enc, String::new).await?;
    Ok(Summary {
        message: format!(
            "testlens: recorded {written} assertion{} in `{}`",
            if written == 1 { "" } else { "s" },
            plan.test_name
        ),
        value: json!({
            "applied": true,
            "path": target.to_string_lossy(),
            "test": plan.test_name,
            "assertions": written,
        }),
    })
}

/// Runs `job` (a recording through the project's runner) on a blocking thread, with
/// work-done progress that the client can cancel, as can `$/cancelRequest`.
async fn with_progress<T: Send + 'static>(
    server: &Server,
    title: String,
    message: String,
    job: impl FnOnce(&runner::RunnerConfig, &runner::Cancel, &mut dyn FnMut(&str)) -> Result<T, String>
    + Send
    + 'static,
) -> Result<T, String> {
    let state = server.state().clone();
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let token = NumberOrString::String(format!(
        "testlens/generate/{}",
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let key = token_key(&token);
    let cancel = runner::Cancel::default();
    let mut guard = Guard {
        cancel: cancel.clone(),
        key: key.clone(),
        done: false,
    };
    RUNNING
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, cancel.clone());
    // A client that never answers `window/workDoneProgress/create` does not hold the
    // recording up: after a short wait it goes on without progress.
    let progress = state.support().work_done_progress
        && matches!(
            tokio::time::timeout(
                Duration::from_secs(2),
                state.client.create_work_done_progress(token.clone()),
            )
            .await,
            Ok(Ok(()))
        );
    let client = state.client.clone();
    let send = |value: WorkDoneProgress| {
        let client = client.clone();
        let token = token.clone();
        async move {
            if progress {
                client
                    .send_notification::<notification::Progress>(ProgressParams {
                        token,
                        value: ProgressParamsValue::WorkDone(value),
                    })
                    .await;
            }
        }
    };
    send(WorkDoneProgress::Begin(WorkDoneProgressBegin {
        title,
        cancellable: Some(true),
        message: Some(message),
        percentage: None,
    }))
    .await;

    let settings = state.settings();
    let runner_config = runner::RunnerConfig {
        timeout: Duration::from_secs_f64(settings.generate.timeout.max(0.1)),
        ..runner::RunnerConfig::default()
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let task_cancel = cancel.clone();
    let mut task = tokio::task::spawn_blocking(move || {
        let mut report = |m: &str| {
            let _ = tx.send(m.to_owned());
        };
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            job(&runner_config, &task_cancel, &mut report)
        }))
    });
    let result = loop {
        tokio::select! {
            joined = &mut task => break joined,
            Some(message) = rx.recv() => {
                send(WorkDoneProgress::Report(WorkDoneProgressReport {
                    cancellable: Some(true),
                    message: Some(message),
                    percentage: None,
                }))
                .await;
            }
        }
    };
    guard.done = true;
    let result = match result {
        Ok(Ok(r)) => r,
        Ok(Err(panic)) => {
            let message = crate::main_loop::panic_message(panic.as_ref());
            tracing::error!("recording panicked: {message}");
            Err(format!("internal error while recording: {message}"))
        }
        Err(join) => Err(format!("recording task failed: {join}")),
    };
    let end = if result.is_ok() {
        "recorded"
    } else {
        "not written"
    };
    send(WorkDoneProgress::End(WorkDoneProgressEnd {
        message: Some(end.to_owned()),
    }))
    .await;
    result
}

/// Applies `edits` (planned against the snapshot whose line index of `target` is `index`)
/// through `workspace/applyEdit`. `no_create` says why, where the edit would create a file and
/// the client cannot.
async fn apply(
    server: &Server,
    edits: Vec<ide::FileEdit>,
    target: &std::path::Path,
    index: Option<Arc<LineIndex>>,
    enc: PositionEncoding,
    no_create: impl FnOnce() -> String,
) -> Result<(), String> {
    let state = server.state().clone();
    let assist = ide::Assist {
        title: String::new(),
        kind: ide::AssistKind::Generate,
        fixes: None,
        edits,
        command: None,
        preferred: false,
        disabled: None,
    };
    let index_of = |p: &std::path::Path| -> Option<Arc<LineIndex>> {
        if p == target { index.clone() } else { None }
    };
    let document_changes = state.support().document_changes;
    let Some(edit) =
        convert::code_action(&index_of, assist, &[], document_changes, enc).and_then(|a| a.edit)
    else {
        return Err(no_create());
    };
    match state.client.apply_edit(edit).await {
        Ok(response) if response.applied => Ok(()),
        Ok(response) => Err(format!(
            "the editor did not apply the edit: {}",
            response.failure_reason.unwrap_or_default()
        )),
        Err(e) => Err(format!("workspace/applyEdit failed: {}", e.message)),
    }
}
