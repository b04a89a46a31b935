//! The store on a real SQLite file: transactions, locking, concurrency, schema guards.

use std::path::Path;
use std::time::{Duration, Instant};

use store::*;

fn meta(key: &str, at: i64) -> RunMeta {
    RunMeta {
        key: key.to_owned(),
        created_at: at,
        commit: Some("3f2a1c0".to_owned()),
        branch: Some("main".to_owned()),
        dirty: Some(false),
    }
}

fn report(path: &str) -> ReportFile {
    ReportFile {
        path: path.to_owned(),
        format: "junit".to_owned(),
        tool: Some("pytest".to_owned()),
        size: 10,
        content_hash: "h".to_owned(),
    }
}

fn test(key: &str) -> TestIdentity {
    TestIdentity {
        key: key.to_owned(),
        name: key.rsplit("::").next().unwrap().to_owned(),
        language: Some("Python".to_owned()),
        file: Some("tests/test_cart.py".to_owned()),
        qualified_name: Some(key.to_owned()),
        line: Some(3),
        unmapped_reason: None,
    }
}

fn result(key: &str, status: Status) -> NewResult {
    NewResult {
        test: test(key),
        status,
        duration_ms: Some(1.5),
        failed_attempts: 0,
        message: (status == Status::Failed).then(|| "assert 3 == 4".to_owned()),
        failure_file: None,
        failure_line: None,
        source_hash: Some("abc".to_owned()),
    }
}

fn open(path: &Path) -> Store {
    Store::open(path, &OpenOptions::default()).unwrap()
}

#[test]
fn a_new_history_is_created_in_wal_mode_with_the_current_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".testlens/history.db");
    let store = open(&path);
    assert!(path.exists());
    drop(store);
    let raw = rusqlite_check(&path);
    assert_eq!(raw.0, "wal");
    assert_eq!(raw.1, SCHEMA_VERSION as i64);
}

fn rusqlite_check(path: &Path) -> (String, i64) {
    let store = Store::open(
        path,
        &OpenOptions {
            read_only: true,
            ..OpenOptions::default()
        },
    )
    .unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    // Read back through a plain SQLite connection, not the store's own API.
    let conn = sqlite(path);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    (mode, version)
}

/// A plain SQLite connection, to look at the file (or lock it) behind the store's back.
fn sqlite(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

#[test]
fn results_and_coverage_round_trip_and_runs_list_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir.path().join("h.db"));
    let (run, counts) = store
        .write_file(&meta("run-1", 100), &report("junit.xml"), |w| {
            w.result(&result("tests/test_cart.py::test_total", Status::Passed))?;
            w.result(&result("tests/test_cart.py::test_flaky", Status::Failed))?;
            w.coverage(&NewCoverage {
                path: "shop/cart.py".to_owned(),
                content_hash: Some("c1".to_owned()),
                lines: vec![(1, 1), (2, 0), (5, 7)],
                test: None,
            })?;
            w.coverage(&NewCoverage {
                path: "shop/cart.py".to_owned(),
                content_hash: Some("c1".to_owned()),
                lines: vec![(1, 1)],
                test: Some(test("tests/test_cart.py::test_total")),
            })
        })
        .unwrap();
    assert_eq!(
        counts,
        FileCounts {
            results: 2,
            coverage_files: 2
        }
    );
    let runs = store.runs().unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!((runs[0].id, runs[0].results, runs[0].failed), (run, 2, 1));
    assert_eq!(runs[0].commit.as_deref(), Some("3f2a1c0"));
    assert_eq!(runs[0].files, ["junit.xml"]);
    let cov = store.run_coverage(run).unwrap();
    assert_eq!(cov[0].lines, [(1, 1), (2, 0), (5, 7)]);
    let per_test = store.per_test_coverage(run).unwrap();
    assert_eq!(
        per_test[0].test_key.as_deref(),
        Some("tests/test_cart.py::test_total")
    );
    let flaky = &store.tests_matching("FLAKY").unwrap()[0];
    let outcomes = store.outcomes(flaky.id).unwrap();
    assert_eq!(outcomes[0].status, Status::Failed);
    assert_eq!(outcomes[0].message.as_deref(), Some("assert 3 == 4"));
}

