//! The test history: what happened when tests ran, in a local SQLite file.
//!
//! A *run* is one ingest (or several, grouped by a run key): when, on which commit, with which
//! tools. Each report file ingested into a run goes in within one `IMMEDIATE` transaction, so a
//! file is stored whole or not at all, and an interrupted ingest (even `kill -9`) loses nothing
//! stored before it. Results belong to *tests*, whose identity (`key`) stays the same across
//! runs. Coverage is kept per run and file (and per test, where the tool records it), as a
//! compact blob of line numbers and hit counts. See `docs/store.md` for the schema.
//!
//! Architecture invariant: storage only. No report parsing, no analysis, no editors.

mod blob;
mod ingest_lock;
mod quarantine;
mod recent;
mod schema;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use rusqlite::{
    Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior, params,
};

pub use blob::{decode_lines, encode_lines};
pub use ingest_lock::{IngestGuard, ingest_lock_path, ingest_running};
pub use quarantine::Quarantine;
pub use recent::{
    LastPass, LatestCoverage, Recent, RecentFailure, RecentResult, RecentRun, TestCoverage,
    TestHistory,
};
pub use schema::SCHEMA_VERSION;

/// Where the history lives when nothing says otherwise, relative to the workspace root.
pub const DEFAULT_PATH: &str = ".testlens/history.db";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the history at {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "the history at {path} is locked by another process and stayed locked for {waited:?}; \
         try again when it is done"
    )]
    Locked { path: PathBuf, waited: Duration },
    #[error(
        "the history at {path} has schema version {found}, newer than this testlens knows \
         ({known}): upgrade testlens, or point it at another file with --db"
    )]
    NewerSchema {
        path: PathBuf,
        found: u32,
        known: u32,
    },
    #[error(
        "the history at {path} has schema version {found}, older than this testlens's; a \
         read-only open cannot upgrade it (any `testlens ingest` does)"
    )]
    NeedsUpgrade { path: PathBuf, found: u32 },
    #[error("the history at {path} is not a testlens history or is damaged: {detail}")]
    Corrupt { path: PathBuf, detail: String },
    #[error("cannot create {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("history: {0}")]
    Sqlite(rusqlite::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Clone, Debug)]
pub struct OpenOptions {
    /// How long to wait for another process's write before giving up.
    pub busy_timeout: Duration,
    /// Open without writing (the language server reads; ingests write).
    pub read_only: bool,
}

impl Default for OpenOptions {
    fn default() -> OpenOptions {
        OpenOptions {
            busy_timeout: Duration::from_secs(5),
            read_only: false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Passed = 0,
    Failed = 1,
    Errored = 2,
    Skipped = 3,
}

impl Status {
    /// Failed or errored.
    pub fn is_failure(self) -> bool {
        matches!(self, Status::Failed | Status::Errored)
    }

    pub fn from_code(code: i64) -> Status {
        match code {
            0 => Status::Passed,
            1 => Status::Failed,
            2 => Status::Errored,
            _ => Status::Skipped,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Errored => "errored",
            Status::Skipped => "skipped",
        }
    }
}

/// What is known of a run when its first file is ingested.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunMeta {
    /// Groups files into one run (`--run-id`); a fresh key makes a fresh run.
    pub key: String,
    /// Seconds since the Unix epoch.
    pub created_at: i64,
    pub commit: Option<String>,
    pub branch: Option<String>,
    pub dirty: Option<bool>,
}

/// The report file being ingested.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportFile {
    pub path: String,
    pub format: String,
    pub tool: Option<String>,
    pub size: u64,
    pub content_hash: String,
}

