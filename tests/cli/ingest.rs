//! `testlens ingest` and `testlens history` on the fixtures' real runner reports, and every kind
//! of bad input: malformed, empty, binary, not UTF-8, unknown, missing, locked, concurrent,
//! killed half-way.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn bin() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_testlens"));
    command.env_remove("TESTLENS_DB").env("NO_COLOR", "1");
    command
}

fn fixture(language: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(language)
        .canonicalize()
        .unwrap()
}

fn ingest(root: &Path, db: &Path, args: &[&str]) -> Output {
    bin()
        .arg("ingest")
        .arg("--root")
        .arg(root)
        .arg("--db")
        .arg(db)
        .args(["--commit", "0000000", "--branch", "test", "--clean"])
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn history(db: &Path, pattern: Option<&str>) -> Value {
    let mut command = bin();
    command.arg("history").arg("--db").arg(db).arg("--json");
    if let Some(p) = pattern {
        command.arg(p);
    }
    let out = command.output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Ingests the four runs of a fixture, one ingest per run, oldest first.
fn ingest_runs(language: &str, db: &Path) {
    let root = fixture(language);
    for run in 1..=4 {
        let dir = root.join(format!("reports/run-{run}"));
        let out = ingest(
            &root,
            db,
            &[
                dir.to_str().unwrap(),
                "--run-id",
                &format!("{language}-{run}"),
            ],
        );
        assert!(
            out.status.success(),
            "{language} run {run}:\n{}\n{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        // Runs get distinct times so their order is the order of ingest.
        std::thread::sleep(Duration::from_millis(1100));
    }
}

fn run_counts(db: &Path) -> Vec<(String, u64, u64, u64)> {
    let runs = history(db, None);
    let mut out: Vec<(String, u64, u64, u64)> = runs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap().to_owned(),
                r["results"].as_u64().unwrap(),
                r["failed"].as_u64().unwrap(),
                r["skipped"].as_u64().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn outcomes(db: &Path, pattern: &str) -> (Value, String) {
    let tests = history(db, Some(pattern));
    let test = tests[0].clone();
    let line: String = test["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|o| match o["status"].as_str().unwrap() {
            "passed" => 'P',
            "skipped" => 'S',
            _ => 'F',
        })
        .collect();
    (test, line)
}

#[test]
fn python_reports_round_trip_with_flips_locations_and_per_test_coverage() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    ingest_runs("python", &db);
    // fixtures/python/README.md, "Reports": 21 passed + 2 skipped, then 1 failed + 20 passed
    // + 2 skipped, alternately.
    assert_eq!(
        run_counts(&db),
        [
            ("python-1".to_owned(), 23, 0, 2),
            ("python-2".to_owned(), 23, 1, 2),
            ("python-3".to_owned(), 23, 0, 2),
            ("python-4".to_owned(), 23, 1, 2),
        ]
    );
    let (test, flips) = outcomes(&db, "test_flaky_when_env_set");
    assert_eq!(flips, "PFPF");
    assert_eq!(
        test["key"],
        "tests/test_pricing.py::test_flaky_when_env_set"
    );
    assert_eq!(test["file"], "tests/test_pricing.py");
    assert_eq!(test["line"], 55);
    let latest = &test["outcomes"][0];
    assert_eq!(latest["failure"], "tests/test_pricing.py:56");
    assert!(
        latest["message"]
            .as_str()
            .unwrap()
            .starts_with("AssertionError: FLAKY_FAIL=1")
    );

    // Coverage as coverage.py reports it: cart.py 35 of 35, pricing.py 38 of 39 (line 30 missed).
    let store = store::Store::open(
        &db,
        &store::OpenOptions {
            read_only: true,
            ..Default::default()
        },
    )
    .unwrap();
    let run = store.run_by_key("python-1").unwrap().unwrap();
    let coverage = store.run_coverage(run).unwrap();
    let pricing: Vec<_> = coverage
        .iter()
        .filter(|c| c.path == "shop/pricing.py")
        .collect();
    assert!(
        !pricing.is_empty(),
        "{:?}",
        coverage.iter().map(|c| &c.path).collect::<Vec<_>>()
    );
    for c in &pricing {
        let covered = c.lines.iter().filter(|(_, hits)| *hits > 0).count();
        assert_eq!((covered, c.lines.len()), (38, 39), "{c:?}");
        assert!(c.lines.contains(&(30, 0)));
        assert!(c.content_hash.is_some());
    }
    // Per-test coverage (coverage.py's test contexts) joins the JUnit results by pytest's node
    // id: the unittest case `CartTestCase.test_total` runs `Cart.total` in shop/cart.py.
    let per_test = store.per_test_coverage(run).unwrap();
    let key = "tests/test_cart.py::CartTestCase::test_total";
    let covered: Vec<_> = per_test
        .iter()
        .filter(|c| c.test_key.as_deref() == Some(key) && c.path == "shop/cart.py")
        .collect();
    assert_eq!(
        covered.len(),
        1,
        "{:?}",
        per_test.iter().map(|c| &c.test_key).collect::<Vec<_>>()
    );
    assert!(covered[0].lines.iter().all(|(_, hits)| *hits == 1));
    let tests = history(&db, Some("CartTestCase::test_total"));
    assert_eq!(tests[0]["key"], key);
    assert_eq!(tests[0]["file"], "tests/test_cart.py");
    assert_eq!(tests[0]["outcomes"].as_array().unwrap().len(), 4);
}

#[test]
fn rust_nextest_reports_keep_retries_and_panic_locations() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    ingest_runs("rust", &db);
    // fixtures/rust/README.md: nextest's JUnit leaves ignored tests out; runs 2 and 4 fail
    // `tests::flaky_when_env_set`.
    let counts = run_counts(&db);
    assert_eq!(
        counts.iter().map(|c| c.2).collect::<Vec<_>>(),
        [0, 1, 0, 1],
        "{counts:?}"
    );
    let (test, flips) = outcomes(&db, "flaky_when_env_set");
    assert_eq!(flips, "PFPF");
    assert_eq!(test["file"], "src/lib.rs");
    assert_eq!(test["outcomes"][0]["failure"], "src/lib.rs:163");
    // `passes_on_retry` fails its first attempt in runs 3 and 4: a pass after a failed attempt.
    let (retry, _) = outcomes(&db, "passes_on_retry");
    let attempts: Vec<u64> = retry["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["failed_attempts"].as_u64().unwrap())
        .collect();
    assert_eq!(attempts, [1, 1, 0, 0], "newest first");
    assert_eq!(retry["file"], "tests/retry.rs");
}

#[test]
fn go_test_json_maps_subtests_and_keeps_the_failure_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    ingest_runs("go", &db);
    let (test, flips) = outcomes(&db, "TestFlakyWhenEnvSet");
    assert_eq!(flips, "PFPF");
    assert_eq!(test["file"], "pricing_test.go");
    assert_eq!(test["outcomes"][0]["failure"], "pricing_test.go:78");
    let subtests = history(&db, Some("TestShippingCents/"));
    assert!(!subtests.as_array().unwrap().is_empty());
    for sub in subtests.as_array().unwrap() {
        assert_eq!(sub["file"], "pricing_test.go", "{sub}");
        assert!(sub["unmapped_reason"].is_null(), "{sub}");
    }
}

#[test]
fn vitest_and_jest_reports_map_to_their_describe_paths() {
    for (language, pattern, file, location) in [
        (
            "typescript",
            "FLAKY_FAIL",
            "src/pricing.test.ts",
            "src/pricing.test.ts:54",
        ),
        (
            "javascript",
            "FLAKY_FAIL",
            "__tests__/pricing.test.js",
            "__tests__/pricing.test.js:61",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("h.db");
        ingest_runs(language, &db);
        let (test, flips) = outcomes(&db, pattern);
        assert_eq!(flips, "PFPF", "{language}");
        assert_eq!(test["file"], file, "{language}: {test}");
        assert_eq!(test["outcomes"][0]["failure"], location, "{language}");
        let all = history(&db, Some(""));
        let unmapped: Vec<&Value> = all
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| !t["unmapped_reason"].is_null())
            .collect();
        assert!(unmapped.is_empty(), "{language}: {unmapped:#?}");
    }
}

#[test]
fn a_malformed_file_stores_nothing_while_the_others_go_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let bad = dir.path().join("bad.xml");
    std::fs::write(
        &bad,
        "<testsuites>\n  <testsuite name=\"s\">\n    <testcase name=\"a\">\n  </testsuite>\n",
    )
    .unwrap();
    let good = fixture("python").join("reports/run-1/pytest-junit.xml");
    let out = ingest(
        &fixture("python"),
        &db,
        &[bad.to_str().unwrap(), good.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("{}:4:", bad.display())),
        "{stderr}"
    );
    assert!(
        stderr.contains("nothing from this file was stored"),
        "{stderr}"
    );
    let runs = history(&db, None);
    assert_eq!(runs[0]["results"], 23);
    assert_eq!(runs[0]["files"].as_array().unwrap().len(), 1);
}