#[test]
fn a_failing_file_leaves_nothing_behind_and_earlier_runs_intact() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir.path().join("h.db"));
    store
        .write_file(&meta("run-1", 100), &report("a.xml"), |w| {
            w.result(&result("k::a", Status::Passed))
        })
        .unwrap();
    let failed = store.write_file(&meta("run-2", 200), &report("b.xml"), |w| {
        w.result(&result("k::b", Status::Passed))
            .map_err(|e| e.to_string())?;
        Err::<(), _>("malformed at line 3, column 7".to_owned())
    });
    assert!(matches!(failed, Err(WriteError::Body(_))));
    let runs = store.runs().unwrap();
    assert_eq!(runs.len(), 1, "the half-written run was rolled back");
    assert!(store.tests_matching("k::b").unwrap().is_empty());
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn files_with_one_run_key_join_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir.path().join("h.db"));
    let (a, _) = store
        .write_file(&meta("ci-42", 100), &report("junit.xml"), |w| {
            w.result(&result("k::a", Status::Passed))
        })
        .unwrap();
    let mut cov = report("coverage.xml");
    cov.tool = Some("coverage.py".to_owned());
    let (b, _) = store
        .write_file(&meta("ci-42", 101), &cov, |w| {
            w.coverage(&NewCoverage {
                path: "x.py".into(),
                content_hash: None,
                lines: vec![(1, 1)],
                test: None,
            })
        })
        .unwrap();
    assert_eq!(a, b);
    let runs = store.runs().unwrap();
    assert_eq!(runs[0].tool.as_deref(), Some("pytest,coverage.py"));
    assert_eq!(runs[0].files.len(), 2);
}

#[test]
fn a_locked_history_waits_then_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    drop(open(&path));
    let holder = sqlite(&path);
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut store = Store::open(
        &path,
        &OpenOptions {
            busy_timeout: Duration::from_millis(300),
            read_only: false,
        },
    )
    .unwrap();
    let started = Instant::now();
    let err = store
        .write_file(&meta("r", 1), &report("a.xml"), |w| {
            w.result(&result("k::a", Status::Passed))
        })
        .unwrap_err();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(250),
        "gave up after {waited:?}"
    );
    let message = err.to_string();
    assert!(message.contains("locked by another process"), "{message}");
    holder.execute_batch("ROLLBACK").unwrap();
    // Once the lock is gone, the same store writes.
    store
        .write_file(&meta("r", 1), &report("a.xml"), |w| {
            w.result(&result("k::a", Status::Passed))
        })
        .unwrap();
}

#[test]
fn two_writers_at_once_both_land() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    drop(open(&path));
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut store = open(&path);
                for i in 0..50 {
                    store
                        .write_file(&meta(&format!("w{w}-{i}"), i), &report("a.xml"), |wr| {
                            (0..20).try_for_each(|t| {
                                wr.result(&result(&format!("k::t{t}"), Status::Passed))
                            })
                        })
                        .unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let store = open(&path);
    let runs = store.runs().unwrap();
    assert_eq!(runs.len(), 100);
    assert!(runs.iter().all(|r| r.results == 20));
    assert_eq!(store.tests_matching("k::").unwrap().len(), 20);
}

#[test]
fn prune_keeps_the_newest_runs_and_forgets_orphan_tests() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir.path().join("h.db"));
    for i in 0..5 {
        store
            .write_file(&meta(&format!("run-{i}"), i), &report("a.xml"), |w| {
                w.result(&result(&format!("k::only_in_{i}"), Status::Passed))?;
                w.result(&result("k::always", Status::Passed))
            })
            .unwrap();
    }
    assert_eq!(store.prune(2).unwrap(), 3);
    let keys: Vec<String> = store.runs().unwrap().into_iter().map(|r| r.key).collect();
    assert_eq!(keys, ["run-4", "run-3"]);
    let tests: Vec<String> = store
        .tests_matching("k::")
        .unwrap()
        .into_iter()
        .map(|t| t.identity.key)
        .collect();
    assert_eq!(tests, ["k::always", "k::only_in_3", "k::only_in_4"]);
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn a_newer_schema_is_refused_and_not_touched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    drop(open(&path));
    sqlite(&path)
        .execute_batch("PRAGMA user_version = 99")
        .unwrap();
    let err = Store::open(&path, &OpenOptions::default()).err().unwrap();
    assert!(
        matches!(err, StoreError::NewerSchema { found: 99, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("newer than this testlens knows"));
    let version: i64 = sqlite(&path)
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 99);
}

