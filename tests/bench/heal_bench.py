#!/usr/bin/env python3
"""Healing benchmark: induced breakages on temp copies of the fixtures, healed through the real
`testlens lsp` binary, checked with the fixture's real runner.

For each case: copy the fixture, induce the breakage, run the runner (the "before" outcome),
ask the server for the code actions on the case's diagnostic, apply the preferred fix (and run
its command, as a client does), run the runner again, and compare with the outcome the fix
should give (`passed` for a wait replacing a sleep, `skipped` for a quarantine).

Usage:
    python3 tests/bench/heal_bench.py [--kinds sleep,quarantine] [--languages python,go,...]
        [--binary target/debug/testlens]

Prints a table and writes JSON to target/bench-heal/heal-<time>.json (and latest.json).

Adding a kind of fix: write `def <kind>_cases() -> list[Case]` and add it to KINDS. A case
says how to break the copy (`setup`), which diagnostic to fix (`code`, and `line_of`: a piece
of text on the diagnostic's line), which test the runner runs and the outcome the fix should
give.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Callable, Optional

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
GO = "/usr/lib/go-1.23/bin/go"

# ---------------------------------------------------------------------------------------------
# Cases


@dataclasses.dataclass
class Case:
    kind: str
    language: str
    name: str
    fixture: str
    file: str
    # The diagnostic to fix: its code, and text found on its line.
    code: str
    line_of: str
    # The runner's name of the test, for `run_test`.
    test: str
    # The outcome after the fix: "passed" or "skipped".
    expected: str
    setup: Callable[[Path], None] = lambda root: None
    # Variables for the runner (FLAKY_FAIL=1 makes the fixtures' flaky tests fail).
    env: dict = dataclasses.field(default_factory=dict)
    # Ingest the fixture's run-1..run-4 reports first (history diagnostics need them).
    history: bool = False
    # After `setup`, with the binary: a git history and runs of its own (the expected-value
    # cases ingest a passing run, commit the intended change, ingest the run after it).
    prepare: Optional[Callable[[Path, Path], None]] = None
    # For a fix offered at a cursor rather than on a diagnostic (`code` None): text on the
    # line where the cursor goes (its second character).
    cursor: Optional[str] = None
    # The fix to take, by the start of its title (default: the preferred one), and text the
    # diagnostic's message must have before the fix is asked for (a verdict, say).
    title: Optional[str] = None
    message_has: Optional[str] = None
    # After a fix that passes: a change to the code under test (file, old, new) that the healed
    # test must catch (the no-assertion fix: the recorded assertions check something).
    mutation: Optional[tuple] = None


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(text)


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# Tests made flaky by sleeps: the code under test finishes after 50 ms, in the background; the
# test sleeps 10 ms and then asserts. A fixed sleep is too short on a slow machine (here,
# always); a wait for the assertion holds as soon as the work is done.

PY_SLEEP = '''

def test_bench_ready_later():
    import threading

    box = []
    threading.Timer(0.05, lambda: box.append(halvings(8))).start()
    time.sleep(0.01)
    assert box == [4]
'''

PY_SLEEP_NO_CONDITION = '''

def test_bench_no_condition():
    import threading

    box = []
    threading.Timer(0.05, lambda: box.append(halvings(8))).start()
    time.sleep(0.01)
    value = box[0]
    assert value == 4
'''

GO_SLEEP = '''
func TestBenchReadyLater(t *testing.T) {
	var ready atomic.Bool
	time.AfterFunc(50*time.Millisecond, func() { ready.Store(Halvings(8) == 4) })
	time.Sleep(10 * time.Millisecond)
	if !ready.Load() {
		t.Fatal("not ready")
	}
}
'''

JS_SLEEP = '''
it("bench ready later", async () => {
  let box = null;
  setTimeout(() => {
    box = halvings(8);
  }, 50);
  await new Promise((r) => setTimeout(r, 10));
  expect(box).toBe(4);
});
'''

TS_SLEEP = JS_SLEEP.replace("let box = null;", "let box: number | null = null;")

RUST_SLEEP = '''use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[test]
fn bench_ready_later() {
    let ready = Arc::new(AtomicBool::new(false));
    let flag = ready.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        flag.store(shop::halvings(8) == 4, Ordering::SeqCst);
    });
    std::thread::sleep(Duration::from_millis(10));
    assert!(ready.load(Ordering::SeqCst));
}
'''


def go_setup(root: Path) -> None:
    replace(root / "pricing_test.go", '\t"time"\n)', '\t"sync/atomic"\n\t"time"\n)')
    append(root / "pricing_test.go", GO_SLEEP)


def sleep_cases() -> list[Case]:
    return [
        Case("sleep", "python", "sleep then assert", "python", "tests/test_pricing.py",
             "fixed-sleep", "time.sleep(0.01)", "tests/test_pricing.py::test_bench_ready_later",
             "passed", setup=lambda r: append(r / "tests/test_pricing.py", PY_SLEEP)),
        Case("sleep", "python", "sleep, no condition after it", "python",
             "tests/test_pricing.py", "fixed-sleep", "time.sleep(0.01)",
             "tests/test_pricing.py::test_bench_no_condition", "passed",
             setup=lambda r: append(r / "tests/test_pricing.py", PY_SLEEP_NO_CONDITION)),
        Case("sleep", "go", "sleep then if/t.Fatal", "go", "pricing_test.go", "fixed-sleep",
             "time.Sleep(10 * time.Millisecond)", "TestBenchReadyLater", "passed",
             setup=go_setup),
        Case("sleep", "javascript", "sleep then expect (Jest)", "javascript",
             "__tests__/pricing.test.js", "fixed-sleep", "setTimeout(r, 10)",
             "bench ready later", "passed",
             setup=lambda r: append(r / "__tests__/pricing.test.js", JS_SLEEP)),
        Case("sleep", "typescript", "sleep then expect (Vitest)", "typescript",
             "src/pricing.test.ts", "fixed-sleep", "setTimeout(r, 10)", "bench ready later",
             "passed", setup=lambda r: append(r / "src/pricing.test.ts", TS_SLEEP)),
        Case("sleep", "rust", "sleep then assert!", "rust", "tests/bench_sleep.rs",
             "fixed-sleep", "Duration::from_millis(10)", "bench_ready_later", "passed",
             setup=lambda r: (r / "tests/bench_sleep.rs").write_text(RUST_SLEEP)),
    ]


# Flaky tests to quarantine: each fixture's FLAKY_FAIL test, with its real history (it failed
# in run-2 and run-4). After the fix it is skipped even with FLAKY_FAIL=1.


def quarantine_cases() -> list[Case]:
    flaky = {"FLAKY_FAIL": "1"}
    return [
        Case("quarantine", "python", "pytest skip", "python", "tests/test_pricing.py",
             "flaky-test", "def test_flaky_when_env_set",
             "tests/test_pricing.py::test_flaky_when_env_set", "skipped", env=flaky,
             history=True),
        Case("quarantine", "go", "t.Skip", "go", "pricing_test.go", "flaky-test",
             "func TestFlakyWhenEnvSet", "TestFlakyWhenEnvSet", "skipped", env=flaky,
             history=True),
        Case("quarantine", "javascript", "it.skip (Jest)", "javascript",
             "__tests__/pricing.test.js", "flaky-test", 'it("fails only when FLAKY_FAIL=1"',
             "fails only when FLAKY_FAIL=1", "skipped", env=flaky, history=True),
        Case("quarantine", "typescript", "it.skip (Vitest)", "typescript",
             "src/pricing.test.ts", "flaky-test", 'it("fails only when FLAKY_FAIL=1"',
             "fails only when FLAKY_FAIL=1", "skipped", env=flaky, history=True),
        Case("quarantine", "rust", "#[ignore]", "rust", "src/lib.rs", "flaky-test",
             "fn flaky_when_env_set", "tests::flaky_when_env_set", "skipped", env=flaky,
             history=True),
    ]


# Changed return values with updated intent: each fixture's line total gains `+ 1` (the
# fixture's reports/regression/change.diff, committed), after a passing run-1; the run after
# the change (reports/regression/, the real runner's output) failed the tests that reach it.
# The fix writes the new value into the assertion. Without the change in the workspace, the
# same failure is a regression: the fix must be refused ("refused", reported apart).


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.name=b", "-c", "user.email=b@example.com",
                    "-c", "commit.gpgsign=false", *args], check=True, capture_output=True)


def regression_history(change: bool) -> Callable[[Path, Path], None]:
    def prepare(root: Path, binary: Path) -> None:
        git(root, "init", "-q")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "fixture")
        subprocess.run([str(binary), "ingest", "--run-id", "run-1", "reports/run-1"], cwd=root,
                       check=True, capture_output=True)
        if change:
            git(root, "apply", "reports/regression/change.diff")
            git(root, "commit", "-q", "-am", "the line total adds one")
        subprocess.run([str(binary), "ingest", "--run-id", "regression", "reports/regression"],
                       cwd=root, check=True, capture_output=True)
    return prepare


EXPECTED = [
    # (language, file, assertion line text, runner's test name)
    ("python", "tests/test_pricing.py", "assert line_total(50, 3) == 150",
     "tests/test_pricing.py::test_line_total"),
    ("python", "tests/test_cart.py", "self.assertEqual(cart.total(), 250)",
     "tests/test_cart.py::CartTestCase::test_total"),
    ("go", "pricing_test.go", 't.Errorf("LineTotal = %d, want 150", got)', "TestLineTotal"),
    ("javascript", "__tests__/pricing.test.js", "expect(lineTotal(apple(3))).toBe(150);",
     "multiplies price by quantity"),
    ("typescript", "src/pricing.test.ts", "expect(lineTotal(apple(3))).toBe(150);",
     "multiplies price by quantity"),
    ("rust", "src/lib.rs", "assert_eq!(line_total(&apple(3)), 150);",
     "tests::line_total_multiplies_price_by_qty"),
]


def expected_cases() -> list[Case]:
    out = []
    for language, file, line, test in EXPECTED:
        out.append(Case("expected", language, f"intended change: {test.split('::')[-1]}",
                        language, file, "broken-test", line, test, "passed",
                        prepare=regression_history(True), title="Update the expected value",
                        message_has="likely regression"))
    for language, file, line, test in EXPECTED[:1] + EXPECTED[2:3]:
        out.append(Case("expected", language, "no change: a regression", language, file,
                        "broken-test", line, test, "refused", prepare=regression_history(False),
                        title="Update the expected value", message_has="likely"))
    return out


# Renamed functions: the line total renamed in the code (not in the tests); the fix is offered
# at the test's call of the old name.

RENAMES = [
    # (language, old, new, code files, test file, call line text, test)
    ("python", "line_total", "line_subtotal", ["shop/pricing.py", "shop/cart.py"],
     "tests/test_pricing.py", "assert line_total(50, 3) == 150",
     "tests/test_pricing.py::test_line_total"),
    ("go", "LineTotal", "LineSubtotal", ["pricing.go", "cart.go"], "pricing_test.go",
     "got := LineTotal(", "TestLineTotal"),
    ("javascript", "lineTotal", "lineSubtotal", ["src/pricing.js", "src/cart.js"],
     "__tests__/pricing.test.js", "expect(lineTotal(apple(3)))", "multiplies price by quantity"),
    ("typescript", "lineTotal", "lineSubtotal", ["src/pricing.ts", "src/cart.ts"],
     "src/pricing.test.ts", "expect(lineTotal(apple(3)))", "multiplies price by quantity"),
    ("rust", "line_total", "line_subtotal", ["src/lib.rs"], "src/lib.rs",
     "assert_eq!(line_total(&apple(3)), 150);", "tests::line_total_multiplies_price_by_qty"),
]


def rename_in(root: Path, files: list[str], old: str, new: str, language: str) -> None:
    pattern = re.compile(rf"(?<![\w$]){re.escape(old)}(?![\w$])")
    for f in files:
        path = root / f
        text = path.read_text(encoding="utf-8")
        cut = text.find("#[cfg(test)]") if language == "rust" else -1
        head, tail = (text[:cut], text[cut:]) if cut >= 0 else (text, "")
        path.write_text(pattern.sub(new, head) + tail, encoding="utf-8")


def rename_cases() -> list[Case]:
    out = []
    for language, old, new, files, test_file, line, test in RENAMES:
        def setup(root: Path, files=files, old=old, new=new, language=language) -> None:
            git(root, "init", "-q")
            git(root, "add", "-A")
            git(root, "commit", "-q", "-m", "fixture")
            rename_in(root, files, old, new, language)
        out.append(Case("rename", language, f"{old} -> {new}", language, test_file, None, line,
                        test, "passed", setup=setup, cursor=old))
    return out


# Moved functions: the line total moves to a new module `totals`, the code's imports follow it,
# the tests' do not (the fix imports it from there).
MOVES = [
    # language, old module file, marker after the function, new file, head, tail,
    # code imports rewritten (file, old, new), test file, line of a call, runner's test name
    ("python", "shop/pricing.py", "\n\n\ndef discount_percent", "shop/totals.py", "", "",
     [("shop/cart.py", "from shop.pricing import line_total", "from shop.totals import line_total")],
     "tests/test_pricing.py", "assert line_total(50, 3) == 150",
     "tests/test_pricing.py::test_line_total"),
    ("typescript", "src/pricing.ts", "\n\nexport function discountPercent", "src/totals.ts",
     'import type { Item } from "./pricing";\n\n', "",
     [("src/cart.ts", 'import { lineTotal, type Item } from "./pricing";',
       'import { type Item } from "./pricing";\nimport { lineTotal } from "./totals";')],
     "src/pricing.test.ts", "expect(lineTotal(apple(3))).toBe(150);", "multiplies price by quantity"),
    ("javascript", "src/pricing.js", "\n\nfunction discountPercent", "src/totals.js",
     '"use strict";\n\n', "\n\nmodule.exports = { lineTotal };\n",
     [("src/cart.js", 'const { lineTotal } = require("./pricing");', 'const { lineTotal } = require("./totals");'),
      ("src/pricing.js", "module.exports = { lineTotal, discountPercent,", "module.exports = { discountPercent,")],
     "__tests__/pricing.test.js", "expect(lineTotal(apple(3))).toBe(150);", "multiplies price by quantity"),
    ("rust", "src/lib.rs", "\n\n/// The closure's", "src/totals.rs", "use crate::Item;\n\n", "",
     [("src/lib.rs", ".map(line_total)", ".map(totals::line_total)"),
      ("src/lib.rs", "/// One line of a shopping cart.", "pub mod totals;\n\n/// One line of a shopping cart.")],
     "src/lib.rs", "assert_eq!(line_total(&apple(3)), 150);", "tests::line_total_multiplies_price_by_qty"),
    # Go: into another package of the module; the call gets `totals.` and the file its import.
    ("go", "pricing.go", "\n\n// ReceiptHeader returns", "totals/totals.go", "package totals\n\n", "",
     [], "pricing_test.go", "if Halvings(8) != 4 {", "TestSleepsBriefly"),
]


def move_cases() -> list[Case]:
    out = []
    for language, src, until, dst, head, tail, code, test_file, line, test in MOVES:
        name = {"python": "line_total", "rust": "line_total", "go": "Halvings"}.get(language,
                                                                              "lineTotal")

        def setup(root: Path, src=src, until=until, dst=dst, head=head, tail=tail, code=code,
                  name=name, language=language) -> None:
            text = (root / src).read_text(encoding="utf-8")
            keyword = {"python": "def", "rust": "pub fn", "go": "func"}.get(language, "function")
            start = text.index(f"{keyword} {name}(")
            start = text.rfind("\n", 0, start) + 1
            end = text.index(until, start)
            (root / src).write_text(text[:start] + text[end:].lstrip("\n"), encoding="utf-8")
            (root / dst).parent.mkdir(parents=True, exist_ok=True)
            (root / dst).write_text(head + text[start:end].rstrip() + "\n" + tail, encoding="utf-8")
            for f, old, new in code:
                replace(root / f, old, new)
        out.append(Case("move", language, f"{name} -> {dst}", language, test_file, None, line,
                        test, "passed", setup=setup, cursor=name,
                        title="Call `" if language == "go" else "Import `"))
    return out


# Focused tests: a `.only` added to one test of a file skips the others; the fix removes it.


def focus_cases() -> list[Case]:
    out = []
    for language, file in (("javascript", "__tests__/pricing.test.js"),
                           ("typescript", "src/pricing.test.ts")):
        out.append(Case("focus", language, "it.only on a sibling", language, file,
                        "focused-test", 'it.only("multiplies price by quantity"',
                        "charges guests a surcharge", "passed",
                        setup=lambda r, file=file: replace(r / file,
                                                           'it("multiplies price by quantity"',
                                                           'it.only("multiplies price by quantity"')))
    return out


# Tests that assert nothing: each fixture's own `calls without asserting` test, and a test whose
# assertions were taken out. The fix records what the calls return through the project's runner
# and writes assertions; healed means the test passes, and fails once the function changes.

RECEIPT = ("— 收据", "— 收据!")
ASSERT_FILES = {
    "python": ("tests/test_pricing.py", "shop/pricing.py"),
    "typescript": ("src/pricing.test.ts", "src/pricing.ts"),
    "javascript": ("__tests__/pricing.test.js", "src/pricing.js"),
    "go": ("pricing_test.go", "pricing.go"),
    "rust": ("src/lib.rs", "src/lib.rs"),
}


def assert_cases() -> list[Case]:
    out = []
    own = {
        "python": ("def test_calls_without_asserting",
                   "tests/test_pricing.py::test_calls_without_asserting"),
        "typescript": ('it("calls without asserting"', "calls without asserting"),
        "javascript": ('it("calls without asserting"', "calls without asserting"),
        "go": ("func TestCallsWithoutAsserting", "TestCallsWithoutAsserting"),
        "rust": ("fn calls_without_asserting", "tests::calls_without_asserting"),
    }
    for language, (line_of, test) in own.items():
        file, source = ASSERT_FILES[language]
        out.append(Case("assert", language, "the fixture's own", language, file,
                        "no-assertion", line_of, test, "passed", title="Record assertions",
                        mutation=(source, *RECEIPT)))
    halve = {
        "python": ("    assert halvings(8) == 4\n", "    halvings(8)\n",
                   "def test_sleeps_briefly", "tests/test_pricing.py::test_sleeps_briefly",
                   "cents //= 2", "cents //= 3"),
        "typescript": ("expect(halvings(8)).toBe(4);", "halvings(8);", 'it("sleeps briefly"',
                       "sleeps briefly", "cents / 2", "cents / 3"),
        "javascript": ("expect(halvings(8)).toBe(4);", "halvings(8);", 'it("sleeps briefly"',
                       "sleeps briefly", "cents / 2", "cents / 3"),
        "go": ('\tif Halvings(8) != 4 {\n\t\tt.Fatal("Halvings(8) != 4")\n\t}\n',
               "\tHalvings(8)\n", "func TestSleepsBriefly", "TestSleepsBriefly",
               "cents /= 2", "cents /= 3"),
    }
    for language, (old, new, line_of, test, m_old, m_new) in halve.items():
        file, source = ASSERT_FILES[language]
        out.append(Case("assert", language, "assertion taken out", language, file,
                        "no-assertion", line_of, test, "passed", title="Record assertions",
                        setup=lambda r, file=file, old=old, new=new: replace(r / file, old, new),
                        mutation=(source, m_old, m_new)))

    def strip_rust(root: Path) -> None:
        path = root / "tests/integration.rs"
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"assert_eq!\((halvings\(\d+\)), \d+\);", r"\1;", text),
                        encoding="utf-8")
    out.append(Case("assert", "rust", "assertions taken out", "rust", "tests/integration.rs",
                    "no-assertion", "fn halvings_counts_steps", "halvings_counts_steps",
                    "passed", title="Record assertions", setup=strip_rust,
                    mutation=("src/lib.rs", "cents /= 2", "cents /= 3")))
    return out


KINDS: dict[str, Callable[[], list[Case]]] = {
    "sleep": sleep_cases,
    "quarantine": quarantine_cases,
    "expected": expected_cases,
    "rename": rename_cases,
    "move": move_cases,
    "focus": focus_cases,
    "assert": assert_cases,
}

REPORTS = {
    "python": lambda run: ["pytest-junit-xunit1.xml" if run == "run-2" else "pytest-junit.xml",
                           "coverage.json"],
    "go": lambda run: ["go-test.jsonl", "coverprofile.out"],
    "javascript": lambda run: ["jest-junit.xml", "cobertura.xml"],
    "typescript": lambda run: ["vitest-junit.xml", "lcov.info"],
    "rust": lambda run: ["nextest-junit.xml", "lcov.info"],
}

# ---------------------------------------------------------------------------------------------
# Running one test with the real runner: "passed", "failed", "skipped" or "error: ...".


def run_test(case: Case, root: Path, scratch: Path) -> str:
    env = dict(os.environ, **case.env)
    if "FLAKY_FAIL" not in case.env:
        env.pop("FLAKY_FAIL", None)
    lang = case.language
    if lang == "python":
        junit = scratch / "junit.xml"
        subprocess.run([str(FIXTURES / ".venv/bin/pytest"), case.test, f"--junitxml={junit}"],
                       cwd=root, env=env, capture_output=True, timeout=300)
        if not junit.exists():
            return "error: no report"
        for tc in ET.parse(junit).iter("testcase"):
            if tc.find("skipped") is not None:
                return "skipped"
            if tc.find("failure") is not None or tc.find("error") is not None:
                return "failed"
            return "passed"
        return "error: test not run"
    if lang == "go":
        env.update(GOTOOLCHAIN="local", GOPROXY="off", GOFLAGS="")
        out = subprocess.run([GO, "test", "-count=1", "-json", "-run", f"^{case.test}$", "."],
                             cwd=root, env=env, capture_output=True, text=True, timeout=300)
        for line in out.stdout.splitlines():
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            if event.get("Test") == case.test and event.get("Action") in ("pass", "fail", "skip"):
                return {"pass": "passed", "fail": "failed", "skip": "skipped"}[event["Action"]]
        return "error: " + (out.stderr.strip().splitlines() or ["test not run"])[-1]
    if lang in ("javascript", "typescript"):
        if lang == "javascript":
            cmd = [str(FIXTURES / "javascript/node_modules/.bin/jest"), "--json", case.file]
        else:
            cmd = [str(FIXTURES / "typescript/node_modules/.bin/vitest"), "run",
                   "--reporter=json", case.file]
        out = subprocess.run(cmd, cwd=root, env=dict(env, CI="true"), capture_output=True,
                             text=True, timeout=300)
        start = out.stdout.find("{")
        try:
            report = json.loads(out.stdout[start:])
        except (json.JSONDecodeError, ValueError):
            return "error: no JSON report: " + out.stderr[-300:]
        for f in report.get("testResults", []):
            for t in f.get("assertionResults", []):
                if t.get("title") == case.test:
                    status = t.get("status")
                    return {"pending": "skipped", "todo": "skipped"}.get(status, status)
        return "error: test not found"
    if lang == "rust":
        target = REPO / "target/bench-heal/fixture-target"
        out = subprocess.run(["cargo", "test", "--offline", "--", "--exact", case.test],
                             cwd=root, env=dict(env, CARGO_TARGET_DIR=str(target)),
                             capture_output=True, text=True, timeout=900)
        m = re.search(rf"^test {re.escape(case.test)} \.\.\. (ok|FAILED|ignored)", out.stdout,
                      re.M)
        if not m:
            return "error: " + (out.stderr.strip().splitlines() or ["test not run"])[-1]
        return {"ok": "passed", "FAILED": "failed", "ignored": "skipped"}[m.group(1)]
    return "error: unknown language"


# ---------------------------------------------------------------------------------------------
# A minimal LSP client over stdio.


class Lsp:
    def __init__(self, binary: Path, root: Path):
        self.proc = subprocess.Popen([str(binary), "lsp"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.messages: queue.Queue = queue.Queue()
        self.next_id = 1
        threading.Thread(target=self._read, daemon=True).start()
        self.request("initialize", {
            "processId": None,
            "rootUri": root.as_uri(),
            "workspaceFolders": [{"uri": root.as_uri(), "name": "bench"}],
            "capabilities": {
                "general": {"positionEncodings": ["utf-8"]},
                "textDocument": {"publishDiagnostics": {}},
            },
        })
        self.notify("initialized", {})

    def _read(self):
        out = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.decode().strip()
                if not line:
                    break
                key, _, value = line.partition(":")
                headers[key.lower()] = value.strip()
            body = out.read(int(headers["content-length"]))
            self.messages.put(json.loads(body))

    def _send(self, message: dict):
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params):
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait(self, pred, timeout=60.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no matching message")
            message = self.messages.get(timeout=left)
            if "method" in message and "id" in message:
                # A request from the server: apply an edit, answer anything else plainly.
                result = None
                if message["method"] == "workspace/applyEdit":
                    for uri, edits in message["params"]["edit"].get("changes", {}).items():
                        path = Path(urllib.parse.unquote(uri.removeprefix("file://")))
                        text = path.read_text(encoding="utf-8")
                        path.write_text(apply_edits(text, edits), encoding="utf-8")
                    result = {"applied": True}
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": result})
                continue
            if pred(message):
                return message

    def request(self, method: str, params, timeout=60.0):
        rid = self.next_id
        self.next_id += 1
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        reply = self.wait(lambda m: m.get("id") == rid and "method" not in m, timeout)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result")

    def close(self):
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


def apply_edits(text: str, edits: list) -> str:
    data = text.encode()
    starts = [0]
    for i, b in enumerate(data):
        if b == 0x0A:
            starts.append(i + 1)

    def offset(pos):
        return starts[pos["line"]] + pos["character"]

    spans = sorted(((offset(e["range"]["start"]), offset(e["range"]["end"]), e["newText"])
                    for e in edits), reverse=True)
    for start, end, new in spans:
        data = data[:start] + new.encode() + data[end:]
    return data.decode()


def heal(binary: Path, root: Path, case: Case) -> tuple[Optional[str], str]:
    """Applies the preferred fix for the case's diagnostic. Returns (the fix's title or None,
    a note)."""
    path = root / case.file
    text = path.read_text(encoding="utf-8")
    line = next((i for i, l in enumerate(text.splitlines()) if case.line_of in l), None)
    if line is None:
        return None, "diagnostic line not found"
    uri = path.as_uri()
    lsp = Lsp(binary, root)
    try:
        lsp.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": case.language, "version": 1, "text": text}})
        found = []
        if case.code is None:
            # A fix at a cursor: wait for the index, then ask at the name.
            column = text.splitlines()[line].index(case.cursor) + 1
            deadline = time.monotonic() + 60
            while True:
                try:
                    actions = lsp.request("textDocument/codeAction", {
                        "textDocument": {"uri": uri},
                        "range": {"start": {"line": line, "character": column},
                                  "end": {"line": line, "character": column}},
                        "context": {"diagnostics": [], "only": ["quickfix"]},
                    }) or []
                except RuntimeError as e:
                    # ContentModified while the index is still being read: ask again.
                    if "-32801" not in str(e):
                        raise
                    actions = []
                if actions or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            return apply_preferred(lsp, path, uri, text, actions, case.title)

        def match(m):
            if m.get("method") != "textDocument/publishDiagnostics":
                return False
            if m["params"]["uri"] != uri:
                return False
            found[:] = [d for d in m["params"]["diagnostics"]
                        if d.get("code") == case.code and d["range"]["start"]["line"] <= line
                        <= d["range"]["end"]["line"]
                        and (case.message_has is None or case.message_has in d["message"])]
            return bool(found)

        try:
            lsp.wait(match, timeout=60)
        except (TimeoutError, queue.Empty):
            return None, f"no {case.code} diagnostic on line {line + 1}"
        diagnostic = found[0]
        deadline = time.monotonic() + (30 if case.kind == "assert" else 0)
        while True:
            actions = lsp.request("textDocument/codeAction", {
                "textDocument": {"uri": uri},
                "range": diagnostic["range"],
                "context": {"diagnostics": [diagnostic], "only": ["quickfix"]},
            }) or []
            # A fix that needs the workspace index (the functions a test calls) is shown
            # disabled until the index is read, as an editor would after opening the project.
            wanted = [a for a in actions
                      if case.title is None or a.get("title", "").startswith(case.title)]
            if any(not a.get("disabled") for a in wanted) or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        return apply_preferred(lsp, path, uri, text, actions, case.title)
    finally:
        lsp.close()


def apply_preferred(lsp: Lsp, path: Path, uri: str, text: str, actions: list,
                    title: Optional[str] = None) -> tuple[Optional[str], str]:
    """Applies the preferred action, or the one whose title starts with `title` (and runs its
    command, as a client does). A fix shown disabled is a refusal: (None, "refused: <reason>")."""
    if title is not None:
        actions = [a for a in actions if a.get("title", "").startswith(title)]
        preferred = [a for a in actions if not a.get("disabled")]
    else:
        preferred = [a for a in actions if a.get("isPreferred") and not a.get("disabled")]
    if not preferred:
        refused = [a for a in actions if a.get("disabled")]
        if refused:
            return None, "refused: " + refused[0]["disabled"]["reason"]
        return None, "no fix offered"
    action = preferred[0]
    edits = action.get("edit", {}).get("changes", {}).get(uri, [])
    path.write_text(apply_edits(text, edits), encoding="utf-8")
    command = action.get("command")
    if command:
        # Recording runs the project's runner (cargo builds a copy of the crate).
        reply = lsp.request("workspace/executeCommand",
                            {"command": command["command"], "arguments": command["arguments"]},
                            timeout=900)
        if isinstance(reply, dict) and reply.get("applied") is False:
            return None, "not applied: " + str(reply.get("error", ""))[:200]
    return action["title"], ""


def copy_fixture(name: str, to: Path) -> Path:
    src = FIXTURES / name
    root = to / name
    # Fresh modification times (copy, not copy2): cargo's shared target directory must not take
    # a build of another case's changed source for this copy's.
    shutil.copytree(src, root, copy_function=shutil.copy, ignore=shutil.ignore_patterns(
        "node_modules", ".venv", "__pycache__", "target", ".testlens"))
    if (src / "node_modules").is_dir():
        (root / "node_modules").symlink_to(src / "node_modules")
    return root


def ingest(binary: Path, root: Path, language: str) -> None:
    for run in ("run-1", "run-2", "run-3", "run-4"):
        files = [f"reports/{run}/{f}" for f in REPORTS[language](run)]
        subprocess.run([str(binary), "ingest", "--run-id", run, *files], cwd=root, check=True,
                       capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--languages", default="python,go,javascript,typescript,rust")
    parser.add_argument("--binary", default=str(REPO / "target/debug/testlens"))
    args = parser.parse_args()
    binary = Path(args.binary).resolve()
    # Recording runs pytest with the fixtures' interpreter (the copies have no .venv of their own).
    os.environ.setdefault("TESTLENS_PYTHON", str(FIXTURES / ".venv/bin/python"))
    if not binary.exists():
        print(f"no binary at {binary}: cargo build -p testlens", file=sys.stderr)
        return 2
    languages = set(args.languages.split(","))
    cases = [c for kind in args.kinds.split(",") for c in KINDS[kind]()
             if c.language in languages]

    results = []
    for case in cases:
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="heal-bench-") as tmp:
            tmp = Path(tmp)
            root = copy_fixture(case.fixture, tmp)
            case.setup(root)
            if case.history:
                ingest(binary, root, case.language)
            if case.prepare:
                case.prepare(root, binary)
            before = run_test(case, root, tmp)
            title, note = heal(binary, root, case)
            after = run_test(case, root, tmp) if title else before
            caught = None
            if case.mutation and title and after == case.expected:
                source, old, new = case.mutation
                replace(root / source, old, new)
                caught = run_test(case, root, tmp) == "failed"
                note = (note + " " if note else "") + (
                    "fails on the changed function" if caught
                    else "still passes on the changed function")
        if case.expected == "refused":
            # Rightly refused: no fix applied, and the refusal says why.
            after = "refused" if note.startswith("refused") else after
            healed = title is None and after == "refused"
        else:
            healed = title is not None and after == case.expected and caught is not False
        results.append({
            "kind": case.kind, "language": case.language, "case": case.name,
            "test": case.test, "before": before, "fix": title, "after": after,
            "expected": case.expected, "healed": healed, "note": note,
            "seconds": round(time.monotonic() - started, 1),
        })
        print(f"  {case.kind:<11} {case.language:<11} {case.name:<30} "
              f"{before:>8} -> {after:<8} {'healed' if healed else 'NOT healed'} {note}",
              flush=True)

    print()
    print(f"{'kind':<11} {'language':<11} {'cases':>5} {'fix offered':>11} {'healed':>7} {'share':>6}")
    summary = {}
    for key in sorted({(r["kind"], r["language"]) for r in results}):
        rows = [r for r in results if (r["kind"], r["language"]) == key]
        offered = sum(r["fix"] is not None for r in rows)
        healed = sum(r["healed"] for r in rows)
        summary[f"{key[0]}/{key[1]}"] = {"cases": len(rows), "offered": offered,
                                         "healed": healed}
        print(f"{key[0]:<11} {key[1]:<11} {len(rows):>5} {offered:>11} {healed:>7} "
              f"{healed / len(rows):>6.0%}")
    for kind in sorted({r["kind"] for r in results}):
        rows = [r for r in results if r["kind"] == kind]
        healed = sum(r["healed"] for r in rows)
        summary[kind] = {"cases": len(rows), "offered": sum(r["fix"] is not None for r in rows),
                         "healed": healed}
        print(f"{kind:<11} {'all':<11} {len(rows):>5} {summary[kind]['offered']:>11} "
              f"{healed:>7} {healed / len(rows):>6.0%}")
    fixable = [r for r in results if r["expected"] != "refused"]
    total = sum(r["healed"] for r in fixable)
    print(f"{'all':<11} {'':<11} {len(fixable):>5} {'':>11} {total:>7} "
          f"{total / max(len(fixable), 1):>6.0%}   (breakages the fix should heal)")
    refusals = [r for r in results if r["expected"] == "refused"]
    if refusals:
        right = sum(r["healed"] for r in refusals)
        print(f"{'refused':<11} {'':<11} {len(refusals):>5} {'':>11} {right:>7} "
              f"{right / len(refusals):>6.0%}   (regressions the fix must refuse)")
        summary["refusals"] = {"cases": len(refusals), "rightly_refused": right}
    summary["healing"] = {"cases": len(fixable), "healed": total}

    out_dir = REPO / "target/bench-heal"
    out_dir.mkdir(parents=True, exist_ok=True)
    report = {"created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "binary": str(binary), "results": results, "summary": summary}
    path = out_dir / f"heal-{int(time.time())}.json"
    path.write_text(json.dumps(report, indent=2))
    (out_dir / "latest.json").write_text(json.dumps(report, indent=2))
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
