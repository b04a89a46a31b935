//! Keeps the test history loaded and current: loads it at start, watches the store file, and
//! after an ingest (from a terminal, a test run, CI) loads it again, hands it to the analysis and
//! asks the client to refresh hints, lenses and diagnostics. A missing store, a locked store and
//! a store written by a newer testlens are all survived: the server keeps answering.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ide::{Change, History};
use notify::{RecursiveMode, Watcher};
use tower_lsp_server::ls_types::{MessageType, request};

use crate::server::State;

/// While an ingest is under way, how often its end is looked for, and for how long at most.
const INGEST_POLL: Duration = Duration::from_millis(5);
const INGEST_WAIT: Duration = Duration::from_secs(120);
/// How often a missing or unwatchable store is looked for.
const POLL: Duration = Duration::from_millis(500);
/// Events of one ingest come in bursts (WAL writes, checkpoint): wait this long for quiet.
const SETTLE: Duration = Duration::from_millis(20);

/// Where the history is: the setting, `--db`/`TESTLENS_DB`, or `.testlens/history.db` at the root.
pub(crate) fn store_path(state: &State, root: &Path) -> PathBuf {
    let settings = state.settings();
    let chosen = settings
        .database
        .clone()
        .or_else(|| state.options.db.clone())
        .or_else(|| std::env::var_os("TESTLENS_DB").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(ide::history::DEFAULT_DB));
    if chosen.is_absolute() {
        chosen
    } else {
        root.join(chosen)
    }
}

/// What the loader thread is told.
pub(crate) enum Signal {
    /// The store may have changed.
    Poke,
    /// The settings changed: load again with them.
    Reconfigure,
}

pub(crate) struct Loader {
    tx: std::sync::mpsc::Sender<Signal>,
}

impl Loader {
    pub fn signal(&self, signal: Signal) {
        let _ = self.tx.send(signal);
    }
}

/// Starts the loader thread for the first workspace root.
pub(crate) fn start(state: Arc<State>) -> Option<Loader> {
    let root = state.roots().first().cloned()?;
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = tokio::runtime::Handle::current();
    let poke = tx.clone();
    std::thread::Builder::new()
        .name("history".to_owned())
        .spawn(move || run(state, root, rx, poke, handle))
        .ok()?;
    Some(Loader { tx })
}

/// The state of the store as last seen, to tell what changed.
#[derive(Debug, PartialEq)]
enum Seen {
    Nothing,
    Missing,
    Failed(String),
    Loaded(i64),
}

