//! The background index: read every source file of the workspace folders, then compute every
//! file's model, with work-done progress. Open documents are served throughout: they are in the
//! database from `didOpen` on, and requests never wait for the index.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ide::Change;
use tower_lsp_server::ls_types::{NumberOrString, ProgressToken};

use crate::server::State;

/// Files are handed to the main loop in batches, so that edits and requests interleave.
const BATCH: usize = 128;

pub(crate) fn start(state: Arc<State>) {
    let runtime = tokio::runtime::Handle::current();
    std::thread::Builder::new()
        .name("testlens-index".to_owned())
        .spawn(move || run(state, runtime))
        .expect("spawning the index thread");
}

/// Makes the calling thread, and every thread it starts from now on, yield the CPU to the
/// server's other threads: the index uses every core, and a request about an open file must not
/// wait behind it.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn lower_priority() {
    // SAFETY: `setpriority` only reads its integer arguments. On Linux, `PRIO_PROCESS` with the
    // id of a thread changes that thread alone; threads it creates inherit the value.
    let result = unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, 10)
    };
    if result != 0 {
        tracing::debug!("could not lower the index thread's priority");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

fn run(state: Arc<State>, runtime: tokio::runtime::Handle) {
    lower_priority();
    let roots = state
        .roots
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    if roots.is_empty() {
        tracing::info!("no workspace folder: nothing to index");
        return;
    }
    let started = Instant::now();
    let progress = runtime.block_on(Progress::begin(&state));
    // Compile every language's queries beside the walk, so that neither waits for the other and
    // the first request does not pay for it.
    let warm = std::thread::spawn(ide::warm_up);

    // Read, on every core, handing batches to the main loop as they fill.
    let (tx, rx) = crossbeam_channel::bounded(4 * BATCH);
    let walk_roots = roots.clone();
    let walker = std::thread::spawn(move || vfs::load_all(&walk_roots, tx));
    let mut batch = Vec::with_capacity(BATCH);
    let mut loaded = 0usize;
    let mut skipped = 0usize;
    let mut last_report = Instant::now();
    for result in rx {
        match result {
            Ok(file) => {
                batch.push(file);
                loaded += 1;
            }
            Err((path, err)) => {
                skipped += 1;
                tracing::info!(path = %path.display(), "{err}");
            }
        }
        if batch.len() >= BATCH {
            state
                .main
                .change(Change::AddFiles(std::mem::take(&mut batch)));
        }
        if last_report.elapsed() > Duration::from_millis(200) {
            last_report = Instant::now();
            runtime.block_on(progress.report(format!("reading: {loaded} files"), None));
        }
    }
    let _ = walker.join();
    let _ = warm.join();
    state.main.background_change(Change::AddFiles(batch));
    tracing::info!(loaded, skipped, elapsed = ?started.elapsed(), "workspace read");

    // Compute every model; an edit cancels the pass, which then resumes from what is memoized.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    loop {
        let Some(analysis) = state.main.snapshot_blocking() else {
            return;
        };
        let report = |done: usize, total: usize| {
            let percent = (done * 100 / total.max(1)) as u32;
            runtime.block_on(
                progress.report(format!("analysing: {done}/{total} files"), Some(percent)),
            );
        };
        match analysis.prime(threads, &report) {
            Ok(()) => break,
            Err(_cancelled) => {
                tracing::debug!("index pass cancelled by an edit; resuming");
                continue;
            }
        }
    }
    tracing::info!(files = loaded, elapsed = ?started.elapsed(), "workspace indexed");
    runtime.block_on(progress.end(format!("{loaded} files")));
}

/// Work-done progress, where the client supports it. The index never waits for the client:
/// reports are dropped until the client has answered `window/workDoneProgress/create`, and an
/// `end` that comes first is kept and sent right after the `begin`, so that whatever is begun is
/// ended.
struct Progress {
    client: tower_lsp_server::Client,
    token: ProgressToken,
    state: Arc<std::sync::Mutex<ProgressState>>,
}

#[derive(Default)]
struct ProgressState {
    /// The client accepted the token and `begin` was sent.
    begun: bool,
    /// The index finished before the client accepted the token.
    ended: Option<String>,
}

impl Progress {
    async fn begin(state: &State) -> Progress {
        let progress = Progress {
            client: state.client.clone(),
            token: NumberOrString::String("testlens/index".to_owned()),
            state: Arc::default(),
        };
        if state.support().work_done_progress {
            let client = progress.client.clone();
            let token = progress.token.clone();
            let shared = progress.state.clone();
            tokio::spawn(async move {
                if client
                    .create_work_done_progress(token.clone())
                    .await
                    .is_err()
                {
                    return;
                }
                send(&client, &token, begin_value()).await;
                let early_end = {
                    let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
                    s.begun = true;
                    s.ended.take()
                };
                if let Some(message) = early_end {
                    send(&client, &token, end_value(message)).await;
                }
            });
        }
        progress
    }

    fn begun(&self) -> bool {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).begun
    }

    async fn report(&self, message: String, percentage: Option<u32>) {
        if self.begun() {
            send(
                &self.client,
                &self.token,
                tower_lsp_server::ls_types::WorkDoneProgress::Report(
                    tower_lsp_server::ls_types::WorkDoneProgressReport {
                        cancellable: Some(false),
                        message: Some(message),
                        percentage,
                    },
                ),
            )
            .await;
        }
    }

    async fn end(&self, message: String) {
        let now = {
            let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if !s.begun {
                s.ended = Some(message.clone());
            }
            s.begun
        };
        if now {
            send(&self.client, &self.token, end_value(message)).await;
        }
    }
}

fn end_value(message: String) -> tower_lsp_server::ls_types::WorkDoneProgress {
    tower_lsp_server::ls_types::WorkDoneProgress::End(
        tower_lsp_server::ls_types::WorkDoneProgressEnd {
            message: Some(message),
        },
    )
}

fn begin_value() -> tower_lsp_server::ls_types::WorkDoneProgress {
    tower_lsp_server::ls_types::WorkDoneProgress::Begin(
        tower_lsp_server::ls_types::WorkDoneProgressBegin {
            title: "testlens: indexing".to_owned(),
            cancellable: Some(false),
            message: None,
            percentage: Some(0),
        },
    )
}

async fn send(
    client: &tower_lsp_server::Client,
    token: &ProgressToken,
    value: tower_lsp_server::ls_types::WorkDoneProgress,
) {
    client
        .send_notification::<tower_lsp_server::ls_types::notification::Progress>(
            tower_lsp_server::ls_types::ProgressParams {
                token: token.clone(),
                value: tower_lsp_server::ls_types::ProgressParamsValue::WorkDone(value),
            },
        )
        .await;
}