/// A test as a report names it, and where the code model found it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TestIdentity {
    /// Stable across runs: see `docs/store.md` for how each report's names become a key.
    pub key: String,
    pub name: String,
    pub language: Option<String>,
    /// Where the code model found the test: workspace-relative file, its full name there
    /// (`suite > name`), and the line of its name (1-based).
    pub file: Option<String>,
    pub qualified_name: Option<String>,
    pub line: Option<u32>,
    /// Why the test could not be found in the code model, if it was not.
    pub unmapped_reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewResult {
    pub test: TestIdentity,
    pub status: Status,
    pub duration_ms: Option<f64>,
    /// Attempts that failed before the last one (a pass after a failed attempt is a flake).
    pub failed_attempts: u32,
    pub message: Option<String>,
    pub failure_file: Option<String>,
    pub failure_line: Option<u32>,
    /// A hash of the test's source when it was ingested, to tell "same code, other outcome".
    pub source_hash: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCoverage {
    /// Workspace-relative where it could be resolved, else as the report wrote it.
    pub path: String,
    /// A hash of the file's content at ingest time, to tell stale coverage from current.
    pub content_hash: Option<String>,
    /// (1-based line, hits), sorted by line.
    pub lines: Vec<(u32, u64)>,
    /// Per-test coverage: the test that produced it.
    pub test: Option<TestIdentity>,
}

pub type RunId = i64;
pub type TestId = i64;

/// What a report file put into the store.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileCounts {
    pub results: u64,
    pub coverage_files: u64,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    busy_timeout: Duration,
}