fn run(
    state: Arc<State>,
    root: PathBuf,
    rx: std::sync::mpsc::Receiver<Signal>,
    poke: std::sync::mpsc::Sender<Signal>,
    rt: tokio::runtime::Handle,
) {
    let repo = vcs::Repo::discover(&root).map(Arc::new);
    let mut churn: Option<Arc<vcs::Churn>> = None;
    let mut churn_pending = repo.is_some();
    let mut seen = Seen::Nothing;
    // The history last handed to the analysis: the next ingest is read on top of it.
    let mut loaded: Option<Arc<History>> = None;
    let mut watcher: Option<(PathBuf, notify::RecommendedWatcher)> = None;
    let mut force = true;
    loop {
        let path = store_path(&state, &root);
        // Watch the store's directory (the file is replaced, and its WAL comes and goes).
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        if watcher.as_ref().is_none_or(|(d, _)| *d != dir) && dir.is_dir() {
            let poke = poke.clone();
            let name = path.file_name().map(|n| n.to_owned());
            let made = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                if let Ok(event) = event
                    && event.paths.iter().any(|p| {
                        p.file_name().zip(name.as_ref()).is_some_and(|(f, n)| {
                            f.to_string_lossy().starts_with(&*n.to_string_lossy())
                        })
                    })
                {
                    let _ = poke.send(Signal::Poke);
                }
            });
            watcher = match made {
                Ok(mut w) => match w.watch(&dir, RecursiveMode::NonRecursive) {
                    Ok(()) => Some((dir.clone(), w)),
                    Err(e) => {
                        tracing::debug!("cannot watch {}: {e}; polling", dir.display());
                        None
                    }
                },
                Err(e) => {
                    tracing::debug!("no file watcher: {e}; polling");
                    None
                }
            };
        }

        if loaded.as_ref().is_some_and(|h| h.store_path != path) {
            loaded = None;
        }
        let now = load(
            &state,
            &root,
            &path,
            (&repo, &churn),
            &mut loaded,
            force,
            &seen,
            &rt,
        );
        force = false;
        if let Some(now) = now {
            seen = now;
        }
        if churn_pending && let Some(repo) = &repo {
            // Churn takes one `git log`; the first hints do not wait for it.
            let started = Instant::now();
            let days = state.settings().history_config().churn_days;
            churn = Some(Arc::new(repo.churn(days)));
            tracing::info!(elapsed = ?started.elapsed(), "churn computed");
            churn_pending = false;
            force = true;
            continue;
        }

        // Wait for a change: a watcher event, a poll tick, or new settings.
        let timeout = if watcher.is_some() && matches!(seen, Seen::Loaded(_)) {
            Duration::from_secs(5)
        } else {
            POLL
        };
        match rx.recv_timeout(timeout) {
            Ok(signal) => {
                if matches!(signal, Signal::Reconfigure) {
                    force = true;
                }
                // Let the burst settle, and take everything queued with it. An ingest writes
                // one transaction per report file: wait for its end, so that a run is loaded
                // whole and once.
                std::thread::sleep(SETTLE);
                let waited = Instant::now();
                while waited.elapsed() < INGEST_WAIT && ide::history::ingest_running(&path) {
                    std::thread::sleep(INGEST_POLL);
                }
                while let Ok(more) = rx.try_recv() {
                    if matches!(more, Signal::Reconfigure) {
                        force = true;
                    }
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// Loads the history if it changed since `seen`; returns what is seen now (`None`: unchanged).
#[allow(clippy::too_many_arguments)]
fn load(
    state: &Arc<State>,
    root: &Path,
    path: &Path,
    (repo, churn): (&Option<Arc<vcs::Repo>>, &Option<Arc<vcs::Churn>>),
    loaded: &mut Option<Arc<History>>,
    force: bool,
    seen: &Seen,
    rt: &tokio::runtime::Handle,
) -> Option<Seen> {
    if !path.exists() {
        if *seen != Seen::Missing {
            tracing::info!(
                "no test history at {}: broken and flaky tests, coverage and risk appear once \
                 `testlens ingest` has recorded a run",
                path.display()
            );
            *loaded = None;
            if matches!(seen, Seen::Loaded(_)) {
                state.main.change(Change::SetHistory(None));
                refresh(state, rt);
            }
            return Some(Seen::Missing);
        }
        return None;
    }
    // Cheap check first: has any report come in since?
    if !force && let Seen::Loaded(last) = seen {
        match ide::history::probe(path) {
            Ok(now) if now == *last => return None,
            Ok(_) => {}
            Err(e) => return failed(state, seen, path, &e, rt),
        }
    }
    let started = Instant::now();
    let config = state.settings().history_config();
    let result = match loaded.as_deref() {
        Some(before) => before.reload(config, churn.clone()),
        None => History::load(root, path, config, repo.clone(), churn.clone()),
    };
    match result {
        Ok(history) => {
            let last = history.last_report_file();
            tracing::info!(
                ?history,
                elapsed = ?started.elapsed(),
                incremental = loaded.is_some(),
                "test history loaded"
            );
            let history = Arc::new(history);
            *loaded = Some(history.clone());
            state.main.change(Change::SetHistory(Some(history)));
            refresh(state, rt);
            Some(Seen::Loaded(last))
        }
        Err(e) => {
            *loaded = None;
            failed(state, seen, path, &e.to_string(), rt)
        }
    }
}

fn failed(
    state: &Arc<State>,
    seen: &Seen,
    path: &Path,
    message: &str,
    rt: &tokio::runtime::Handle,
) -> Option<Seen> {
    if let Seen::Failed(before) = seen
        && before == message
    {
        return None;
    }
    let locked = message.contains("locked");
    if locked {
        // An ingest holds it; the next event or tick tries again.
        tracing::debug!("history busy: {message}");
        return None;
    }
    tracing::warn!(path = %path.display(), "cannot read the test history: {message}");
    let client = state.client.clone();
    let text = format!("testlens: {message}");
    rt.spawn(async move {
        client.show_message(MessageType::WARNING, text).await;
    });
    Some(Seen::Failed(message.to_owned()))
}

/// Asks the client to pull hints, lenses and diagnostics again.
pub(crate) fn refresh(state: &Arc<State>, rt: &tokio::runtime::Handle) {
    let support = state.support();
    let client = state.client.clone();
    rt.spawn(async move {
        if support.inlay_hint_refresh {
            let _ = client
                .send_request::<request::InlayHintRefreshRequest>(())
                .await;
        }
        if support.code_lens_refresh {
            let _ = client.send_request::<request::CodeLensRefresh>(()).await;
        }
        if support.pull_diagnostics && support.diagnostic_refresh {
            let _ = client
                .send_request::<request::WorkspaceDiagnosticRefresh>(())
                .await;
        }
    });
}
