//! Every real report under `fixtures/*/reports/`, parsed and checked against the figures of the
//! fixture READMEs ("Reports" sections), which come from the runners' and coverage tools' own
//! summaries. Each file's format is found by `detect` on its first 64 KiB.
//!
//! Regenerating the reports changes times, thread ids and absolute paths, so nothing here
//! depends on those.

mod common;

use common::{Collect, covered, missed, parse_fixture};
use reports::{Format, Status, failure_locations};

/// Parses a test report and checks its tool and its counts: (passed, failed, errored, skipped).
#[track_caller]
fn check_tests(path: &str, format: Format, tool: &str, counts: [usize; 4]) -> Collect {
    let (summary, sink) = parse_fixture(path);
    assert_eq!(summary.format, format, "{path}");
    assert_eq!(summary.tool.as_deref(), Some(tool), "{path}");
    assert_eq!(summary.tests as usize, sink.tests.len(), "{path}");
    assert_eq!(summary.coverage_files, 0, "{path}");
    let got = [
        sink.count(Status::Passed),
        sink.count(Status::Failed),
        sink.count(Status::Errored),
        sink.count(Status::Skipped),
    ];
    assert_eq!(got, counts, "{path}: passed, failed, errored, skipped");
    sink
}

#[track_caller]
fn check_coverage(path: &str, format: Format, tool: Option<&str>) -> Collect {
    let (summary, sink) = parse_fixture(path);
    assert_eq!(summary.format, format, "{path}");
    assert_eq!(summary.tool.as_deref(), tool, "{path}");
    assert_eq!(summary.tests, 0, "{path}");
    assert_eq!(summary.coverage_files as usize, sink.files.len(), "{path}");
    for file in &sink.files {
        assert!(
            file.lines.windows(2).all(|w| w[0].0 < w[1].0),
            "{path}: {} is not sorted by line, each line once",
            file.path
        );
    }
    sink
}

const RUNS: [&str; 4] = ["run-1", "run-2", "run-3", "run-4"];

fn flaky_run(run: &str) -> bool {
    run == "run-2" || run == "run-4"
}

// ---------------------------------------------------------------------------------------------
// Python: pytest JUnit (xunit2; xunit1 in run-2), coverage.py Cobertura, JSON and lcov.

#[test]
fn python_pytest_junit() {
    for run in RUNS {
        let (file, xunit1) = match run {
            "run-2" => ("pytest-junit-xunit1.xml", true),
            _ => ("pytest-junit.xml", false),
        };
        let path = format!("python/reports/{run}/{file}");
        // README: "21 passed, 2 skipped" / "1 failed, 20 passed, 2 skipped"; errors="0".
        let counts = if flaky_run(run) {
            [20, 1, 0, 2]
        } else {
            [21, 0, 0, 2]
        };
        let sink = check_tests(&path, Format::JUnit, "pytest", counts);

        let skipped = sink.test("test_skipped_without_reason");
        assert_eq!(skipped.message.as_deref(), Some("unconditional skip"));
        let with_reason = sink.test("test_skipped_with_reason");
        assert_eq!(
            with_reason.message.as_deref(),
            Some("needs a real payment gateway")
        );
        // "their text is `<absolute path>/tests/test_pricing.py:45: unconditional skip`".
        let (file, line) = &failure_locations(skipped.details.as_deref().unwrap())[0];
        assert!(file.ends_with("/tests/test_pricing.py"), "{file}");
        assert_eq!(*line, 45);

        let unittest = sink.test("test_total");
        assert_eq!(
            unittest.classname.as_deref(),
            Some("tests.test_cart.CartTestCase")
        );
        assert_eq!(unittest.suites, ["pytest"]);
        assert!(
            sink.tests
                .iter()
                .any(|t| t.name == "test_discount_percent[SAVE10-10]")
        );

        let flaky = sink.test("test_flaky_when_env_set");
        if xunit1 {
            // "xunit1's `line` is 0-based: `test_flaky_when_env_set` (def at line 55) has
            // `line="54"`": the parser gives 1-based lines.
            assert_eq!(flaky.file.as_deref(), Some("tests/test_pricing.py"));
            assert_eq!(flaky.line, Some(55));
        } else {
            assert_eq!((flaky.file.as_deref(), flaky.line), (None, None));
        }
        if flaky_run(run) {
            assert_eq!(flaky.status, Status::Failed);
            let message = flaky.message.as_deref().unwrap();
            assert!(
                message.starts_with("AssertionError: FLAKY_FAIL=1 makes this test fail"),
                "{message}"
            );
            // "its text ends with `tests/test_pricing.py:56: AssertionError`".
            let details = flaky.details.as_deref().unwrap();
            assert!(details.ends_with("tests/test_pricing.py:56: AssertionError"));
            assert_eq!(
                failure_locations(details).last(),
                Some(&("tests/test_pricing.py".to_owned(), 56))
            );
        } else {
            assert_eq!(flaky.status, Status::Passed);
            assert_eq!((&flaky.message, &flaky.details), (&None, &None));
        }
    }
}