impl Store {
    /// Opens (and creates, unless read-only) the history at `path`, bringing its schema up to
    /// date. A history written by a newer testlens is refused, never rewritten.
    pub fn open(path: &Path, options: &OpenOptions) -> Result<Store> {
        if !options.read_only
            && let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
                path: dir.to_owned(),
                source,
            })?;
        }
        let flags = if options.read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
        };
        let open_error = |source| StoreError::Open {
            path: path.to_owned(),
            source,
        };
        let conn = Connection::open_with_flags(path, flags).map_err(open_error)?;
        conn.busy_timeout(options.busy_timeout)
            .map_err(open_error)?;
        let store = Store {
            conn,
            path: path.to_owned(),
            busy_timeout: options.busy_timeout,
        };
        let found = store.user_version()?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                path: path.to_owned(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        if !options.read_only {
            // WAL lets readers (the language server) go on while an ingest writes.
            let mode = store.switch_to_wal(options.busy_timeout)?;
            if !mode.eq_ignore_ascii_case("wal") {
                tracing::warn!(path = %path.display(), mode, "could not switch the history to WAL");
            }
            store
                .conn
                .pragma_update(None, "synchronous", "NORMAL")
                .map_err(|e| store.classify(e))?;
        }
        store
            .conn
            .pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| store.classify(e))?;
        // A large report's transaction spills pages to the WAL once it outgrows the page
        // cache (2 MiB by default); 32 MiB keeps a GB-sized report's tables in memory while
        // the whole process stays far under 100 MB. Statement journals stay in memory too.
        for (pragma, value) in [("cache_size", "-32768"), ("temp_store", "MEMORY")] {
            store
                .conn
                .pragma_update(None, pragma, value)
                .map_err(|e| store.classify(e))?;
        }
        let mut store = store;
        if found < SCHEMA_VERSION {
            if options.read_only {
                return Err(StoreError::NeedsUpgrade {
                    path: path.to_owned(),
                    found,
                });
            }
            store.migrate(found)?;
        }
        Ok(store)
    }

    /// Switches a new history to WAL. When two processes create the same history at once,
    /// SQLite answers one of them BUSY at once, without its busy handler: that one retries
    /// until `timeout`, like any other wait for the lock.
    fn switch_to_wal(&self, timeout: Duration) -> Result<String> {
        let deadline = Instant::now() + timeout;
        loop {
            match self
                .conn
                .pragma_update_and_check(None, "journal_mode", "wal", |row| row.get(0))
            {
                Err(e)
                    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                        && Instant::now() < deadline =>
                {
                    std::thread::sleep(Duration::from_millis(5));
                }
                done => return done.map_err(|e| self.classify(e)),
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens the history for reading only, as the language server does: a history of an older
    /// schema is first upgraded by a short writing open (the upgrade only adds).
    pub fn open_reader(path: &Path, busy_timeout: Duration) -> Result<Store> {
        if !path.exists() {
            return Err(StoreError::Open {
                path: path.to_owned(),
                source: rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                    Some("no such file".to_owned()),
                ),
            });
        }
        let reader = OpenOptions {
            busy_timeout,
            read_only: true,
        };
        match Store::open(path, &reader) {
            Err(StoreError::NeedsUpgrade { .. }) => {
                Store::open(
                    path,
                    &OpenOptions {
                        busy_timeout,
                        read_only: false,
                    },
                )?;
                Store::open(path, &reader)
            }
            opened => opened,
        }
    }

    fn user_version(&self) -> Result<u32> {
        self.conn
            .pragma_query_value(None, "user_version", |row| row.get::<_, i64>(0))
            .map(|v| v as u32)
            .map_err(|e| self.classify(e))
    }

    fn migrate(&mut self, from: u32) -> Result<()> {
        let path = self.path.clone();
        let busy = self.busy_timeout;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| classify_error(&path, busy, e))?;
        // Another process may have migrated while we waited for the lock.
        let now: i64 = tx
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(|e| classify_error(&path, busy, e))?;
        if (now as u32) < SCHEMA_VERSION {
            schema::migrate(&tx, from.max(now as u32))
                .map_err(|e| classify_error(&path, busy, e))?;
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)
                .map_err(|e| classify_error(&path, busy, e))?;
        }
        tx.commit().map_err(|e| classify_error(&path, busy, e))
    }

    fn classify(&self, e: rusqlite::Error) -> StoreError {
        classify_error(&self.path, self.busy_timeout, e)
    }

    /// Writes one report file into the run `run` (created if it is new), in one transaction:
    /// `body` adds the results and coverage, and if it fails nothing of the file is kept.
    pub fn write_file<E>(
        &mut self,
        run: &RunMeta,
        file: &ReportFile,
        body: impl FnOnce(&mut FileWriter<'_>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(RunId, FileCounts), WriteError<E>> {
        // The writer makes every reference it writes (run, report file, test) itself, in this
        // transaction; checking each against its parent costs a quarter of a large ingest,
        // and makes SQLite keep a statement journal for every batched INSERT. The check
        // stays on for everything else (pruning cascades through it), and debug builds
        // verify the references before committing.
        let path = self.path.clone();
        let busy = self.busy_timeout;
        let err = |e| WriteError::Store(classify_error(&path, busy, e));
        self.conn
            .pragma_update(None, "foreign_keys", "OFF")
            .map_err(err)?;
        let written = self.write_file_unchecked(run, file, body);
        let restored = self.conn.pragma_update(None, "foreign_keys", "ON");
        let written = written?;
        restored.map_err(err)?;
        Ok(written)
    }

    fn write_file_unchecked<E>(
        &mut self,
        run: &RunMeta,
        file: &ReportFile,
        body: impl FnOnce(&mut FileWriter<'_>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(RunId, FileCounts), WriteError<E>> {
        let path = self.path.clone();
        let busy = self.busy_timeout;
        let err = |e| WriteError::Store(classify_error(&path, busy, e));
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let run_id = upsert_run(&tx, run, file.tool.as_deref()).map_err(err)?;
        tx.execute(
            "INSERT INTO report_files (run_id, path, format, tool, size, content_hash, ingested_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                run_id,
                file.path,
                file.format,
                file.tool,
                file.size as i64,
                file.content_hash,
                unix_now()
            ],
        )
        .map_err(err)?;
        let file_id = tx.last_insert_rowid();
        let mut writer = FileWriter {
            tx: &tx,
            run_id,
            file_id,
            counts: FileCounts::default(),
            pending_results: Vec::with_capacity(BATCH),
            pending_tests: Vec::with_capacity(BATCH),
            pending_keys: HashMap::new(),
            next_test_id: None,
        };
        body(&mut writer).map_err(WriteError::Body)?;
        writer.flush().map_err(err)?;
        let counts = writer.counts;
        tx.execute(
            "UPDATE report_files SET tests = ?1, coverage_files = ?2 WHERE id = ?3",
            params![counts.results as i64, counts.coverage_files as i64, file_id],
        )
        .map_err(err)?;
        if cfg!(debug_assertions) {
            let dangling: Option<String> = tx
                .query_row("PRAGMA foreign_key_check", [], |row| row.get(0))
                .optional()
                .map_err(err)?;
            assert_eq!(dangling, None, "the writer left a dangling reference");
        }
        tx.commit().map_err(err)?;
        Ok((run_id, counts))
    }

    /// Every run, newest first.
    pub fn runs(&self) -> Result<Vec<Run>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT r.id, r.key, r.created_at, r.commit_sha, r.branch, r.dirty, r.tool,
                        (SELECT COUNT(*) FROM results x WHERE x.run_id = r.id),
                        (SELECT COUNT(*) FROM results x WHERE x.run_id = r.id AND x.status IN (1, 2)),
                        (SELECT COUNT(*) FROM results x WHERE x.run_id = r.id AND x.status = 3),
                        (SELECT COUNT(DISTINCT path) FROM coverage c
                           WHERE c.run_id = r.id AND c.test_id IS NULL),
                        (SELECT group_concat(path, '\n') FROM report_files f WHERE f.run_id = r.id)
                 FROM runs r ORDER BY r.created_at DESC, r.id DESC",
            )
            .map_err(|e| self.classify(e))?;
        let rows = stmt
            .query_map([], |row| {
                Ok(Run {
                    id: row.get(0)?,
                    key: row.get(1)?,
                    created_at: row.get(2)?,
                    commit: row.get(3)?,
                    branch: row.get(4)?,
                    dirty: row.get::<_, Option<i64>>(5)?.map(|d| d != 0),
                    tool: row.get(6)?,
                    results: row.get::<_, i64>(7)? as u64,
                    failed: row.get::<_, i64>(8)? as u64,
                    skipped: row.get::<_, i64>(9)? as u64,
                    coverage_files: row.get::<_, i64>(10)? as u64,
                    files: row
                        .get::<_, Option<String>>(11)?
                        .map(|f| f.lines().map(str::to_owned).collect())
                        .unwrap_or_default(),
                })
            })
            .map_err(|e| self.classify(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.classify(e))
    }

    /// Tests whose key or name contains `pattern` (case-insensitive), by key.
    pub fn tests_matching(&self, pattern: &str) -> Result<Vec<TestRecord>> {
        let like = format!(
            "%{}%",
            pattern
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, key, name, language, file, qualified_name, line, unmapped_reason
                 FROM tests WHERE key LIKE ?1 ESCAPE '\\' OR name LIKE ?1 ESCAPE '\\'
                 ORDER BY key",
            )
            .map_err(|e| self.classify(e))?;
        let rows = stmt
            .query_map(params![like], |row| {
                Ok(TestRecord {
                    id: row.get(0)?,
                    identity: TestIdentity {
                        key: row.get(1)?,
                        name: row.get(2)?,
                        language: row.get(3)?,
                        file: row.get(4)?,
                        qualified_name: row.get(5)?,
                        line: row.get::<_, Option<i64>>(6)?.map(|l| l as u32),
                        unmapped_reason: row.get(7)?,
                    },
                })
            })
            .map_err(|e| self.classify(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.classify(e))
    }

    /// A test's outcomes, newest run first.
    pub fn outcomes(&self, test: TestId) -> Result<Vec<Outcome>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT r.id, r.key, r.created_at, r.commit_sha, x.status, x.duration_ms,
                        x.failed_attempts, x.message, x.failure_file, x.failure_line, x.source_hash
                 FROM results x JOIN runs r ON r.id = x.run_id
                 WHERE x.test_id = ?1
                 ORDER BY r.created_at DESC, r.id DESC, x.rowid DESC",
            )
            .map_err(|e| self.classify(e))?;
        let rows = stmt
            .query_map(params![test], |row| {
                Ok(Outcome {
                    run: row.get(0)?,
                    run_key: row.get(1)?,
                    created_at: row.get(2)?,
                    commit: row.get(3)?,
                    status: Status::from_code(row.get(4)?),
                    duration_ms: row.get(5)?,
                    failed_attempts: row.get::<_, i64>(6)? as u32,
                    message: row.get(7)?,
                    failure_file: row.get(8)?,
                    failure_line: row.get::<_, Option<i64>>(9)?.map(|l| l as u32),
                    source_hash: row.get(10)?,
                })
            })
            .map_err(|e| self.classify(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.classify(e))
    }

    /// The coverage recorded in run `run` (whole-run coverage, not per test), by file.
    pub fn run_coverage(&self, run: RunId) -> Result<Vec<StoredCoverage>> {
        self.coverage_where("c.run_id = ?1 AND c.test_id IS NULL", run)
    }

    /// Per-test coverage recorded in run `run`.
    pub fn per_test_coverage(&self, run: RunId) -> Result<Vec<StoredCoverage>> {
        self.coverage_where("c.run_id = ?1 AND c.test_id IS NOT NULL", run)
    }

    fn coverage_where(&self, condition: &str, run: RunId) -> Result<Vec<StoredCoverage>> {
        let sql = format!(
            "SELECT c.path, c.content_hash, c.lines, t.key
             FROM coverage c LEFT JOIN tests t ON t.id = c.test_id
             WHERE {condition} ORDER BY c.path, t.key"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.classify(e))?;
        let rows = stmt
            .query_map(params![run], |row| {
                let blob: Vec<u8> = row.get(2)?;
                Ok(StoredCoverage {
                    path: row.get(0)?,
                    content_hash: row.get(1)?,
                    lines: decode_lines(&blob).unwrap_or_default(),
                    test_key: row.get(3)?,
                })
            })
            .map_err(|e| self.classify(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.classify(e))
    }

    /// Keeps the newest `keep` runs and deletes the rest, with their results and coverage, and
    /// the tests no run mentions any more. Returns how many runs went.
    pub fn prune(&mut self, keep: usize) -> Result<usize> {
        let path = self.path.clone();
        let busy = self.busy_timeout;
        let err = |e| classify_error(&path, busy, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let removed = tx
            .execute(
                "DELETE FROM runs WHERE id NOT IN
                   (SELECT id FROM runs ORDER BY created_at DESC, id DESC LIMIT ?1)",
                params![keep as i64],
            )
            .map_err(err)?;
        tx.execute(
            "DELETE FROM tests WHERE id NOT IN (SELECT test_id FROM results)
               AND id NOT IN (SELECT test_id FROM coverage WHERE test_id IS NOT NULL)",
            [],
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(removed)
    }

    /// SQLite's own check of the file: `ok` when it is sound.
    pub fn integrity_check(&self) -> Result<String> {
        self.conn
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))
            .map_err(|e| self.classify(e))
    }

    /// The run with key `key`, if there is one.
    pub fn run_by_key(&self, key: &str) -> Result<Option<RunId>> {
        self.conn
            .query_row("SELECT id FROM runs WHERE key = ?1", params![key], |row| {
                row.get(0)
            })
            .optional()
            .map_err(|e| self.classify(e))
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn classify_error(path: &Path, waited: Duration, e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode;
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Locked {
            path: path.to_owned(),
            waited,
        },
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
            path: path.to_owned(),
            detail: e.to_string(),
        },
        _ => StoreError::Sqlite(e),
    }
}

fn upsert_run(tx: &Transaction, run: &RunMeta, tool: Option<&str>) -> rusqlite::Result<RunId> {
    let id: RunId = tx.query_row(
        "INSERT INTO runs (key, created_at, commit_sha, branch, dirty, tool)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(key) DO UPDATE SET key = excluded.key
         RETURNING id",
        params![
            run.key,
            run.created_at,
            run.commit,
            run.branch,
            run.dirty.map(i64::from),
            tool
        ],
        |row| row.get(0),
    )?;
    if let Some(tool) = tool {
        merge_tool(tx, id, tool)?;
    }
    Ok(id)
}

/// Adds `tool` to a run's tools: every tool whose report went into it, once each.
fn merge_tool(tx: &Transaction, run: RunId, tool: &str) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE runs SET tool = CASE
            WHEN tool IS NULL OR tool = '' THEN ?2
            WHEN instr(',' || tool || ',', ',' || ?2 || ',') > 0 THEN tool
            ELSE tool || ',' || ?2 END
         WHERE id = ?1",
        params![run, tool],
    )?;
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError<E> {
    #[error(transparent)]
    Store(StoreError),
    #[error("{0}")]
    Body(E),
}