#[test]
fn a_file_that_is_not_a_database_is_reported_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    std::fs::write(&path, vec![0x42u8; 8192]).unwrap();
    let err = Store::open(&path, &OpenOptions::default()).err().unwrap();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("is not a testlens history or is damaged"),
        "{err}"
    );
}

#[test]
fn a_reader_sees_committed_runs_while_a_writer_holds_its_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    let mut store = open(&path);
    store
        .write_file(&meta("run-1", 1), &report("a.xml"), |w| {
            w.result(&result("k::a", Status::Passed))
        })
        .unwrap();
    let holder = sqlite(&path);
    holder
        .execute_batch("BEGIN IMMEDIATE; DELETE FROM results;")
        .unwrap();
    let reader = Store::open(
        &path,
        &OpenOptions {
            read_only: true,
            ..OpenOptions::default()
        },
    )
    .unwrap();
    assert_eq!(
        reader.runs().unwrap()[0].results,
        1,
        "the reader sees the last commit"
    );
    holder.execute_batch("ROLLBACK").unwrap();
}

#[test]
fn a_large_report_is_written_in_batches_with_each_test_once_and_moves_kept() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir.path().join("h.db"));
    let key = |i: usize| format!("tests/test_cart.py::test_{i:03}");
    // 100 tests: three full batches and a remainder; test_007 is retried twice, once while
    // it is still held back and once after it was written.
    store
        .write_file(&meta("run-1", 100), &report("junit-1.xml"), |w| {
            for i in 0..100 {
                w.result(&result(&key(i), Status::Passed))?;
                if i == 7 || i == 90 {
                    w.result(&result(&key(7), Status::Failed))?;
                }
            }
            Ok::<_, rusqlite::Error>(())
        })
        .unwrap();
    // A later report: test_001 moved to another file, test_002 could not be placed.
    store
        .write_file(&meta("run-2", 200), &report("junit-2.xml"), |w| {
            let mut moved = result(&key(1), Status::Passed);
            moved.test.file = Some("tests/test_checkout.py".to_owned());
            moved.test.line = Some(40);
            w.result(&moved)?;
            let mut lost = result(&key(2), Status::Passed);
            lost.test.file = None;
            lost.test.line = None;
            lost.test.unmapped_reason = Some("no tests found in tests/test_cart.py".to_owned());
            w.result(&lost)?;
            w.result(&result("tests/test_cart.py::test_new", Status::Passed))
        })
        .unwrap();
    let tests = store.tests_matching("tests/test_cart.py::").unwrap();
    assert_eq!(tests.len(), 101, "one row per key");
    let by_key = |k: &str| tests.iter().find(|t| t.identity.key == k).unwrap();
    assert_eq!(store.outcomes(by_key(&key(7)).id).unwrap().len(), 3);
    assert_eq!(store.outcomes(by_key(&key(99)).id).unwrap().len(), 1);
    assert_eq!(store.outcomes(by_key(&key(1)).id).unwrap().len(), 2);
    let moved = by_key(&key(1));
    assert_eq!(
        (moved.identity.file.as_deref(), moved.identity.line),
        (Some("tests/test_checkout.py"), Some(40))
    );
    let lost = by_key(&key(2));
    assert_eq!(
        (
            lost.identity.file.as_deref(),
            lost.identity.unmapped_reason.as_deref()
        ),
        (Some("tests/test_cart.py"), None),
        "a report that cannot place a test does not forget where it was"
    );
    let runs = store.runs().unwrap();
    assert_eq!(runs.iter().map(|r| r.results).collect::<Vec<_>>(), [3, 102]);
    drop(store);
    let conn = sqlite(&dir.path().join("h.db"));
    let dangling: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(dangling, 0);
}

