//! Files that change on disk without an editor: the client watches them for us where it can
//! (`workspace/didChangeWatchedFiles` with dynamic registration); otherwise a `notify` watcher
//! on the workspace folders does.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ide::Change;
use notify::Watcher as _;
use tower_lsp_server::ls_types::*;

use crate::main_loop::Handle;
use crate::server::State;

pub(crate) struct Watcher {
    _inner: notify::RecommendedWatcher,
}

const GLOBS: &[&str] = &[
    "**/*.{rs,py,pyi,go,js,jsx,mjs,cjs,ts,mts,cts,tsx}",
    "**/package.json",
    "**/go.mod",
];

pub(crate) async fn start(state: &Arc<State>) {
    if state.support().watched_files_registration {
        let watchers = GLOBS
            .iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String((*glob).to_owned()),
                kind: None,
            })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: "testlens-watched-files".to_owned(),
            method: "workspace/didChangeWatchedFiles".to_owned(),
            register_options: serde_json::to_value(options).ok(),
        };
        match state.client.register_capability(vec![registration]).await {
            Ok(()) => return,
            Err(err) => tracing::warn!("client refused to watch files ({err}); watching ourselves"),
        }
    }
    let roots = state
        .roots
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    if roots.is_empty() {
        return;
    }
    let main = state.main.clone();
    let handler = move |event: notify::Result<notify::Event>| match event {
        Ok(event) if !event.kind.is_access() => files_changed(&main, event.paths),
        Ok(_) => {}
        Err(err) => tracing::warn!("file watcher: {err}"),
    };
    match notify::recommended_watcher(handler) {
        Ok(mut watcher) => {
            for root in &roots {
                if let Err(err) = watcher.watch(root, notify::RecursiveMode::Recursive) {
                    tracing::warn!(root = %root.display(), "cannot watch: {err}");
                }
            }
            *state.watcher.lock().unwrap_or_else(|e| e.into_inner()) =
                Some(Watcher { _inner: watcher });
        }
        Err(err) => tracing::warn!("no file watcher: {err}"),
    }
}

/// Re-reads each changed path and hands the result to the main loop.
pub(crate) fn files_changed(main: &Handle, paths: Vec<PathBuf>) {
    for path in paths {
        if vfs::is_skipped_path(&path) {
            continue;
        }
        if path
            .file_name()
            .is_some_and(|n| n == "package.json" || n == "go.mod")
        {
            main.change(Change::ProjectChanged);
            continue;
        }
        if syntax_language(&path).is_none() {
            continue;
        }
        if !path.exists() {
            main.change(Change::DiskChanged { path, file: None });
            continue;
        }
        match vfs::load(&path) {
            Ok(file) => main.change(Change::DiskChanged {
                path,
                file: Some(file),
            }),
            Err(err) => tracing::info!(path = %path.display(), "{err}"),
        }
    }
}

fn syntax_language(path: &Path) -> Option<()> {
    vfs::is_source_path(path).then_some(())
}
