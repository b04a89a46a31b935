//! A marker that an ingest is under way. An ingest writes each report file in a transaction of
//! its own, so a reader that loads between two of them sees a run half in. Writers hold a shared
//! lock on `<db>.lock` (an OS file lock: released when the process ends, however it ends) for
//! the whole ingest; a reader that wants whole ingests checks whether anyone holds it.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

/// The lock file of the history at `db`: beside it, named after it.
pub fn ingest_lock_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_owned();
    name.push(".lock");
    db.with_file_name(name)
}

/// Held for the whole of an ingest. Several ingests can hold it at once.
#[derive(Debug)]
pub struct IngestGuard {
    _file: File,
}

impl IngestGuard {
    /// Marks an ingest into `db` as under way until the guard is dropped (or the process ends).
    /// `None` when the marker cannot be made (a read-only directory): ingests still work, and
    /// readers then only see them transaction by transaction.
    pub fn acquire(db: &Path) -> Option<IngestGuard> {
        let path = ingest_lock_path(db);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = std::fs::create_dir_all(dir);
        }
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .inspect_err(|e| tracing::debug!("no ingest marker at {}: {e}", path.display()))
            .ok()?;
        file.lock_shared()
            .inspect_err(|e| tracing::debug!("cannot lock {}: {e}", path.display()))
            .ok()?;
        Some(IngestGuard { _file: file })
    }
}

/// Whether an ingest into `db` is under way (another process, or this one, holds the marker).
pub fn ingest_running(db: &Path) -> bool {
    let Ok(file) = File::open(ingest_lock_path(db)) else {
        return false;
    };
    match file.try_lock() {
        Ok(()) => {
            let _ = file.unlock();
            false
        }
        Err(TryLockError::WouldBlock) => true,
        Err(TryLockError::Error(e)) => {
            tracing::debug!("cannot check the ingest marker: {e}");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_marker_shows_an_ingest_running_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("history.db");
        assert!(!ingest_running(&db), "no marker file yet");
        let first = IngestGuard::acquire(&db).expect("marker made");
        let second = IngestGuard::acquire(&db).expect("ingests share it");
        assert_eq!(ingest_lock_path(&db), dir.path().join("history.db.lock"));
        assert!(ingest_running(&db));
        drop(first);
        assert!(ingest_running(&db), "the second ingest still holds it");
        drop(second);
        assert!(!ingest_running(&db));
    }
}