#[test]
fn a_reader_loads_recent_outcomes_newest_coverage_sources_and_last_passes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    let mut store = open(&path);
    let statuses = [
        Status::Passed,
        Status::Failed,
        Status::Passed,
        Status::Failed,
    ];
    for (i, status) in statuses.into_iter().enumerate() {
        let mut run = meta(&format!("run-{i}"), 1000 + i as i64);
        run.commit = Some(format!("c{i}"));
        store
            .write_file(&run, &report("j.xml"), |w| {
                w.result(&result("t::flips", status))?;
                w.result(&result("t::steady", Status::Passed))?;
                w.source(&format!("hash{i}"), &format!("text {i}\n"))?;
                w.coverage(&NewCoverage {
                    path: "shop/cart.py".to_owned(),
                    content_hash: Some(format!("hash{i}")),
                    lines: vec![(1, i as u64), (2, 0)],
                    test: None,
                })?;
                if i == 1 {
                    w.coverage(&NewCoverage {
                        path: "shop/cart.py".to_owned(),
                        content_hash: Some(format!("hash{i}")),
                        lines: vec![(1, 1), (2, 0), (3, 4)],
                        test: Some(test("t::flips")),
                    })?;
                }
                Ok::<_, rusqlite::Error>(())
            })
            .unwrap();
    }
    drop(store);

    let reader = Store::open_reader(&path, Duration::from_secs(1)).unwrap();
    let recent = reader.recent(3).unwrap();
    assert_eq!(
        recent
            .runs
            .iter()
            .map(|r| r.key.as_str())
            .collect::<Vec<_>>(),
        ["run-3", "run-2", "run-1"],
        "the newest three, newest first"
    );
    let flips = recent.tests.iter().find(|t| t.key == "t::flips").unwrap();
    assert_eq!(
        flips
            .results
            .iter()
            .map(|r| (r.run, r.status))
            .collect::<Vec<_>>(),
        [
            (0, Status::Failed),
            (1, Status::Passed),
            (2, Status::Failed)
        ]
    );
    let failure = flips.last_failure.as_ref().unwrap();
    assert_eq!(
        (failure.run, failure.message.as_deref()),
        (0, Some("assert 3 == 4"))
    );
    let steady = recent.tests.iter().find(|t| t.key == "t::steady").unwrap();
    assert_eq!(steady.last_failure, None);
    assert_eq!(recent.last_report_file, reader.last_report_file().unwrap());

    let coverage = reader.latest_coverage().unwrap();
    assert_eq!(coverage.len(), 1);
    assert_eq!(coverage[0].content_hash.as_deref(), Some("hash3"));
    assert_eq!(coverage[0].lines, [(1, 3), (2, 0)]);
    assert_eq!(coverage[0].commit.as_deref(), Some("c3"));
    assert_eq!(
        reader.source_text("hash3").unwrap().as_deref(),
        Some("text 3\n")
    );
    assert_eq!(reader.source_text("nope").unwrap(), None);

    let per_test = reader.latest_test_coverage().unwrap();
    assert_eq!(per_test.len(), 1);
    assert_eq!(per_test[0].lines, [1, 3], "only the lines the test ran");
    assert_eq!(per_test[0].test, flips.id);

    let pass = reader.last_pass(flips.id).unwrap().unwrap();
    assert_eq!(pass.commit.as_deref(), Some("c2"));
}

#[test]
fn a_reader_upgrades_an_older_history_and_refuses_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    drop(open(&path));
    sqlite(&path)
        .execute_batch("DROP TABLE sources; DROP INDEX coverage_by_path; PRAGMA user_version = 1")
        .unwrap();
    let reader = Store::open_reader(&path, Duration::from_secs(1)).unwrap();
    assert_eq!(
        reader.source_text("x").unwrap(),
        None,
        "the sources table is back"
    );
    assert!(matches!(
        Store::open_reader(&dir.path().join("missing.db"), Duration::from_secs(1)),
        Err(StoreError::Open { .. })
    ));
    assert!(
        !dir.path().join("missing.db").exists(),
        "a reader creates nothing"
    );
}