#[test]
fn empty_binary_invalid_unknown_and_missing_inputs_get_clear_messages() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let cases = [
        (write("empty.xml", b""), "empty"),
        (write("blob.xml", b"\x00\x01\x02\x03\x04binary"), "binary"),
        (write("latin1.info", b"SF:caf\xe9.py\nDA:1,1\nend_of_record\n"), "UTF-8"),
        (write("notes.txt", b"just some notes\n"), "junit"),
        (write("truncated.json", b"{\"Time\":\"2026-01-01T00:00:00Z\",\"Action\":\"run\",\"Package\":\"p\",\"Test\":\"T"), "malformed"),
        (dir.path().join("missing.xml"), "no such file"),
    ];
    for (path, expected) in &cases {
        let out = ingest(dir.path(), &db, &[path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{}", path.display());
        let stderr = text(&out.stderr);
        assert!(stderr.contains(expected), "{}: {stderr}", path.display());
    }
    let empty_dir = dir.path().join("nothing-here");
    std::fs::create_dir(&empty_dir).unwrap();
    std::fs::write(empty_dir.join("readme.md"), "no reports").unwrap();
    let out = ingest(dir.path(), &db, &[empty_dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no test or coverage reports in this directory"));
    // Nothing of all that reached the history.
    if db.exists() {
        assert_eq!(history(&db, None).as_array().unwrap().len(), 0);
    }
}

#[test]
fn a_locked_history_waits_for_the_timeout_then_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let good = fixture("python").join("reports/run-1/pytest-junit.xml");
    assert!(
        ingest(&fixture("python"), &db, &[good.to_str().unwrap()])
            .status
            .success()
    );
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = Instant::now();
    let out = ingest(
        &fixture("python"),
        &db,
        &[good.to_str().unwrap(), "--busy-timeout", "0.5"],
    );
    assert!(started.elapsed() >= Duration::from_millis(450));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("locked by another process"),
        "{}",
        text(&out.stderr)
    );
    holder.execute_batch("ROLLBACK").unwrap();
    assert_eq!(history(&db, None).as_array().unwrap().len(), 1);
}

#[test]
fn two_ingests_at_once_both_land() {
    // Several rounds, each on a new history: creating the file and switching it to WAL is
    // where SQLite answers one of two processes BUSY without waiting.
    for round in 0..10 {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("h.db");
        let root = fixture("go");
        let spawn = |run: u32| {
            bin()
                .arg("ingest")
                .arg("--root")
                .arg(&root)
                .arg("--db")
                .arg(&db)
                .arg(root.join(format!("reports/run-{run}")))
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let ingests = [spawn(1), spawn(2), spawn(3)];
        for ingest in ingests {
            let out = ingest.wait_with_output().unwrap();
            assert!(out.status.success(), "round {round}: {}", text(&out.stderr));
        }
        let runs = history(&db, None);
        assert_eq!(runs.as_array().unwrap().len(), 3);
        let store = store::Store::open(&db, &store::OpenOptions::default()).unwrap();
        assert_eq!(store.integrity_check().unwrap(), "ok");
    }
}

#[test]
fn kill_9_in_the_middle_of_an_ingest_loses_no_earlier_run() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let good = fixture("python").join("reports/run-2/pytest-junit-xunit1.xml");
    assert!(
        ingest(
            &fixture("python"),
            &db,
            &[good.to_str().unwrap(), "--run-id", "before"]
        )
        .status
        .success()
    );
    // A large report, so that the kill lands while it is being written.
    let big = dir.path().join("big.xml");
    let mut xml = String::from("<testsuites><testsuite name=\"big\">\n");
    for i in 0..400_000 {
        xml.push_str(&format!(
            "<testcase classname=\"big.suite\" name=\"case_{i}\" time=\"0.001\"><failure message=\"boom {i}\">trace</failure></testcase>\n"
        ));
    }
    xml.push_str("</testsuite></testsuites>\n");
    std::fs::write(&big, xml).unwrap();
    let mut child = bin()
        .arg("ingest")
        .arg("--root")
        .arg(dir.path())
        .arg("--db")
        .arg(&db)
        .arg(&big)
        .arg("--run-id")
        .arg("killed")
        .spawn()
        .unwrap();
    // Wait until the ingest is writing (its WAL grows), then kill it outright.
    let wal = dir.path().join("h.db-wal");
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut baseline = None;
    loop {
        let size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        let base = *baseline.get_or_insert(size);
        if size > base + 256 * 1024 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the ingest never started writing"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the ingest finished before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let store = store::Store::open(&db, &store::OpenOptions::default()).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let runs = store.runs().unwrap();
    let keys: Vec<&str> = runs.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(
        keys,
        ["before"],
        "the killed ingest left no run, the earlier one is whole"
    );
    assert_eq!(runs[0].results, 23);
}

#[test]
fn prune_keeps_the_newest_runs() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    ingest_runs("typescript", &db);
    let out = bin()
        .args(["history", "--prune", "--keep", "2", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("removed 2 runs"));
    let keys: Vec<String> = run_counts(&db).into_iter().map(|r| r.0).collect();
    assert_eq!(keys, ["typescript-3", "typescript-4"]);
}

#[test]
fn history_without_a_store_says_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .arg("history")
        .arg("--db")
        .arg(dir.path().join("none.db"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("testlens ingest"));
}