/// The coverage table of python/README.md, the same in all four runs and all three reports:
/// shop/cart.py 35 statements, 0 missed; shop/pricing.py 39, 1 missed (line 30);
/// shop/__init__.py 0 statements; total 73 of 74.
#[track_caller]
fn check_python_coverage(sink: &Collect, path: &str) {
    let cart = sink.file("shop/cart.py");
    assert_eq!(covered(cart), (35, 35), "{path}");
    let pricing = sink.file("shop/pricing.py");
    assert_eq!(covered(pricing), (38, 39), "{path}");
    assert_eq!(missed(pricing), [30], "{path}");
    assert_eq!(covered(sink.file("shop/__init__.py")), (0, 0), "{path}");
    let total = sink
        .files
        .iter()
        .filter(|f| f.test.is_none())
        .map(covered)
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    assert_eq!(total, (73, 74), "{path}");
}

#[test]
fn python_cobertura() {
    for run in RUNS {
        let path = format!("python/reports/{run}/cobertura.xml");
        let sink = check_coverage(&path, Format::Cobertura, Some("coverage.py"));
        check_python_coverage(&sink, &path);
        // `<source>shop</source>` and `filename="pricing.py"` become `shop/pricing.py`.
        let paths: Vec<_> = sink.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            ["shop/__init__.py", "shop/cart.py", "shop/pricing.py"]
        );
    }
}

#[test]
fn python_lcov() {
    for run in RUNS {
        let path = format!("python/reports/{run}/lcov.info");
        let sink = check_coverage(&path, Format::Lcov, None);
        check_python_coverage(&sink, &path);
    }
}