/// Writes one report file into run `key`: `statuses` of tests `t::0`, `t::1`, ... and coverage
/// of one file (hits `hits` on line 1).
fn write_run(store: &mut Store, key: &str, at: i64, statuses: &[Status], hits: u64, file: &str) {
    store
        .write_file(&meta(key, at), &report(file), |w| {
            for (i, &status) in statuses.iter().enumerate() {
                let mut r = result(&format!("t::{i}"), status);
                if status == Status::Failed {
                    r.message = Some(format!("{key} {file} t{i}"));
                }
                w.result(&r)?;
            }
            w.coverage(&NewCoverage {
                path: format!("shop/{}.py", statuses.len()),
                content_hash: None,
                lines: vec![(1, hits), (2, 0)],
                test: None,
            })?;
            Ok::<_, rusqlite::Error>(())
        })
        .unwrap();
}

#[test]
fn reading_only_what_came_in_since_equals_reading_it_all() {
    use Status::{Failed as F, Passed as P, Skipped as S};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    let mut store = open(&path);
    let reader = Store::open_reader(&path, Duration::from_secs(1)).unwrap();
    write_run(&mut store, "r0", 100, &[F, P, P], 1, "a.xml");
    write_run(&mut store, "r1", 101, &[P, F, P], 2, "a.xml");
    write_run(&mut store, "r2", 102, &[P, P, S], 3, "a.xml");
    let mut prev = reader.recent(3).unwrap();
    let mut coverage = reader.latest_coverage().unwrap();
    type Step = Box<dyn Fn(&mut Store)>;
    let steps: Vec<Step> = vec![
        // A new run: r0 leaves the window, and with it t::0's only failure.
        Box::new(|s| write_run(s, "r3", 103, &[P, P, P, P], 4, "a.xml")),
        // Two more files into that run, one failing a test twice, one with a new test.
        Box::new(|s| {
            write_run(s, "r3", 103, &[F, P], 5, "b.xml");
            write_run(s, "r3", 103, &[F, F, P, P, F], 6, "c.xml");
        }),
        // r1 leaves the window, and t::1's failure with it; t::0 keeps its r3 failures, the
        // newest file's message first.
        Box::new(|s| write_run(s, "r4", 104, &[P, P, P], 7, "a.xml")),
        // A file added to a run already in the window (not the newest).
        Box::new(|s| write_run(s, "r3", 103, &[P, F, F, F], 8, "d.xml")),
        // Two runs at once.
        Box::new(|s| {
            write_run(s, "r5", 105, &[F, P, P], 9, "a.xml");
            write_run(s, "r6", 106, &[P, P, F], 10, "a.xml");
        }),
    ];
    for (n, step) in steps.iter().enumerate() {
        step(&mut store);
        let since = reader
            .recent_since(&prev, 3)
            .unwrap()
            .unwrap_or_else(|| panic!("step {n}: an ingest is read incrementally"));
        let whole = reader.recent(3).unwrap();
        assert_eq!(since, whole, "step {n}");
        let mut merged: std::collections::BTreeMap<String, LatestCoverage> = coverage
            .into_iter()
            .map(|c| (c.path.clone(), c))
            .collect();
        for c in reader.latest_coverage_since(prev.last_report_file).unwrap() {
            merged.insert(c.path.clone(), c);
        }
        coverage = reader.latest_coverage().unwrap();
        assert_eq!(
            merged.into_values().collect::<Vec<_>>(),
            coverage,
            "step {n}: coverage"
        );
        assert!(!reader.test_coverage_since(prev.last_report_file).unwrap());
        prev = whole;
    }
    let t0 = prev.tests.iter().find(|t| t.key == "t::0").unwrap();
    assert_eq!(
        t0.last_failure.as_ref().and_then(|f| f.message.as_deref()),
        Some("r5 a.xml t0")
    );

    // Pruning drops runs a reader still holds: it must read everything again.
    store.prune(2).unwrap();
    assert_eq!(reader.recent_since(&prev, 3).unwrap(), None);
}
