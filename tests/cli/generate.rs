//! `testlens generate FILE:LINE`: usage errors, refusals, tests from doc examples without
//! running anything, and recording through a real interpreter (the standard library's
//! unittest needs no install; pytest on the fixture is gated by `TESTLENS_RUNNER_TESTS=1`).

use std::path::Path;
use std::process::Command;

fn generate(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_testlens"));
    command.current_dir(dir).arg("generate").args(args);
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().expect("run testlens generate");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(root: &Path, path: &str, text: &str) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, text).unwrap();
}

#[test]
fn bad_usage_exits_2_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", "def f(n: int) -> int:\n    return n\n");
    for (args, message) in [
        (vec!["a.py"], "expected FILE:LINE"),
        (vec!["a.py:x"], "expected a line number"),
        (vec!["missing.py:1"], "cannot read missing.py"),
        (
            vec!["a.py:1", "--framework", "nose"],
            "unknown framework \"nose\"",
        ),
    ] {
        let (code, _, stderr) = generate(dir.path(), &args, &[]);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

#[test]
fn a_project_without_a_framework_is_told_to_choose_one() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "calc.py",
        "def double(n: int) -> int:\n    return 2 * n\n",
    );
    let (code, _, stderr) = generate(dir.path(), &["calc.py:1", "--record"], &[]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("no test framework detected")
            && stderr.contains("--framework (pytest, unittest)"),
        "{stderr}"
    );
    assert!(!dir.path().join("test_calc.py").exists());
}

#[test]
fn doctest_results_are_written_without_running_anything_and_without_them_record_is_needed() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.pytest.ini_options]\ntestpaths = [\"tests\"]\n",
    );
    write(
        dir.path(),
        "calc/ops.py",
        "def double(n: int) -> int:\n    \"\"\"\n    >>> double(21)\n    42\n    \"\"\"\n    return 2 * n\n\n\ndef triple(n: int) -> int:\n    return 3 * n\n",
    );
    write(dir.path(), "tests/conftest.py", "");
    let (code, stdout, stderr) = generate(dir.path(), &["calc/ops.py:1"], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("wrote test_double (1 cases, pytest) to tests/test_ops.py"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("tests/test_ops.py")).unwrap(),
        "from calc.ops import double\n\n\ndef test_double():\n    assert double(21) == 42\n"
    );
    let (code, _, stderr) = generate(dir.path(), &["calc/ops.py:10"], &[]);
    assert_eq!(code, 1);
    assert!(stderr.contains("run with --record"), "{stderr}");
    // The second test goes into the same file, importing from the same line.
    let (code, stdout, _) = generate(dir.path(), &["calc/ops.py:1", "--dry-run"], &[]);
    assert_eq!(code, 0);
    assert!(stdout.contains("def test_double_2():"), "{stdout}");
}

