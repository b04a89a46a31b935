//! `failure_locations` on failure texts as the runners print them: excerpts copied from the
//! fixture reports (absolute paths as regen.sh wrote them), and the Python traceback form,
//! which pytest does not use by default.

use reports::failure_locations;

#[track_caller]
fn check(text: &str, expected: &[(&str, u32)]) {
    let got = failure_locations(text);
    let expected: Vec<(String, u32)> = expected
        .iter()
        .map(|(f, l)| ((*f).to_owned(), *l))
        .collect();
    assert_eq!(got, expected, "in {text:?}");
}

#[test]
fn pytest_short_form() {
    // fixtures/python/reports/run-2/pytest-junit-xunit1.xml, the <failure> text.
    check(
        r#"def test_flaky_when_env_set():
>       assert os.environ.get("FLAKY_FAIL") != "1", "FLAKY_FAIL=1 makes this test fail"
E       AssertionError: FLAKY_FAIL=1 makes this test fail
E       assert '1' != '1'
E        +  where '1' = get('FLAKY_FAIL')

tests/test_pricing.py:56: AssertionError"#,
        &[("tests/test_pricing.py", 56)],
    );
    // The <skipped> text.
    check(
        "/work/main/fixtures/python/tests/test_pricing.py:45: unconditional skip",
        &[("/work/main/fixtures/python/tests/test_pricing.py", 45)],
    );
}

#[test]
fn python_traceback() {
    check(
        r#"Traceback (most recent call last):
  File "/work/main/fixtures/python/tests/test_pricing.py", line 56, in test_flaky_when_env_set
    assert os.environ.get("FLAKY_FAIL") != "1", "FLAKY_FAIL=1 makes this test fail"
  File "<string>", line 1, in <module>
  File "shop/pricing.py", line 30, in shipping_cents
AssertionError: FLAKY_FAIL=1 makes this test fail"#,
        &[
            ("/work/main/fixtures/python/tests/test_pricing.py", 56),
            ("shop/pricing.py", 30),
        ],
    );
}

#[test]
fn rust_panics() {
    // fixtures/rust/reports/run-2/nextest-junit.xml, the <failure> text.
    check(
        "thread 'tests::flaky_when_env_set' (16906) panicked at src/lib.rs:163:9:
assertion `left != right` failed: FLAKY_FAIL=1 makes this test fail
  left: Some(\"1\")
 right: Some(\"1\")
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
        &[("src/lib.rs", 163)],
    );
    // Before Rust 1.73 the message came first; with RUST_BACKTRACE=1, frames say `at`.
    check(
        "thread 'main' panicked at 'boom', tests/retry.rs:9:5\n   4: shop::f\n             at ./src/lib.rs:12:5",
        &[("tests/retry.rs", 9), ("./src/lib.rs", 12)],
    );
}

#[test]
fn go_test_output() {
    // fixtures/go/reports/run-2/go-test.jsonl, TestFlakyWhenEnvSet's output.
    check(
        "    pricing_test.go:78: FLAKY_FAIL=1 makes this test fail\n",
        &[("pricing_test.go", 78)],
    );
    // fixtures/go/reports/panic/go-test.jsonl: the goroutine trace, one location per frame.
    check(
        "panic: deliberate panic for the testlens fixture reports [recovered]
	panic: deliberate panic for the testlens fixture reports

goroutine 33 [running]:
testing.tRunner.func1.2({0x5ac8e0, 0x62d3f0})
	/usr/lib/go-1.23/src/testing/testing.go:1632 +0x230
panic({0x5ac8e0?, 0x62d3f0?})
	/usr/lib/go-1.23/src/runtime/panic.go:785 +0x132
example.com/shop.TestCallsWithoutAsserting(0xc00010e000?)
	/tmp/testlens-fixture-reports/go/panic/shop/pricing_test.go:65 +0x25",
        &[
            ("/usr/lib/go-1.23/src/testing/testing.go", 1632),
            ("/usr/lib/go-1.23/src/runtime/panic.go", 785),
            (
                "/tmp/testlens-fixture-reports/go/panic/shop/pricing_test.go",
                65,
            ),
        ],
    );
    // fixtures/go/reports/build-failure/go-test.stderr.txt: the compiler's `file:line:col:`.
    check(
        "# example.com/shop [example.com/shop.test]
./pricing.go:81:28: cannot use \"not an int\" (untyped string constant) as int value in return statement",
        &[("./pricing.go", 81)],
    );
}

#[test]
fn jest_stack() {
    // fixtures/javascript/reports/run-2/jest-junit.xml, the <failure> text (shortened).
    check(
        r#"Error: expect(received).not.toBe(expected) // Object.is equality

Expected: not "1"
    at Object.toBe (/work/main/fixtures/javascript/__tests__/pricing.test.js:61:40)
    at Promise.finally.completed (/work/main/fixtures/javascript/node_modules/jest-circus/build/jestAdapterInit.js:1834:28)
    at new Promise (<anonymous>)
    at callAsyncCircusFn (/work/main/fixtures/javascript/node_modules/jest-circus/build/jestAdapterInit.js:1774:10)"#,
        &[
            (
                "/work/main/fixtures/javascript/__tests__/pricing.test.js",
                61,
            ),
            (
                "/work/main/fixtures/javascript/node_modules/jest-circus/build/jestAdapterInit.js",
                1834,
            ),
            (
                "/work/main/fixtures/javascript/node_modules/jest-circus/build/jestAdapterInit.js",
                1774,
            ),
        ],
    );
    // Anonymous frames, file URLs and Node's internals.
    check(
        "    at /abs/x.js:3:7\n    at file:///abs/y.mjs:4:1\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
        &[("/abs/x.js", 3), ("/abs/y.mjs", 4)],
    );
}

#[test]
fn vitest_frames() {
    // fixtures/typescript/reports/run-2/vitest-junit.xml, the <failure> text.
    check(
        "\nAssertionError: FLAKY_FAIL=1 makes this test fail: expected '1' not to be '1' // Object.is equality\n ❯ src/pricing.test.ts:54:77\n            ",
        &[("src/pricing.test.ts", 54)],
    );
    // Vitest's console, which also names files without a line.
    check(
        " ❯ src/pricing.test.ts (13 tests | 1 failed | 2 skipped) 33ms\n ❯ src/pricing.test.ts:54:77",
        &[("src/pricing.test.ts", 54)],
    );
}

#[test]
fn java_frames() {
    check(
        "org.opentest4j.AssertionFailedError: expected: <1> but was: <2>\n\tat com.example.shop.PricingTest.flaky(PricingTest.java:56)\n\tat java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(Unknown Source)",
        &[("PricingTest.java", 56)],
    );
}

#[test]
fn text_that_is_no_location() {
    check(
        "Error: something failed\nExpected: 12:30:45: later\nsee https://example.com:8080: down\nline 0: x.py:0: nothing",
        &[],
    );
    // Each location once, in order of first appearance.
    check(
        "a.py:1: x\nb.py:2: y\na.py:1: z",
        &[("a.py", 1), ("b.py", 2)],
    );
}
