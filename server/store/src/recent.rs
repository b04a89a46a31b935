//! What a reader (the language server) loads from the history: the recent runs with each test's
//! outcomes in them, the newest coverage of each file, and the texts coverage was recorded
//! against. Compact on purpose: the server keeps it in memory.

use rusqlite::{OptionalExtension, params};

use crate::{Result, RunId, Status, Store, TestId, decode_lines};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecentRun {
    pub id: RunId,
    pub key: String,
    pub created_at: i64,
    pub commit: Option<String>,
    pub dirty: Option<bool>,
}

/// One outcome of a test in a recent run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RecentResult {
    /// Index into [`Recent::runs`]: 0 is the newest run.
    pub run: u32,
    pub status: Status,
    pub duration_ms: Option<f32>,
    pub failed_attempts: u32,
    /// The test's source hash at ingest (xxh3-128), to tell "same code, other outcome".
    pub source_hash: Option<u128>,
}

/// The newest failure of a test in the recent runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecentFailure {
    /// Index into [`Recent::runs`].
    pub run: u32,
    pub message: Option<String>,
    pub failure_file: Option<String>,
    pub failure_line: Option<u32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TestHistory {
    pub id: TestId,
    pub key: String,
    pub name: String,
    pub file: Option<String>,
    pub qualified_name: Option<String>,
    pub line: Option<u32>,
    /// Newest first; a test can have several results in one run (one per report file).
    pub results: Vec<RecentResult>,
    pub last_failure: Option<RecentFailure>,
}

/// The recent past: the newest runs, and the tests that ran in them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Recent {
    /// Newest first.
    pub runs: Vec<RecentRun>,
    pub tests: Vec<TestHistory>,
    /// The newest report file id seen: a reader compares it to tell whether anything came in.
    pub last_report_file: i64,
}

/// The newest whole-run coverage of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LatestCoverage {
    pub path: String,
    pub content_hash: Option<String>,
    /// (1-based line, hits), sorted.
    pub lines: Vec<(u32, u64)>,
    pub run: RunId,
    pub created_at: i64,
    pub commit: Option<String>,
}

/// Per-test coverage of one file by one test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestCoverage {
    pub path: String,
    pub content_hash: Option<String>,
    pub test: TestId,
    /// The lines the test ran (hits > 0), 1-based, sorted.
    pub lines: Vec<u32>,
}

/// When a test last passed, for "what changed since".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastPass {
    pub run: RunId,
    pub created_at: i64,
    pub commit: Option<String>,
}