#[test]
fn python_coverage_json_with_contexts() {
    for run in RUNS {
        let path = format!("python/reports/{run}/coverage.json");
        let sink = check_coverage(&path, Format::CoveragePyJson, Some("coverage.py"));
        check_python_coverage(&sink, &path);

        let per_test = |file: &str, line: u32| -> Vec<&str> {
            sink.files
                .iter()
                .filter(|f| f.path == file && f.lines.iter().any(|&(l, _)| l == line))
                .filter_map(|f| f.test.as_deref())
                .collect()
        };
        // README: "shop/pricing.py line 24 → the three
        // `tests/test_pricing.py::TestShipping::…|run` tests".
        let mut shipping = per_test("shop/pricing.py", 24);
        shipping.sort();
        assert_eq!(
            shipping,
            [
                "tests/test_pricing.py::TestShipping::test_express_member",
                "tests/test_pricing.py::TestShipping::test_gold_heavy_cart_ships_free",
                "tests/test_pricing.py::TestShipping::test_guest_pays_surcharge",
            ],
            "{path}"
        );
        // "shop/cart.py line 22 (`Cart.add`) → among others
        // `tests/test_cart.py::test_label|setup`": the setup phase counts for the test.
        assert!(per_test("shop/cart.py", 22).contains(&"tests/test_cart.py::test_label"));
        // `test_line_total` calls `line_total`, whose first line (pricing.py:5) it covers.
        assert!(per_test("shop/pricing.py", 5).contains(&"tests/test_pricing.py::test_line_total"));

        // Properties: a test covers only executed lines, with hits 1, and never the import-time
        // context "" nor a `|run` suffix.
        for file in sink.files.iter().filter(|f| f.test.is_some()) {
            let test = file.test.as_deref().unwrap();
            assert!(!test.is_empty() && !test.contains('|'), "{test}");
            let aggregate = sink.file(&file.path);
            for &(line, hits) in &file.lines {
                assert_eq!(hits, 1);
                assert!(
                    aggregate.lines.contains(&(line, 1)),
                    "{test} covers {}:{line}, which is not an executed line",
                    file.path
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Rust: cargo-nextest JUnit (retries in run-3 and run-4) and llvm-cov lcov.

#[test]
fn rust_nextest_junit() {
    for run in RUNS {
        let path = format!("rust/reports/{run}/nextest-junit.xml");
        // README: nextest leaves ignored tests out of JUnit ("tests="15" skipped="0""); its
        // summary: "15 passed" / "14 passed, 1 failed" (flaky tests count as passed).
        let counts = if flaky_run(run) {
            [14, 1, 0, 0]
        } else {
            [15, 0, 0, 0]
        };
        let sink = check_tests(&path, Format::JUnit, "cargo-nextest", counts);

        // "One <testsuite> per test binary: shop (9 unit tests), shop::integration (5),
        // shop::retry (1)".
        for (suite, n) in [("shop", 9), ("shop::integration", 5), ("shop::retry", 1)] {
            let in_suite = sink.tests.iter().filter(|t| t.suites == [suite]).count();
            assert_eq!(in_suite, n, "{path}: suite {suite}");
        }
        let express = sink.test("tests::shipping::express_member");
        assert_eq!(express.classname.as_deref(), Some("shop"));

        let flaky = sink.test("tests::flaky_when_env_set");
        let retried = sink.test("passes_on_retry");
        if flaky_run(run) {
            assert_eq!(flaky.status, Status::Failed);
            // `message="thread 'tests::flaky_when_env_set' (<tid>) panicked at
            // src/lib.rs:163:9"`.
            let message = flaky.message.as_deref().unwrap();
            assert!(
                message.starts_with("thread 'tests::flaky_when_env_set' (")
                    && message.ends_with(") panicked at src/lib.rs:163:9"),
                "{message}"
            );
            let details = flaky.details.as_deref().unwrap();
            assert_eq!(failure_locations(details), [("src/lib.rs".to_owned(), 163)]);
            assert!(details.contains("FLAKY_FAIL=1 makes this test fail"));
            let output = flaky.output.as_deref().unwrap();
            assert!(
                output.contains("test tests::flaky_when_env_set ... FAILED"),
                "{output}"
            );
        } else {
            assert_eq!(flaky.status, Status::Passed);
        }
        // run-4: "tests::flaky_when_env_set has <failure> and two <rerunFailure>"; run-3 and
        // run-4: "passes_on_retry has one <flakyFailure> (its first attempt) and no <failure>".
        let reruns = if run == "run-4" { 2 } else { 0 };
        assert_eq!(flaky.failed_attempts.len(), reruns, "{path}");
        for attempt in &flaky.failed_attempts {
            assert_eq!(attempt.status, Status::Failed);
            assert!(
                attempt
                    .message
                    .as_deref()
                    .unwrap()
                    .ends_with("panicked at src/lib.rs:163:9")
            );
            let details = attempt.details.as_deref().unwrap();
            assert_eq!(failure_locations(details), [("src/lib.rs".to_owned(), 163)]);
            // The attempt's own <system-out>/<system-err> are not its failure text.
            assert!(!details.contains("running 1 test"), "{details}");
        }
        assert_eq!(retried.status, Status::Passed);
        let flaky_attempts = if run == "run-3" || run == "run-4" {
            1
        } else {
            0
        };
        assert_eq!(retried.failed_attempts.len(), flaky_attempts, "{path}");
        for attempt in &retried.failed_attempts {
            assert_eq!(attempt.status, Status::Failed);
            let details = attempt.details.as_deref().unwrap();
            // "FLAKY 2/3 ... try 1 panicked at tests/retry.rs:9:5".
            assert_eq!(
                failure_locations(details),
                [("tests/retry.rs".to_owned(), 9)]
            );
        }
    }
}

#[test]
fn rust_llvm_cov_lcov() {
    for run in RUNS {
        let path = format!("rust/reports/{run}/lcov.info");
        let sink = check_coverage(&path, Format::Lcov, None);
        // README: tests/integration.rs 21 lines, 0 missed; tests/retry.rs 6, 0 missed.
        assert_eq!(covered(sink.file("tests/integration.rs")), (21, 21));
        assert_eq!(covered(sink.file("tests/retry.rs")), (6, 6));
        // "Lines with DA:<line>,0 in src/lib.rs: 67, 150, 151, 152, 156, 157, 158 in every run,
        // and 164 too in run-2 and run-4": 7 or 8 missed, as llvm-cov report says.
        let lib = sink.file("src/lib.rs");
        let mut expected_missed = vec![67, 150, 151, 152, 156, 157, 158];
        if flaky_run(run) {
            expected_missed.push(164);
        }
        assert_eq!(missed(lib), expected_missed, "{path}");
        // llvm-cov's summary (and the LF/LH records) say 105 lines, 98 or 97 covered; the DA
        // records list 102 distinct lines. llvm-cov counts a line once per function with code on
        // it, and three closures (FN lines 36, 86, 87) share their line with the enclosing
        // function: 102 + 3 = 105. A line is one line here, as the brief defines it.
        let covered_lines = if flaky_run(run) { 94 } else { 95 };
        assert_eq!(covered(lib), (covered_lines, 102), "{path}");
        for closure_line in [36, 86, 87] {
            assert!(
                lib.lines
                    .iter()
                    .any(|&(l, hits)| l == closure_line && hits > 0)
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Go: the go test -json stream (also a build failure and a panic) and cover profiles.

#[test]
fn go_test_json_runs() {
    for run in RUNS {
        let path = format!("go/reports/{run}/go-test.jsonl");
        // README: top-level "10 pass, 2 skip" / "9 pass, 1 fail, 2 skip"; subtests "12 pass".
        let counts = if flaky_run(run) {
            [9 + 12, 1, 0, 2]
        } else {
            [10 + 12, 0, 0, 2]
        };
        let sink = check_tests(&path, Format::GoTestJson, "go test", counts);
        let subtests = sink.tests.iter().filter(|t| t.name.contains('/')).count();
        assert_eq!(subtests, 12, "{path}");
        assert!(sink.tests.iter().all(|t| t.suites == ["example.com/shop"]));
        for name in [
            "ExampleReceiptHeader",
            "FuzzParseItem/seed#2",
            "TestShippingCents/gold_heavy_cart_ships_free",
        ] {
            assert_eq!(sink.test(name).status, Status::Passed, "{path}: {name}");
        }
        // "TestSkippedWithoutReason (no output) and TestSkippedWithReason (output line
        // `    pricing_test.go:73: needs a real payment gateway`)".
        assert_eq!(sink.test("TestSkippedWithoutReason").message, None);
        assert_eq!(
            sink.test("TestSkippedWithReason").message.as_deref(),
            Some("pricing_test.go:73: needs a real payment gateway")
        );
        let flaky = sink.test("TestFlakyWhenEnvSet");
        if flaky_run(run) {
            assert_eq!(flaky.status, Status::Failed);
            // "TestFlakyWhenEnvSet: `pricing_test.go:78: FLAKY_FAIL=1 makes this test fail`".
            assert_eq!(
                flaky.message.as_deref(),
                Some("pricing_test.go:78: FLAKY_FAIL=1 makes this test fail")
            );
            let details = flaky.details.as_deref().unwrap();
            assert_eq!(
                failure_locations(details),
                [("pricing_test.go".to_owned(), 78)]
            );
            // The runner's framing (=== RUN, --- FAIL) is not the test's output.
            assert!(!details.contains("=== RUN") && !details.contains("--- FAIL"));
        } else {
            assert_eq!(flaky.status, Status::Passed);
        }
        // A failing run is still no package-level failure: the failure is the test's.
        assert!(sink.tests.iter().all(|t| t.name != reports::PACKAGE_CASE));
    }
}

#[test]
fn go_test_json_build_failure() {
    // README: "The stream has three events and no test at all: start, one output
    // (`FAIL	example.com/shop [build failed]`) and the package's fail." Go 1.23 puts the
    // compiler's message on stderr, so the stream's own line is the message.
    let sink = check_tests(
        "go/reports/build-failure/go-test.jsonl",
        Format::GoTestJson,
        "go test",
        [0, 0, 1, 0],
    );
    let package = &sink.tests[0];
    assert_eq!(package.name, reports::PACKAGE_CASE);
    assert_eq!(package.suites, ["example.com/shop"]);
    assert_eq!(
        package.message.as_deref(),
        Some("FAIL\texample.com/shop [build failed]")
    );
}

#[test]
fn go_test_json_panic() {
    // README: "6 top-level tests and 9 subtests pass, TestCallsWithoutAsserting fails", and the
    // tests after it "get no event at all".
    let sink = check_tests(
        "go/reports/panic/go-test.jsonl",
        Format::GoTestJson,
        "go test",
        [6 + 9, 1, 0, 0],
    );
    let panicked = sink.test("TestCallsWithoutAsserting");
    assert_eq!(panicked.status, Status::Failed);
    assert_eq!(
        panicked.message.as_deref(),
        Some("panic: deliberate panic for the testlens fixture reports [recovered]")
    );
    let details = panicked.details.as_deref().unwrap();
    assert!(details.contains("goroutine "), "{details}");
    // "whose frame for the test is
    // `/tmp/testlens-fixture-reports/go/panic/shop/pricing_test.go:65 +0x25`".
    let locations = failure_locations(details);
    assert!(
        locations
            .iter()
            .any(|(file, line)| file.ends_with("/shop/pricing_test.go") && *line == 65),
        "{locations:?}"
    );
    for never_ran in [
        "TestSkippedWithReason",
        "TestFlakyWhenEnvSet",
        "ExampleReceiptHeader",
    ] {
        assert!(sink.tests.iter().all(|t| t.name != never_ran));
    }
}

#[test]
fn go_coverprofiles() {
    for run in RUNS {
        let path = format!("go/reports/{run}/coverprofile.out");
        let sink = check_coverage(&path, Format::GoCoverprofile, Some("go test"));
        let paths: Vec<_> = sink.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            ["example.com/shop/cart.go", "example.com/shop/pricing.go"]
        );
        // README: "the one block with count 0 is example.com/shop/pricing.go:50.20,51.13"; no
        // other block touches lines 50 and 51, so they are the only uncovered lines.
        assert_eq!(missed(sink.file("cart.go")), Vec::<u32>::new(), "{path}");
        assert_eq!(missed(sink.file("pricing.go")), [50, 51], "{path}");
        // "In count and atomic mode the counts are execution counts (e.g.
        // example.com/shop/cart.go:18.29,18.71 1 3), in set mode 0 or 1."
        let line_18 = sink
            .file("cart.go")
            .lines
            .iter()
            .find(|l| l.0 == 18)
            .unwrap()
            .1;
        match run {
            "run-1" | "run-2" => {
                assert_eq!(line_18, 1);
                assert!(sink.files.iter().all(|f| f.lines.iter().all(|l| l.1 <= 1)));
            }
            _ => assert_eq!(line_18, 3, "{path}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// TypeScript: Vitest JUnit and v8 lcov.

#[test]
fn typescript_vitest_junit() {
    for run in RUNS {
        let path = format!("typescript/reports/{run}/vitest-junit.xml");
        // README: "19 passed, 3 skipped (22)" / "1 failed, 18 passed, 3 skipped (22)".
        let counts = if flaky_run(run) {
            [18, 1, 0, 3]
        } else {
            [19, 0, 0, 3]
        };
        let sink = check_tests(&path, Format::JUnit, "vitest", counts);
        let express = sink.test("pricing > shipping > charges express members");
        assert_eq!(express.classname.as_deref(), Some("src/pricing.test.ts"));
        assert_eq!(express.suites, ["src/pricing.test.ts"]);
        assert_eq!(express.file, None);
        let flaky = sink.test("pricing > fails only when FLAKY_FAIL=1");
        if flaky_run(run) {
            assert_eq!(flaky.status, Status::Failed);
            assert_eq!(
                flaky.message.as_deref(),
                Some(
                    "FLAKY_FAIL=1 makes this test fail: expected '1' not to be '1' // Object.is equality"
                )
            );
            // "whose text ends with ` ❯ src/pricing.test.ts:54:77`".
            let details = flaky.details.as_deref().unwrap();
            assert_eq!(
                failure_locations(details),
                [("src/pricing.test.ts".to_owned(), 54)]
            );
        } else {
            assert_eq!(flaky.status, Status::Passed);
        }
    }
}

#[test]
fn typescript_lcov() {
    for run in RUNS {
        let path = format!("typescript/reports/{run}/lcov.info");
        let sink = check_coverage(&path, Format::Lcov, None);
        // README: src/cart.ts LF 25 / LH 25, src/pricing.ts 51 / 51.
        assert_eq!(covered(sink.file("src/cart.ts")), (25, 25), "{path}");
        assert_eq!(covered(sink.file("src/pricing.ts")), (51, 51), "{path}");
        assert_eq!(sink.files.len(), 2);
    }
}

// ---------------------------------------------------------------------------------------------
// JavaScript: jest-junit and istanbul Cobertura.

#[test]
fn javascript_jest_junit() {
    for run in RUNS {
        let path = format!("javascript/reports/{run}/jest-junit.xml");
        // README: "4 skipped, 20 passed, 24 total" / "1 failed, 4 skipped, 19 passed".
        let counts = if flaky_run(run) {
            [19, 1, 0, 4]
        } else {
            [20, 0, 0, 4]
        };
        let sink = check_tests(&path, Format::JUnit, "jest", counts);
        // "one <testsuite> per file, named after its first describe (pricing 13 tests, cart 6,
        // focused 5)".
        for (suite, n) in [("pricing", 13), ("cart", 6), ("focused", 5)] {
            let in_suite = sink.tests.iter().filter(|t| t.suites == [suite]).count();
            assert_eq!(in_suite, n, "{path}: suite {suite}");
        }
        let focused = sink.test("focused suite runs because its suite is focused");
        assert_eq!(focused.file.as_deref(), Some("__tests__/focused.test.js"));
        let flaky = sink.test("pricing fails only when FLAKY_FAIL=1");
        if flaky_run(run) {
            assert_eq!(flaky.status, Status::Failed);
            // "a <failure> element without attributes whose text is Jest's message and stack:
            // `Error: expect(received).not.toBe(expected) // Object.is equality`".
            assert_eq!(
                flaky.message.as_deref(),
                Some("Error: expect(received).not.toBe(expected) // Object.is equality")
            );
            // "`at Object.toBe (<absolute path>/__tests__/pricing.test.js:61:40)` and
            // jest-circus frames under node_modules".
            let locations = failure_locations(flaky.details.as_deref().unwrap());
            let (file, line) = &locations[0];
            assert!(file.ends_with("/__tests__/pricing.test.js"), "{file}");
            assert_eq!(*line, 61);
            assert!(
                locations[1..]
                    .iter()
                    .all(|(f, _)| f.contains("/node_modules/"))
            );
        } else {
            assert_eq!(flaky.status, Status::Passed);
        }
    }
}

#[test]
fn javascript_cobertura() {
    for run in RUNS {
        let path = format!("javascript/reports/{run}/cobertura.xml");
        let sink = check_coverage(&path, Format::Cobertura, None);
        // README: src/cart.js 16 of 16 lines, src/pricing.js 29 of 29; `<source>` is the
        // absolute project path, so paths are absolute. The `<line>`s repeated under
        // `<methods>` are not counted twice (cart.js line 10 is a method line only).
        let cart = sink.file("/src/cart.js");
        assert!(cart.path.starts_with('/'), "{}", cart.path);
        assert_eq!(covered(cart), (16, 16), "{path}");
        assert!(!cart.lines.iter().any(|l| l.0 == 10));
        assert_eq!(covered(sink.file("/src/pricing.js")), (29, 29), "{path}");
        // Hit counts are kept: `<line number="8" hits="3" .../>`.
        assert!(cart.lines.contains(&(8, 3)));
    }
}
