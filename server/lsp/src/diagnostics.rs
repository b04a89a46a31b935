//! Pushing diagnostics to clients that do not pull them: after an open document changes, wait for
//! a short quiet spell, then publish the diagnostics of the files that changed.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ide::FileId;
use tower_lsp_server::ls_types::Uri;

use crate::convert;
use crate::server::State;

/// Typing produces a change every few milliseconds; publishing after each would be wasted work.
const QUIET: Duration = Duration::from_millis(150);

/// The open documents, with the URI and version the client knows them by.
#[derive(Default)]
pub(crate) struct Publisher {
    open: Mutex<HashMap<PathBuf, (Uri, i32)>>,
}

impl Publisher {
    pub fn new(_state: std::sync::Weak<State>) -> Publisher {
        Publisher::default()
    }

    pub fn track(&self, path: &Path, uri: Uri, version: i32) {
        self.open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_owned(), (uri, version));
    }

    pub fn untrack(&self, path: &Path) {
        self.open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(path);
    }

    fn lookup(&self, path: &Path) -> Option<(Uri, i32)> {
        self.open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
            .cloned()
    }
}

pub(crate) fn spawn_scheduler(
    state: Arc<State>,
    mut changed: tokio::sync::mpsc::UnboundedReceiver<FileId>,
) {
    tokio::spawn(async move {
        while let Some(first) = changed.recv().await {
            let mut files: HashSet<FileId> = HashSet::from([first]);
            // Gather everything that changes until the edits pause.
            while let Ok(Some(file)) = tokio::time::timeout(QUIET, changed.recv()).await {
                files.insert(file);
            }
            if state.support().pull_diagnostics {
                continue;
            }
            publish(&state, files).await;
        }
    });
}

async fn publish(state: &Arc<State>, files: HashSet<FileId>) {
    let Ok(analysis) = state.main.request_snapshot().await else {
        return;
    };
    let encoding = state.encoding();
    let computed = tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        for file in files {
            let path = analysis.file_path(file);
            let computed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                Ok::<_, ide::Cancelled>((analysis.line_index(file)?, analysis.diagnostics(file)?))
            }));
            match computed {
                Ok(Ok((index, diagnostics))) => out.push((
                    path,
                    diagnostics
                        .into_iter()
                        .map(|d| convert::diagnostic(&index, d, encoding))
                        .collect::<Vec<_>>(),
                )),
                // An edit came in: the next round publishes.
                Ok(Err(_cancelled)) => {}
                Err(panic) => tracing::error!(
                    path = %path.display(),
                    "diagnostics panicked: {}",
                    crate::main_loop::panic_message(panic.as_ref())
                ),
            }
        }
        out
    })
    .await;
    let Ok(computed) = computed else { return };
    for (path, diagnostics) in computed {
        if let Some((uri, version)) = state.diagnostics.lookup(&path) {
            state
                .client
                .publish_diagnostics(uri, diagnostics, Some(version))
                .await;
        }
    }
}
