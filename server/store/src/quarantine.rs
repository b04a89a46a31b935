//! Quarantined tests: tests skipped on purpose because they are flaky, with why and since when,
//! so that `testlens check` can list them and nobody forgets them.

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use crate::{Result, Store, classify_error};

/// A test in quarantine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quarantine {
    /// Workspace-relative file of the test.
    pub file: String,
    /// The test's full name in that file (`suite > name`), as the code model gives it.
    pub name: String,
    pub reason: String,
    /// Seconds since the Unix epoch, when it was first quarantined.
    pub created_at: i64,
}

impl Store {
    /// Puts a test in quarantine at `created_at`. A test already there keeps its date and takes
    /// the new reason. Returns the row as stored.
    pub fn quarantine(
        &mut self,
        file: &str,
        name: &str,
        reason: &str,
        created_at: i64,
    ) -> Result<Quarantine> {
        let path = self.path.clone();
        let busy = self.busy_timeout;
        let err = |e| classify_error(&path, busy, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let stored = tx
            .query_row(
                "INSERT INTO quarantine (file, name, reason, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (file, name) DO UPDATE SET reason = excluded.reason
                 RETURNING file, name, reason, created_at",
                params![file, name, reason, created_at],
                row_to_quarantine,
            )
            .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(stored)
    }

    /// Takes a test out of quarantine. Returns whether it was there.
    pub fn release(&mut self, file: &str, name: &str) -> Result<bool> {
        let removed = self
            .conn
            .execute(
                "DELETE FROM quarantine WHERE file = ?1 AND name = ?2",
                params![file, name],
            )
            .map_err(|e| self.classify(e))?;
        Ok(removed > 0)
    }

    /// Every quarantined test, oldest first.
    pub fn quarantined(&self) -> Result<Vec<Quarantine>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT file, name, reason, created_at FROM quarantine
                 ORDER BY created_at, file, name",
            )
            .map_err(|e| self.classify(e))?;
        let rows = stmt
            .query_map([], row_to_quarantine)
            .map_err(|e| self.classify(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.classify(e))
    }

    /// The quarantine of one test, if it is in quarantine.
    pub fn quarantine_of(&self, file: &str, name: &str) -> Result<Option<Quarantine>> {
        self.conn
            .query_row(
                "SELECT file, name, reason, created_at FROM quarantine
                 WHERE file = ?1 AND name = ?2",
                params![file, name],
                row_to_quarantine,
            )
            .optional()
            .map_err(|e| self.classify(e))
    }
}

fn row_to_quarantine(row: &rusqlite::Row<'_>) -> rusqlite::Result<Quarantine> {
    Ok(Quarantine {
        file: row.get(0)?,
        name: row.get(1)?,
        reason: row.get(2)?,
        created_at: row.get(3)?,
    })
}
