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

/// One result row as read, before it joins its test.
struct ResultRow {
    test: TestId,
    rowid: i64,
    result: RecentResult,
    failure: Option<RecentFailure>,
}

fn run_indices(runs: &[RecentRun]) -> std::collections::HashMap<RunId, u32> {
    runs.iter()
        .enumerate()
        .map(|(i, r)| (r.id, i as u32))
        .collect()
}

fn read_test(stmt: &mut rusqlite::CachedStatement<'_>, id: TestId) -> rusqlite::Result<TestHistory> {
    stmt.query_row(params![id], |r| {
        Ok(TestHistory {
            id,
            key: r.get(0)?,
            name: r.get(1)?,
            file: r.get(2)?,
            qualified_name: r.get(3)?,
            line: r.get::<_, Option<i64>>(4)?.map(|l| l as u32),
            results: Vec::new(),
            last_failure: None,
        })
    })
}

impl TestHistory {
    /// Adds a row read in (test, newest file first) order.
    fn add(&mut self, row: ResultRow) {
        self.results.push(row.result);
        if let Some(failure) = row.failure
            && self.last_failure.as_ref().is_none_or(|f| failure.run < f.run)
        {
            self.last_failure = Some(failure);
        }
    }
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
        let last_report_file = self.last_report_file()?;
        let recent_runs = self.recent_runs(runs)?;
        let index_of = run_indices(&recent_runs);
        let mut tests: Vec<TestHistory> = Vec::new();
        if !recent_runs.is_empty() {
            let ids: Vec<RunId> = recent_runs.iter().map(|r| r.id).collect();
            let rows = self.result_rows(&ids, 0, &index_of)?;
            let mut test_row = self.test_row()?;
            for row in rows {
                if tests.last().is_none_or(|t| t.id != row.test) {
                    tests.push(read_test(&mut test_row, row.test).map_err(|e| self.classify(e))?);
                }
                if let Some(entry) = tests.last_mut() {
                    entry.add(row);
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

    /// `prev` (read by [`Store::recent`] or this, with the same `runs`) brought up to date by
    /// reading only the report files ingested since it was read: what an open editor does after
    /// an ingest. Equal to what [`Store::recent`] would read now. `None` when it cannot be done
    /// that way (runs were pruned or came in out of order) and a full read is needed.
    pub fn recent_since(&self, prev: &Recent, runs: usize) -> Result<Option<Recent>> {
        let err = |e| self.classify(e);
        let last_report_file = self.last_report_file()?;
        if last_report_file < prev.last_report_file {
            return Ok(None);
        }
        let recent_runs = self.recent_runs(runs)?;
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT run_id FROM report_files WHERE id > ?1")
            .map_err(err)?;
        let touched: std::collections::HashSet<RunId> = stmt
            .query_map(params![prev.last_report_file], |r| r.get(0))
            .map_err(err)?
            .collect::<rusqlite::Result<_>>()
            .map_err(err)?;
        let index_of = run_indices(&recent_runs);
        let prev_index: std::collections::HashMap<RunId, usize> = prev
            .runs
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id, i))
            .collect();
        // Every run now in the window was known, or got a report file since.
        if recent_runs
            .iter()
            .any(|r| !prev_index.contains_key(&r.id) && !touched.contains(&r.id))
        {
            return Ok(None);
        }
        // A known run missing now was pushed out of the window, not deleted: it is older than
        // every run kept, and the window is full.
        let order = |r: &RecentRun| (r.created_at, r.id);
        let oldest_kept = recent_runs.last().map(order);
        if prev.runs.iter().any(|r| {
            !index_of.contains_key(&r.id)
                && (recent_runs.len() < runs || oldest_kept.is_some_and(|o| order(r) > o))
        }) {
            return Ok(None);
        }
        let remap: Vec<Option<u32>> = prev
            .runs
            .iter()
            .map(|r| index_of.get(&r.id).copied())
            .collect();
        let in_window: Vec<RunId> = recent_runs
            .iter()
            .filter(|r| touched.contains(&r.id))
            .map(|r| r.id)
            .collect();
        let rows = self.result_rows(&in_window, prev.last_report_file, &index_of)?;

        // The known tests, their results moved to the new run indices.
        let mut tests: Vec<TestHistory> = Vec::with_capacity(prev.tests.len());
        let mut slot: std::collections::HashMap<TestId, usize> = Default::default();
        for old in &prev.tests {
            let results: Vec<RecentResult> = old
                .results
                .iter()
                .filter_map(|r| {
                    Some(RecentResult {
                        run: remap[r.run as usize]?,
                        ..*r
                    })
                })
                .collect();
            // Runs leave the window oldest first: a failure that leaves takes every older one
            // of the test with it.
            let last_failure = old.last_failure.as_ref().and_then(|f| {
                Some(RecentFailure {
                    run: remap[f.run as usize]?,
                    ..f.clone()
                })
            });
            slot.insert(old.id, tests.len());
            tests.push(TestHistory {
                results,
                last_failure,
                ..old.clone()
            });
        }
        // The new rows, newest file first: ahead of the known ones of the same run.
        let mut test_row = self.test_row()?;
        let mut fresh: std::collections::HashMap<TestId, Vec<RecentResult>> = Default::default();
        let mut new_failure: std::collections::HashSet<TestId> = Default::default();
        for row in rows {
            let i = match slot.get(&row.test) {
                Some(&i) => i,
                None => {
                    tests.push(read_test(&mut test_row, row.test).map_err(err)?);
                    slot.insert(row.test, tests.len() - 1);
                    tests.len() - 1
                }
            };
            let entry = &mut tests[i];
            fresh.entry(row.test).or_default().push(row.result);
            if let Some(failure) = row.failure {
                // A new failure is newer than a known one of the same run; the new ones come
                // newest file first.
                let known = !new_failure.contains(&row.test);
                if entry
                    .last_failure
                    .as_ref()
                    .is_none_or(|f| failure.run < f.run || (known && failure.run == f.run))
                {
                    entry.last_failure = Some(failure);
                    new_failure.insert(row.test);
                }
            }
        }
        for (id, mut results) in fresh {
            let entry = &mut tests[slot[&id]];
            // Where the test is may have been placed anew by the new report.
            let placed = read_test(&mut test_row, id).map_err(err)?;
            entry.file = placed.file;
            entry.qualified_name = placed.qualified_name;
            entry.line = placed.line;
            entry.name = placed.name;
            results.append(&mut entry.results);
            entry.results = results;
        }
        tests.retain(|t| !t.results.is_empty());
        tests.sort_unstable_by_key(|t| t.id);
        for test in &mut tests {
            test.results.sort_by_key(|r| r.run);
        }
        Ok(Some(Recent {
            runs: recent_runs,
            tests,
            last_report_file,
        }))
    }

    /// The newest `runs` runs, newest first.
    fn recent_runs(&self, runs: usize) -> Result<Vec<RecentRun>> {
        let err = |e| self.classify(e);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, key, created_at, commit_sha, dirty FROM runs
                 ORDER BY created_at DESC, id DESC LIMIT ?1",
            )
            .map_err(err)?;
        stmt.query_map(params![runs as i64], |row| {
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
        .map_err(err)
    }

    /// The results of the runs `ids` from report files after `after`, by test, newest row
    /// (file) first. Read without a join or an ORDER BY: SQLite would sort them in a temporary
    /// b-tree, 7x slower than reading them; each test's row is read once, by its key.
    fn result_rows(
        &self,
        ids: &[RunId],
        after: i64,
        index_of: &std::collections::HashMap<RunId, u32>,
    ) -> Result<Vec<ResultRow>> {
        let err = |e| self.classify(e);
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = ids.iter().map(RunId::to_string).collect();
        let sql = format!(
            "SELECT test_id, run_id, rowid, status, duration_ms, failed_attempts, source_hash,
                    CASE WHEN status IN (1, 2) THEN message END, failure_file, failure_line
             FROM results WHERE run_id IN ({}) AND report_file_id > ?1",
            ids.join(",")
        );
        let mut rows: Vec<ResultRow> = Vec::new();
        let mut stmt = self.conn.prepare(&sql).map_err(err)?;
        let mut query = stmt.query(params![after]).map_err(err)?;
        while let Some(row) = query.next().map_err(err)? {
            let run = index_of[&row.get::<_, RunId>(1).map_err(err)?];
            let status = Status::from_code(row.get(3).map_err(err)?);
            let source_hash: Option<String> = row.get(6).map_err(err)?;
            let failure = if status.is_failure() {
                Some(RecentFailure {
                    run,
                    message: row.get(7).map_err(err)?,
                    failure_file: row.get(8).map_err(err)?,
                    failure_line: row.get::<_, Option<i64>>(9).map_err(err)?.map(|l| l as u32),
                })
            } else {
                None
            };
            rows.push(ResultRow {
                test: row.get(0).map_err(err)?,
                rowid: row.get(2).map_err(err)?,
                result: RecentResult {
                    run,
                    status,
                    duration_ms: row.get::<_, Option<f64>>(4).map_err(err)?.map(|d| d as f32),
                    failed_attempts: row.get::<_, i64>(5).map_err(err)? as u32,
                    source_hash: source_hash.and_then(|h| u128::from_str_radix(&h, 16).ok()),
                },
                failure,
            });
        }
        rows.sort_unstable_by_key(|r| (r.test, std::cmp::Reverse(r.rowid)));
        Ok(rows)
    }

    fn test_row(&self) -> Result<rusqlite::CachedStatement<'_>> {
        self.conn
            .prepare_cached("SELECT key, name, file, qualified_name, line FROM tests WHERE id = ?1")
            .map_err(|e| self.classify(e))
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

    /// The whole-run coverage ingested after report file `after`, newest of each file (what
    /// [`Store::latest_coverage`] would now say of those files).
    pub fn latest_coverage_since(&self, after: i64) -> Result<Vec<LatestCoverage>> {
        let err = |e| self.classify(e);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT c.path, c.content_hash, c.lines, r.id, r.created_at, r.commit_sha
                 FROM coverage c JOIN runs r ON r.id = c.run_id
                 WHERE c.run_id IN (SELECT DISTINCT run_id FROM report_files WHERE id > ?1)
                   AND c.report_file_id > ?1 AND c.test_id IS NULL
                 ORDER BY c.rowid DESC",
            )
            .map_err(err)?;
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        let mut rows = stmt.query(params![after]).map_err(err)?;
        while let Some(row) = rows.next().map_err(err)? {
            let path: String = row.get(0).map_err(err)?;
            if !seen.insert(path.clone()) {
                continue;
            }
            let blob: Vec<u8> = row.get(2).map_err(err)?;
            out.push(LatestCoverage {
                path,
                content_hash: row.get(1).map_err(err)?,
                lines: decode_lines(&blob).unwrap_or_default(),
                run: row.get(3).map_err(err)?,
                created_at: row.get(4).map_err(err)?,
                commit: row.get(5).map_err(err)?,
            });
        }
        Ok(out)
    }

    /// Whether per-test coverage was ingested after report file `after`.
    pub fn test_coverage_since(&self, after: i64) -> Result<bool> {
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM coverage
                 WHERE run_id IN (SELECT DISTINCT run_id FROM report_files WHERE id > ?1)
                   AND report_file_id > ?1 AND test_id IS NOT NULL)",
                params![after],
                |r| r.get(0),
            )
            .map_err(|e| self.classify(e))
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