impl Store {
    /// The newest `runs` runs and every test's results in them, with each test's newest
    /// failure message among them.
    pub fn recent(&self, runs: usize) -> Result<Recent> {
        let err = |e| self.classify(e);
        let last_report_file = self.last_report_file()?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, key, created_at, commit_sha, dirty FROM runs
                 ORDER BY created_at DESC, id DESC LIMIT ?1",
            )
            .map_err(err)?;
        let recent_runs: Vec<RecentRun> = stmt
            .query_map(params![runs as i64], |row| {
                Ok(RecentRun {
                    id: row.get(0)?,
                    key: row.get(1)?,
                    created_at: row.get(2)?,
                    commit: row.get(3)?,
                    dirty: row.get::<_, Option<i64>>(4)?.map(|d| d != 0),
                })
            })
            .map_err(err)?
            .collect::<rusqlite::Result<_>>()
            .map_err(err)?;
        let index_of: std::collections::HashMap<RunId, u32> = recent_runs
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id, i as u32))
            .collect();

        let mut tests: Vec<TestHistory> = Vec::new();
        let mut slot: std::collections::HashMap<TestId, usize> = Default::default();
        if !recent_runs.is_empty() {
            // Runs are ordered by time, ids by insertion: select by the id set, order here.
            let ids: Vec<String> = recent_runs.iter().map(|r| r.id.to_string()).collect();
            let sql = format!(
                "SELECT x.test_id, x.run_id, x.status, x.duration_ms, x.failed_attempts,
                        x.source_hash,
                        CASE WHEN x.status IN (1, 2) THEN x.message END,
                        x.failure_file, x.failure_line,
                        t.key, t.name, t.file, t.qualified_name, t.line
                 FROM results x JOIN tests t ON t.id = x.test_id
                 WHERE x.run_id IN ({})
                 ORDER BY x.test_id, x.rowid DESC",
                ids.join(",")
            );
            let mut stmt = self.conn.prepare(&sql).map_err(err)?;
            let mut rows = stmt.query([]).map_err(err)?;
            while let Some(row) = rows.next().map_err(err)? {
                let test: TestId = row.get(0).map_err(err)?;
                let run = index_of[&row.get::<_, RunId>(1).map_err(err)?];
                let status = Status::from_code(row.get(2).map_err(err)?);
                let i = match slot.get(&test) {
                    Some(&i) => i,
                    None => {
                        tests.push(TestHistory {
                            id: test,
                            key: row.get(9).map_err(err)?,
                            name: row.get(10).map_err(err)?,
                            file: row.get(11).map_err(err)?,
                            qualified_name: row.get(12).map_err(err)?,
                            line: row
                                .get::<_, Option<i64>>(13)
                                .map_err(err)?
                                .map(|l| l as u32),
                            results: Vec::new(),
                            last_failure: None,
                        });
                        slot.insert(test, tests.len() - 1);
                        tests.len() - 1
                    }
                };
                let entry = &mut tests[i];
                let source_hash: Option<String> = row.get(5).map_err(err)?;
                entry.results.push(RecentResult {
                    run,
                    status,
                    duration_ms: row.get::<_, Option<f64>>(3).map_err(err)?.map(|d| d as f32),
                    failed_attempts: row.get::<_, i64>(4).map_err(err)? as u32,
                    source_hash: source_hash.and_then(|h| u128::from_str_radix(&h, 16).ok()),
                });
                if matches!(status, Status::Failed | Status::Errored)
                    && entry.last_failure.as_ref().is_none_or(|f| run < f.run)
                {
                    entry.last_failure = Some(RecentFailure {
                        run,
                        message: row.get(6).map_err(err)?,
                        failure_file: row.get(7).map_err(err)?,
                        failure_line: row.get::<_, Option<i64>>(8).map_err(err)?.map(|l| l as u32),
                    });
                }
            }
        }
        for test in &mut tests {
            // Newest run first; within a run, the order the rows came in (newest file first).
            test.results.sort_by_key(|r| r.run);
        }
        Ok(Recent {
            runs: recent_runs,
            tests,
            last_report_file,
        })
    }

    /// The newest report file id: cheap, to tell whether anything was ingested since.
    pub fn last_report_file(&self) -> Result<i64> {
        self.conn
            .query_row("SELECT COALESCE(max(id), 0) FROM report_files", [], |r| {
                r.get(0)
            })
            .map_err(|e| self.classify(e))
    }

    /// The newest whole-run coverage of every file (by ingest order).
    pub fn latest_coverage(&self) -> Result<Vec<LatestCoverage>> {
        let err = |e| self.classify(e);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT c.path, c.content_hash, c.lines, r.id, r.created_at, r.commit_sha
                 FROM (SELECT max(rowid) AS newest FROM coverage WHERE test_id IS NULL
                       GROUP BY path) n
                 JOIN coverage c ON c.rowid = n.newest
                 JOIN runs r ON r.id = c.run_id
                 ORDER BY c.path",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map([], |row| {
                let blob: Vec<u8> = row.get(2)?;
                Ok(LatestCoverage {
                    path: row.get(0)?,
                    content_hash: row.get(1)?,
                    lines: decode_lines(&blob).unwrap_or_default(),
                    run: row.get(3)?,
                    created_at: row.get(4)?,
                    commit: row.get(5)?,
                })
            })
            .map_err(err)?;
        rows.collect::<rusqlite::Result<_>>().map_err(err)
    }

    /// Per-test coverage from the newest run that recorded any.
    pub fn latest_test_coverage(&self) -> Result<Vec<TestCoverage>> {
        let err = |e| self.classify(e);
        let run: Option<RunId> = self
            .conn
            .query_row(
                "SELECT run_id FROM coverage WHERE test_id IS NOT NULL ORDER BY rowid DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(err)?;
        let Some(run) = run else {
            return Ok(Vec::new());
        };
        let mut stmt = self
            .conn
            .prepare(
                "SELECT path, content_hash, test_id, lines FROM coverage
                 WHERE run_id = ?1 AND test_id IS NOT NULL ORDER BY path, test_id",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map(params![run], |row| {
                let blob: Vec<u8> = row.get(3)?;
                Ok(TestCoverage {
                    path: row.get(0)?,
                    content_hash: row.get(1)?,
                    test: row.get(2)?,
                    lines: decode_lines(&blob)
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|&(_, hits)| hits > 0)
                        .map(|(line, _)| line)
                        .collect(),
                })
            })
            .map_err(err)?;
        rows.collect::<rusqlite::Result<_>>().map_err(err)
    }

    /// The text a file had when coverage was recorded against it, by its content hash.
    pub fn source_text(&self, hash: &str) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT text FROM sources WHERE hash = ?1",
                params![hash],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.classify(e))
    }

    /// The newest run in which `test` passed (with no failed attempt), if any.
    pub fn last_pass(&self, test: TestId) -> Result<Option<LastPass>> {
        self.conn
            .query_row(
                "SELECT r.id, r.created_at, r.commit_sha FROM results x JOIN runs r ON r.id = x.run_id
                 WHERE x.test_id = ?1 AND x.status = 0 AND x.failed_attempts = 0
                 ORDER BY r.created_at DESC, r.id DESC LIMIT 1",
                params![test],
                |row| {
                    Ok(LastPass {
                        run: row.get(0)?,
                        created_at: row.get(1)?,
                        commit: row.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.classify(e))
    }
}