/// Adds the results and coverage of one report file, inside its transaction.
pub struct FileWriter<'a> {
    tx: &'a Transaction<'a>,
    run_id: RunId,
    file_id: i64,
    counts: FileCounts,
    /// Rows not yet written: see [`FileWriter::flush`].
    pending_results: Vec<(TestId, NewResult)>,
    pending_tests: Vec<(TestId, TestIdentity)>,
    /// Where each key of `pending_tests` is in it.
    pending_keys: HashMap<String, usize>,
    /// The id the next new test gets, once looked up.
    next_test_id: Option<TestId>,
}

/// The `tests.key_hash` of a key.
fn key_hash(key: &str) -> i64 {
    xxhash_rust::xxh3::xxh3_64(key.as_bytes()) as i64
}

/// How many rows one INSERT writes.
const BATCH: usize = 32;
static RESULTS_BATCH_SQL: OnceLock<String> = OnceLock::new();
static TESTS_BATCH_SQL: OnceLock<String> = OnceLock::new();

/// Inserts `rows` into `table` (`name (columns)`), [`BATCH`] to a statement while there are
/// that many, then one at a time. `bind` binds one row's values after parameter `at`.
fn insert_rows<T>(
    tx: &Transaction<'_>,
    table: &str,
    batch_sql: &OnceLock<String>,
    batch: usize,
    rows: &[T],
    bind: impl Fn(&mut rusqlite::CachedStatement<'_>, usize, &T) -> rusqlite::Result<()>,
) -> rusqlite::Result<()> {
    let columns = table.matches(',').count() + 1;
    let row = format!("({})", vec!["?"; columns].join(", "));
    let mut chunks = rows.chunks_exact(batch);
    for chunk in chunks.by_ref() {
        let sql = batch_sql.get_or_init(|| {
            // OR ROLLBACK: a failed row fails the whole file anyway, and an INSERT that
            // cannot stop halfway needs no statement journal.
            format!(
                "INSERT OR ROLLBACK INTO {table} VALUES {}",
                vec![row.as_str(); batch].join(", ")
            )
        });
        let mut stmt = tx.prepare_cached(sql)?;
        for (i, item) in chunk.iter().enumerate() {
            bind(&mut stmt, i * columns, item)?;
        }
        stmt.raw_execute()?;
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut stmt = tx.prepare_cached(&format!("INSERT INTO {table} VALUES {row}"))?;
        for item in rest {
            bind(&mut stmt, 0, item)?;
            stmt.raw_execute()?;
        }
    }
    Ok(())
}

/// What the history keeps of a test seen again: the newest ingest says where a test is (a test
/// can move), but a report that cannot place it does not forget where an earlier one did.
fn merge_identity(stored: &TestIdentity, new: &TestIdentity) -> TestIdentity {
    let mapped = new.unmapped_reason.is_none();
    TestIdentity {
        key: new.key.clone(),
        name: new.name.clone(),
        language: new.language.clone().or_else(|| stored.language.clone()),
        file: if mapped {
            new.file.clone()
        } else {
            stored.file.clone()
        },
        qualified_name: if mapped {
            new.qualified_name.clone()
        } else {
            stored.qualified_name.clone()
        },
        line: if mapped { new.line } else { stored.line },
        unmapped_reason: if stored.file.is_some() && !mapped {
            stored.unmapped_reason.clone()
        } else {
            new.unmapped_reason.clone()
        },
    }
}

impl FileWriter<'_> {
    /// Records the tool that wrote the report, once the report has said.
    pub fn set_tool(&mut self, tool: &str) -> rusqlite::Result<()> {
        self.tx.execute(
            "UPDATE report_files SET tool = ?1 WHERE id = ?2",
            params![tool, self.file_id],
        )?;
        merge_tool(self.tx, self.run_id, tool)
    }

    fn test_id(&mut self, test: &TestIdentity) -> rusqlite::Result<TestId> {
        // A test this report named a moment ago (a retry, a rerun): still in memory.
        if let Some(&at) = self.pending_keys.get(&test.key) {
            let (id, stored) = &mut self.pending_tests[at];
            *stored = merge_identity(stored, test);
            return Ok(*id);
        }
        // Most tests are already known and unchanged: one lookup by key, and a write only for a
        // new test or one whose place changed. (An upsert with RETURNING costs three times as
        // much per result, most of it in its statement journal.)
        let found = self
            .tx
            .prepare_cached(
                "SELECT id, name, language, file, qualified_name, line, unmapped_reason
                 FROM tests WHERE key_hash = ?1 AND key = ?2",
            )?
            .query_row(params![key_hash(&test.key), test.key], |row| {
                Ok((
                    row.get::<_, TestId>(0)?,
                    TestIdentity {
                        key: test.key.clone(),
                        name: row.get(1)?,
                        language: row.get(2)?,
                        file: row.get(3)?,
                        qualified_name: row.get(4)?,
                        line: row.get(5)?,
                        unmapped_reason: row.get(6)?,
                    },
                ))
            })
            .optional()?;
        let Some((id, stored)) = found else {
            // A new test. This transaction holds the write lock, so the next id is ours.
            let id = match self.next_test_id {
                Some(id) => id,
                None => {
                    self.tx
                        .query_row("SELECT coalesce(max(id), 0) + 1 FROM tests", [], |row| {
                            row.get(0)
                        })?
                }
            };
            self.next_test_id = Some(id + 1);
            self.pending_keys
                .insert(test.key.clone(), self.pending_tests.len());
            self.pending_tests.push((id, test.clone()));
            if self.pending_tests.len() == BATCH {
                self.flush_tests()?;
            }
            return Ok(id);
        };
        let merged = merge_identity(&stored, test);
        if merged != stored {
            self.tx
                .prepare_cached(
                    "UPDATE tests SET name = ?2, language = ?3, file = ?4, qualified_name = ?5,
                                      line = ?6, unmapped_reason = ?7
                     WHERE id = ?1",
                )?
                .execute(params![
                    id,
                    merged.name,
                    merged.language,
                    merged.file,
                    merged.qualified_name,
                    merged.line,
                    merged.unmapped_reason
                ])?;
        }
        Ok(id)
    }

    pub fn result(&mut self, result: &NewResult) -> rusqlite::Result<()> {
        let test_id = self.test_id(&result.test)?;
        self.pending_results.push((test_id, result.clone()));
        if self.pending_results.len() == BATCH {
            self.flush()?;
        }
        self.counts.results += 1;
        Ok(())
    }

    /// Writes the tests and results held back. Rows are written [`BATCH`] to a statement:
    /// one statement per row spends more in SQLite's statement machinery than in the row.
    fn flush(&mut self) -> rusqlite::Result<()> {
        self.flush_tests()?;
        let rows = std::mem::take(&mut self.pending_results);
        let (run_id, file_id) = (self.run_id, self.file_id);
        insert_rows(
            self.tx,
            "results (run_id, test_id, report_file_id, status, duration_ms, failed_attempts, \
             message, failure_file, failure_line, source_hash)",
            &RESULTS_BATCH_SQL,
            BATCH,
            &rows,
            |stmt, at, (test_id, result)| {
                stmt.raw_bind_parameter(at + 1, run_id)?;
                stmt.raw_bind_parameter(at + 2, test_id)?;
                stmt.raw_bind_parameter(at + 3, file_id)?;
                stmt.raw_bind_parameter(at + 4, result.status as i64)?;
                stmt.raw_bind_parameter(at + 5, result.duration_ms)?;
                stmt.raw_bind_parameter(at + 6, result.failed_attempts)?;
                stmt.raw_bind_parameter(at + 7, &result.message)?;
                stmt.raw_bind_parameter(at + 8, &result.failure_file)?;
                stmt.raw_bind_parameter(at + 9, result.failure_line)?;
                stmt.raw_bind_parameter(at + 10, &result.source_hash)
            },
        )?;
        self.pending_results = rows;
        self.pending_results.clear();
        Ok(())
    }

    fn flush_tests(&mut self) -> rusqlite::Result<()> {
        let rows = std::mem::take(&mut self.pending_tests);
        insert_rows(
            self.tx,
            "tests (id, key, key_hash, name, language, file, qualified_name, line, \
             unmapped_reason)",
            &TESTS_BATCH_SQL,
            1,
            &rows,
            |stmt, at, (id, test)| {
                stmt.raw_bind_parameter(at + 1, id)?;
                stmt.raw_bind_parameter(at + 2, &test.key)?;
                stmt.raw_bind_parameter(at + 3, key_hash(&test.key))?;
                stmt.raw_bind_parameter(at + 4, &test.name)?;
                stmt.raw_bind_parameter(at + 5, &test.language)?;
                stmt.raw_bind_parameter(at + 6, &test.file)?;
                stmt.raw_bind_parameter(at + 7, &test.qualified_name)?;
                stmt.raw_bind_parameter(at + 8, test.line)?;
                stmt.raw_bind_parameter(at + 9, &test.unmapped_reason)
            },
        )?;
        self.pending_tests = rows;
        self.pending_tests.clear();
        self.pending_keys.clear();
        Ok(())
    }

    /// Keeps the text of a source file that coverage is recorded against, once per hash.
    pub fn source(&mut self, hash: &str, text: &str) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached("INSERT OR IGNORE INTO sources (hash, text) VALUES (?1, ?2)")?
            .execute(params![hash, text])?;
        Ok(())
    }

    pub fn coverage(&mut self, coverage: &NewCoverage) -> rusqlite::Result<()> {
        let test_id = coverage
            .test
            .as_ref()
            .map(|t| self.test_id(t))
            .transpose()?;
        if test_id.is_some() {
            self.flush_tests()?;
        }
        self.tx
            .prepare_cached(
                "INSERT INTO coverage (run_id, report_file_id, path, content_hash, test_id, lines)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                self.run_id,
                self.file_id,
                coverage.path,
                coverage.content_hash,
                test_id,
                encode_lines(&coverage.lines)
            ])?;
        self.counts.coverage_files += 1;
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub id: RunId,
    pub key: String,
    pub created_at: i64,
    pub commit: Option<String>,
    pub branch: Option<String>,
    pub dirty: Option<bool>,
    pub tool: Option<String>,
    pub results: u64,
    pub failed: u64,
    pub skipped: u64,
    pub coverage_files: u64,
    pub files: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestRecord {
    pub id: TestId,
    pub identity: TestIdentity,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub run: RunId,
    pub run_key: String,
    pub created_at: i64,
    pub commit: Option<String>,
    pub status: Status,
    pub duration_ms: Option<f64>,
    pub failed_attempts: u32,
    pub message: Option<String>,
    pub failure_file: Option<String>,
    pub failure_line: Option<u32>,
    pub source_hash: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCoverage {
    pub path: String,
    pub content_hash: Option<String>,
    pub lines: Vec<(u32, u64)>,
    pub test_key: Option<String>,
}