#[test]
fn unittest_recording_observes_results_runs_the_test_and_writes_it() {
    let Some(python) = ["/usr/bin/python3", "/usr/local/bin/python3"]
        .into_iter()
        .find(|p| Path::new(p).exists())
    else {
        eprintln!("note: skipped, no python3");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "shop/codes.py",
        "def discount(code: str) -> int:\n    if code == \"\":\n        raise ValueError(\"empty code\")\n    return 10 if code.startswith(\"SAVE\") else 0\n\n\ndef use():\n    return discount(\"SAVE10\")\n",
    );
    write(dir.path(), "shop/__init__.py", "");
    let env = [("TESTLENS_PYTHON", python)];
    let (code, stdout, stderr) = generate(
        dir.path(),
        &[
            "shop/codes.py:1",
            "--record",
            "--framework",
            "unittest",
            "--root",
            ".",
        ],
        &env,
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("wrote TestDiscount"), "{stdout}");
    let test = std::fs::read_to_string(dir.path().join("shop/test_codes.py")).unwrap();
    assert!(
        test.starts_with("import unittest\n\nfrom shop.codes import discount\n"),
        "{test}"
    );
    assert!(
        test.contains("        self.assertEqual(discount(\"SAVE10\"), 10)\n"),
        "{test}"
    );
    assert!(
        test.contains("        self.assertEqual(discount(\"a\"), 0)\n"),
        "{test}"
    );
    // The raise of a made-up value that is not a type error is asserted too.
    assert!(
        test.contains("        with self.assertRaisesRegex(ValueError, r\"empty code\"):\n            discount(\"\")\n"),
        "{test}"
    );
    let out = Command::new(python)
        .args(["-m", "unittest", "-v", "shop/test_codes.py"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // No scratch file is left.
    let left: Vec<_> = walk(dir.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("testlens"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_failing_check_is_reported_and_nothing_is_written() {
    let Some(python) = ["/usr/bin/python3"]
        .into_iter()
        .find(|p| Path::new(p).exists())
    else {
        eprintln!("note: skipped, no python3");
        return;
    };
    // The doc example is wrong: the check run fails, so the test is not written.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "m.py",
        "def inc(n: int) -> int:\n    \"\"\"\n    >>> inc(1)\n    3\n    \"\"\"\n    return n + 1\n",
    );
    let (code, _, stderr) = generate(
        dir.path(),
        &["m.py:1", "--record", "--framework", "unittest"],
        &[("TESTLENS_PYTHON", python)],
    );
    assert_eq!(code, 1);
    assert!(
        stderr.contains("the generated test did not pass"),
        "{stderr}"
    );
    assert!(stderr.contains("AssertionError: 2 != 3"), "{stderr}");
    assert!(!dir.path().join("test_m.py").exists());
}

#[test]
fn pytest_recording_on_the_python_fixture_dry_run_writes_nothing() {
    if std::env::var("TESTLENS_RUNNER_TESTS").as_deref() != Ok("1") {
        eprintln!("note: skipped; set TESTLENS_RUNNER_TESTS=1 to run pytest");
        return;
    }
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new("cp")
        .arg("-r")
        .arg(fixtures.join("python"))
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let root = dir.path().join("python");
    let before = walk(&root);
    let python = fixtures.join(".venv/bin/python");
    let (code, stdout, stderr) = generate(
        &root,
        &["shop/pricing.py:43", "--record", "--dry-run"],
        &[("TESTLENS_PYTHON", python.to_str().unwrap())],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with("# append to tests/test_pricing.py"),
        "{stdout}"
    );
    assert!(stdout.contains("    assert halvings(8) == 4\n"), "{stdout}");
    assert_eq!(walk(&root), before);
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            if e.file_name() != "__pycache__" {
                out.extend(walk(&e.path()));
            }
        } else {
            out.push(e.path());
        }
    }
    out.sort();
    out
}

/// Go projects whose tests live in an external test package (`package shop_test`): the test
/// calls the package through its import, and an unexported function's test goes to an internal
/// test file. `go test` then passes both. Needs Go (gated by `TESTLENS_RUNNER_TESTS=1`).
#[test]
fn go_external_test_package_gets_qualified_tests_that_go_test_passes() {
    if std::env::var("TESTLENS_RUNNER_TESTS").as_deref() != Ok("1") {
        eprintln!("note: skipped; set TESTLENS_RUNNER_TESTS=1 to run go test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "go.mod", "module example.com/fees\n\ngo 1.21\n");
    write(
        root,
        "fees.go",
        "package fees\n\n// Tier is a customer tier.\ntype Tier int\n\n// Fee is the fee for a tier.\nfunc Fee(tier Tier, heavy bool) int {\n\tif heavy {\n\t\treturn base(int(tier)) + 5\n\t}\n\treturn base(int(tier))\n}\n\nfunc base(n int) int {\n\treturn 10 - n\n}\n",
    );
    write(
        root,
        "fees_test.go",
        "package fees_test\n\nimport (\n\t\"testing\"\n\n\t\"example.com/fees\"\n)\n\nfunc TestGold(t *testing.T) {\n\tif fees.Fee(2, false) != 8 {\n\t\tt.Fatal(\"gold\")\n\t}\n}\n",
    );
    let (code, stdout, stderr) = generate(root, &["fees.go:7", "--record"], &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let external = std::fs::read_to_string(root.join("fees_test.go")).unwrap();
    assert!(
        external.contains("func TestFee(t *testing.T) {"),
        "{external}"
    );
    assert!(external.contains("\t\ttier  fees.Tier\n"), "{external}");
    assert!(
        external.contains("fees.Fee(tt.tier, tt.heavy)"),
        "{external}"
    );
    let (code, stdout, stderr) = generate(root, &["fees.go:14", "--record"], &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let internal = std::fs::read_to_string(root.join("fees_internal_test.go")).unwrap();
    assert!(internal.starts_with("package fees\n"), "{internal}");
    assert!(internal.contains("base(tt.n)"), "{internal}");
    let go = std::env::var("TESTLENS_GO").unwrap_or_else(|_| {
        if Path::new("/usr/lib/go-1.23/bin/go").exists() {
            "/usr/lib/go-1.23/bin/go".to_owned()
        } else {
            "go".to_owned()
        }
    });
    let out = Command::new(go)
        .current_dir(root)
        .args(["test", "-count=1", "-v", "."])
        .env("GOFLAGS", "-mod=mod")
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{log}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        log.contains("--- PASS: TestFee") && log.contains("--- PASS: TestBase"),
        "{log}"
    );
}
