//! The one thread that owns the analysis host. Changes and snapshot requests arrive on one queue
//! and are served in order, so a request always sees the edits sent before it.

use std::thread;

use crossbeam_channel::{Receiver, Sender};
use ide::{Analysis, AnalysisHost, Change, FileId};

pub enum Task {
    Change(Change),
    /// Reply with a snapshot taken after every change queued before this task.
    Snapshot(tokio::sync::oneshot::Sender<Analysis>),
}

/// The sending side of the queues. Sends never block.
///
/// There are two queues. The client's (edits and requests) keeps its order, which is what makes a
/// request see the edits before it. The background index's batches of files go on the other and
/// are served only when the client's queue is empty: a request never waits behind the index.
#[derive(Clone)]
pub struct Handle {
    tasks: Sender<Task>,
    background: Sender<Task>,
}

impl Handle {
    /// Starts the loop. `changed` receives the open files whose diagnostics may have changed.
    pub fn start(changed: tokio::sync::mpsc::UnboundedSender<FileId>) -> Handle {
        let (tasks, inbox) = crossbeam_channel::unbounded();
        let (background, background_inbox) = crossbeam_channel::unbounded();
        thread::Builder::new()
            .name("testlens-main-loop".to_owned())
            .spawn(move || run(inbox, background_inbox, changed))
            .expect("spawning the main loop thread");
        Handle { tasks, background }
    }

    pub fn change(&self, change: Change) {
        // The loop only stops when every handle is gone; a failed send means the process is
        // shutting down and the change does not matter any more.
        let _ = self.tasks.send(Task::Change(change));
    }

    /// A change from the background index, served when the client's queue is empty.
    pub fn background_change(&self, change: Change) {
        let _ = self.background.send(Task::Change(change));
    }

    /// Queues a snapshot request now; the returned receiver resolves once it is served.
    pub fn request_snapshot(&self) -> tokio::sync::oneshot::Receiver<Analysis> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let _ = self.tasks.send(Task::Snapshot(tx));
        rx
    }

    /// A snapshot, for threads outside the async runtime.
    pub fn snapshot_blocking(&self) -> Option<Analysis> {
        self.request_snapshot().blocking_recv().ok()
    }
}

fn next_task(client: &Receiver<Task>, background: &Receiver<Task>) -> Option<Task> {
    if let Ok(task) = client.try_recv() {
        return Some(task);
    }
    if let Ok(task) = background.try_recv() {
        return Some(task);
    }
    crossbeam_channel::select! {
        recv(client) -> task => task.ok(),
        recv(background) -> task => match task {
            Ok(task) => Some(task),
            // The index is done and gone: only the client's queue is left.
            Err(_) => client.recv().ok(),
        },
    }
}

fn run(
    inbox: Receiver<Task>,
    background: Receiver<Task>,
    changed: tokio::sync::mpsc::UnboundedSender<FileId>,
) {
    let mut host = AnalysisHost::default();
    while let Some(task) = next_task(&inbox, &background) {
        match task {
            Task::Change(change) => {
                let span = tracing::debug_span!("change", kind = change_kind(&change));
                let _guard = span.enter();
                // A panic while applying one change must not take the loop down with it.
                let result =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| host.apply(change)));
                match result {
                    Ok(files) => {
                        for file in files {
                            let _ = changed.send(file);
                        }
                    }
                    Err(panic) => tracing::error!(
                        "panic while applying a change: {}",
                        panic_message(panic.as_ref())
                    ),
                }
            }
            Task::Snapshot(reply) => {
                let _ = reply.send(host.analysis());
            }
        }
    }
}

fn change_kind(change: &Change) -> &'static str {
    match change {
        Change::SetRoots(_) => "set-roots",
        Change::AddFiles(_) => "add-files",
        Change::DiskChanged { .. } => "disk-changed",
        Change::Open { .. } => "open",
        Change::Edit { .. } => "edit",
        Change::Close { .. } => "close",
        Change::ProjectChanged => "project-changed",
        Change::SetHistory(_) => "set-history",
    }
}

pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_owned()
    }
}
