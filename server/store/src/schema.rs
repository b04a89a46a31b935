//! The schema and its migrations. `PRAGMA user_version` holds the version; each migration takes
//! the schema from version `n` to `n + 1` inside the opening transaction. See `docs/store.md`.

use rusqlite::Transaction;

pub const SCHEMA_VERSION: u32 = 3;

const MIGRATIONS: [&str; SCHEMA_VERSION as usize] = [
    // 0 → 1
    "
    CREATE TABLE runs (
        id          INTEGER PRIMARY KEY,
        key         TEXT NOT NULL UNIQUE,
        created_at  INTEGER NOT NULL,
        commit_sha  TEXT,
        branch      TEXT,
        dirty       INTEGER,
        tool        TEXT
    );
    CREATE INDEX runs_by_time ON runs (created_at);

    CREATE TABLE report_files (
        id              INTEGER PRIMARY KEY,
        run_id          INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        path            TEXT NOT NULL,
        format          TEXT NOT NULL,
        tool            TEXT,
        size            INTEGER NOT NULL,
        content_hash    TEXT NOT NULL,
        ingested_at     INTEGER NOT NULL,
        tests           INTEGER NOT NULL DEFAULT 0,
        coverage_files  INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX report_files_by_run ON report_files (run_id);

    CREATE TABLE tests (
        id              INTEGER PRIMARY KEY,
        key             TEXT NOT NULL,
        -- xxh3-64 of `key`, the index the writer looks tests up by: an index of 8-byte
        -- integers instead of the keys themselves halves the cost of adding a test.
        -- One row per key is kept by the writer, which holds the write lock.
        key_hash        INTEGER NOT NULL,
        name            TEXT NOT NULL,
        language        TEXT,
        file            TEXT,
        qualified_name  TEXT,
        line            INTEGER,
        unmapped_reason TEXT
    );
    CREATE INDEX tests_by_key_hash ON tests (key_hash);
    CREATE INDEX tests_by_file ON tests (file);

    CREATE TABLE results (
        run_id          INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        test_id         INTEGER NOT NULL REFERENCES tests (id),
        report_file_id  INTEGER NOT NULL REFERENCES report_files (id) ON DELETE CASCADE,
        status          INTEGER NOT NULL,
        duration_ms     REAL,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        message         TEXT,
        failure_file    TEXT,
        failure_line    INTEGER,
        source_hash     TEXT
    );
    CREATE INDEX results_by_test ON results (test_id, run_id);
    CREATE INDEX results_by_run ON results (run_id);

    CREATE TABLE coverage (
        run_id          INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        report_file_id  INTEGER NOT NULL REFERENCES report_files (id) ON DELETE CASCADE,
        path            TEXT NOT NULL,
        content_hash    TEXT,
        test_id         INTEGER REFERENCES tests (id),
        lines           BLOB NOT NULL
    );
    CREATE INDEX coverage_by_run_path ON coverage (run_id, path);
    CREATE INDEX coverage_by_test ON coverage (test_id);
    ",
    // 1 → 2
    "
    -- The text of each source file that coverage was recorded against, once per content hash,
    -- so that coverage can follow the lines of a file edited since.
    CREATE TABLE sources (
        hash    TEXT PRIMARY KEY,
        text    TEXT NOT NULL
    );
    -- The newest coverage of each file without reading every run's.
    CREATE INDEX coverage_by_path ON coverage (path, test_id);
    ",
    // 2 → 3
    "
    -- Tests put in quarantine (skipped on purpose because they are flaky), by the file and
    -- the full name the code model gives them: one row per test, the first time kept.
    CREATE TABLE quarantine (
        id          INTEGER PRIMARY KEY,
        file        TEXT NOT NULL,
        name        TEXT NOT NULL,
        reason      TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        UNIQUE (file, name)
    );
    ",
];

pub fn migrate(tx: &Transaction, from: u32) -> rusqlite::Result<()> {
    for (version, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
        tracing::info!(to = version + 1, "migrating the history");
        tx.execute_batch(sql)?;
    }
    Ok(())
}
