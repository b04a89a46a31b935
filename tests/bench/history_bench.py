#!/usr/bin/env python3
"""History benchmark: the editor features built on the test history, through `testlens lsp`.

Run through tests/bench/history_bench.sh (which builds the binary and installs the peer), or:

    python3 tests/bench/history_bench.py                    # 200 runs x 5,000 tests, 2,000 files
    python3 tests/bench/history_bench.py --gen-only         # only make the workspace and history
    python3 tests/bench/history_bench.py --runs 20 --tests 500 --files 200 --skip-peer   # a quick look

**Workspace** (`target/bench-history/ws/`, made once per set of generator parameters, a stamp
file says which; the output is a function of the recipe, the seed and the sizes):

* a git repository of Python: `pkg/mod_NNNN.py` (--files modules of ~10 small functions each:
  straight code, `if`/`elif`/`else`, loops with `and`, `try`/`except`, calls to a function of the
  same module or of another module), `pkg/big.py` (a 5,000-line module, ~250 functions of ~20
  lines, some calling earlier ones), and `tests/test_NNNN.py` (--tests pytest tests, 10 a file,
  each calling a module function, one in four also a function of big.py, so the call graph links
  tests to code). Five commits with fixed author and committer dates 85, 60, 30, 12 and 3 days
  before the day of generation change the constants of a subset of the modules (big.py in each),
  so churn differs per file.
* `--runs` test runs, each a JUnit XML in pytest's xunit2 dialect (5,000 testcases,
  `classname="tests.test_NNNN"`, no `file`/`line`), where a fixed 2% of the tests fail at random
  (p = 0.3 per run: flaky), 0.5% fail in each of the last 10 runs (broken) and 0.5% are skipped;
  failures carry `message="assert 3 == 4"` and a pytest traceback ending in
  `tests/test_NNNN.py:LINE: AssertionError`. Every 10th run and the last also carry an lcov file
  in coverage.py's style covering every module and big.py (~15% of functions not run, ~30% of
  the branches inside run functions not taken).
* each run ingested in order with `testlens ingest --db ws/.testlens/history.db --run-id run-NNN
  --commit <HEAD>` from the workspace; the history is then kept as `history-pristine.db`, and
  every benchmark starts from a copy of it (the refresh rounds add runs to it).

**Measured**, with the client advertising `workspace.inlayHint.refreshSupport` and
`workspace.codeLens.refreshSupport` (and answering those requests with null):

1. `testlens lsp` on the workspace with its history (`--db ws/.testlens/history.db`): initialize,
   wait for the end of the `testlens: indexing` progress and for the history to be loaded (the
   server's first `workspace/inlayHint/refresh`, then 1.5 s without another), VmRSS; open
   `pkg/big.py`; 500 `textDocument/hover` on function names of big.py at random (seeded); 500
   `textDocument/inlayHint` for the whole file; VmRSS; then 5 refresh rounds: `testlens ingest`
   of a new 5,000-test run (JUnit and lcov) in another process, and the time from that process's
   exit (its `waitpid` returning) to the arrival of `workspace/inlayHint/refresh`.
2. The same server on the same workspace with `--db` pointing at a missing file: the same
   hovers and hints, and VmRSS at the same two points; the difference is the history's memory.
3. The peer: `jedi-language-server` (from target/bench-venv) on the same workspace, the same 500
   hovers on big.py (after one untimed warm-up hover), and the same code actions.

Code actions (`--actions`, 500 by default): `textDocument/codeAction` with an empty range, half
on function names of big.py, half on assert lines of the test files (the broken tests' first,
where the expected-value fix reads the history and git), each file opened once before; the
titles offered are counted by kind.

Latency is from just before the request is written to the arrival of the last byte of the
response (tests/bench/lsp_client.py). Writes target/bench-history/results.json.
Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from edit_latency import machine  # noqa: E402
from gen_reports import NOUNS, VERBS, esc  # noqa: E402
from lsp_client import Client, LspError, capabilities, percentile, snapshot_binary, uri  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
RECIPE = "history_bench v1"
SEED = 20261122
BIG_LINES = 5_000
TESTS_PER_FILE = 10
COMMIT_DAYS_AGO = [85, 60, 30, 12, 3]
FLAKY_SHARE, FLAKY_FAIL_P, BROKEN_SHARE, BROKEN_LAST, SKIP_SHARE = 0.02, 0.3, 0.005, 10, 0.005
COVERAGE_EVERY = 10
GOALS = {"hover_p99_ms": 20.0, "inlay_p99_ms": 10.0, "refresh_ms": 200.0, "extra_rss_mb": 50.0, "code_action_p99_ms": 50.0}
SKIP_REASON = "needs a real payment gateway"
ADJECTIVES = ["fast", "safe", "raw", "full", "partial", "cached", "stale", "nested", "legacy", "plain"]


# ====================================================================================== sources


@dataclass
class Func:
    name: str
    def_line: int  # 0-based
    end_line: int  # 0-based, inclusive
    call: str  # how a test calls it
    covered: bool = True
    hits: int = 1
    taken: set[int] = field(default_factory=set)  # branch lines (0-based) that ran


@dataclass
class Source:
    path: str
    text: str
    kinds: list[str | None]  # per line: "mod" (runs at import), "def", "stmt", "branch" or None
    funcs: list[Func]


class Writer:
    """Lines of a Python file with, for each, whether coverage.py counts it and how."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.kinds: list[str | None] = []

    def add(self, text: str, kind: str | None = None) -> int:
        self.lines.append(text)
        self.kinds.append(kind)
        return len(self.lines) - 1

    def blank(self, n: int = 1) -> None:
        for _ in range(n):
            self.add("")

    def source(self, path: str, funcs: list[Func]) -> Source:
        return Source(path, "\n".join(self.lines) + "\n", self.kinds, funcs)


def shifted(k: int, version: int, changes: bool) -> int:
    """A constant as it was in `version` (the final text is version 5)."""
    return k if not changes or version >= 5 else k + 7 * (5 - version)


def final_commit(rng: random.Random) -> int:
    """The commit (0-4) in which a module reaches its final text: most never change."""
    x = rng.random()
    return 0 if x < 0.7 else 1 if x < 0.8 else 2 if x < 0.88 else 3 if x < 0.95 else 4


def module_source(seed: int, i: int, files: int, version: int) -> Source:
    """`pkg/mod_NNNN.py` as it is in commit `version` (5: the final text)."""
    rng = random.Random(f"{seed}:mod:{i}")
    changes = version < final_commit(random.Random(f"{seed}:churn:{i}"))
    noun = rng.choice(NOUNS)
    w = Writer()
    w.add(f'"""{noun.capitalize()} helpers (module {i})."""')
    w.blank()
    other = (i * 7 + 3) % files
    other_fn = module_fn_name(seed, other, 0) if other != i else None
    if other_fn:
        w.add(f"from pkg.mod_{other:04d} import {other_fn}", "mod")
        w.blank()
    w.add(f"LIMIT = {shifted(rng.randint(10, 90), version, changes)}", "mod")
    funcs: list[Func] = []
    n = rng.randint(8, 12)
    for j in range(n):
        w.blank(2)
        name = module_fn_name(seed, i, j)
        kind = "A" if j == 0 else rng.choice("ABCDEF")
        k = shifted(rng.randint(2, 60), version, changes and j % 3 == version % 3)
        doc = f'    """{rng.choice(VERBS).capitalize()} the {noun} {rng.choice(["totals", "lines", "codes", "entries"])}."""'
        start = len(w.lines)
        if kind == "A":
            w.add(f"def {name}(a, b):", "def")
            w.add(doc)
            w.add(f"    total = a * {k} + b", "stmt")
            w.add("    return total", "stmt")
            call = f"{name}({rng.randint(1, 9)}, {rng.randint(1, 9)})"
        elif kind == "B":
            w.add(f"def {name}(a, b=0):", "def")
            w.add(f"    if a > {k}:", "stmt")
            w.add("        return a - b", "branch")
            w.add("    return a + b", "stmt")
            call = f"{name}({rng.randint(1, 99)}, {rng.randint(1, 9)})"
        elif kind == "C":
            w.add(f"def {name}(items, limit={k}):", "def")
            w.add(doc)
            w.add("    out = []", "stmt")
            w.add("    for item in items:", "stmt")
            w.add("        if item > limit and item % 2 == 0:", "stmt")
            w.add("            continue", "branch")
            w.add("        out.append(item)", "stmt")
            w.add("    return out", "stmt")
            call = f"{name}([{rng.randint(1, 9)}, {rng.randint(10, 99)}, {rng.randint(1, 9)}])"
        elif kind == "D":
            w.add(f"def {name}(code):", "def")
            w.add("    if code is None:", "stmt")
            w.add('        return "none"', "branch")
            w.add(f"    elif code == {k}:", "stmt")
            w.add('        return "low"', "branch")
            w.add(f"    elif code < {k + 40}:", "stmt")
            w.add('        return "mid"', "branch")
            w.add("    else:")
            w.add('        return "high"', "branch")
            call = f"{name}({rng.randint(1, 99)})"
        elif kind == "E":
            callee = other_fn if other_fn and rng.random() < 0.5 else module_fn_name(seed, i, 0)
            w.add(f"def {name}(x):", "def")
            w.add(f"    value = {callee}(x, {k})", "stmt")
            w.add("    while value > 100 and x:", "stmt")
            w.add("        value //= 2", "branch")
            w.add("    return value", "stmt")
            call = f"{name}({rng.randint(1, 500)})"
        else:
            w.add(f"def {name}(text):", "def")
            w.add(doc)
            w.add("    try:", "stmt")
            w.add(f"        return int(text) + {k}", "stmt")
            w.add("    except ValueError:", "stmt")
            w.add("        return None", "branch")
            call = f'{name}("{rng.randint(1, 99)}")'
        funcs.append(Func(name, start, len(w.lines) - 1, call))
    return w.source(f"pkg/mod_{i:04d}.py", funcs)


def module_fn_name(seed: int, i: int, j: int) -> str:
    r = random.Random(f"{seed}:name:{i}:{j}")
    return f"{r.choice(VERBS)}_{r.choice(NOUNS)}_{i:04d}_{j}"


def big_source(seed: int, version: int, lines: int = BIG_LINES) -> Source:
    """`pkg/big.py`: exactly `lines` lines, functions of ~20 lines each."""
    rng = random.Random(f"{seed}:big")
    w = Writer()
    w.add('"""Order processing rules: one long module, as every codebase has one."""')
    w.blank()
    w.add(f"ROUNDING = {shifted(3, version, True)}", "mod")
    funcs: list[Func] = []
    j = 0
    while len(w.lines) + 2 + 24 <= lines:
        w.blank(2)
        name = f"{rng.choice(VERBS)}_{rng.choice(ADJECTIVES)}_{rng.choice(NOUNS)}_{j:03d}"
        changes = (j + version) % 4 == 0
        start = w.add(f"def {name}(order, items, limit={shifted(rng.randint(5, 500), version, changes)}):", "def")
        w.add(f'    """{rng.choice(VERBS).capitalize()} the {rng.choice(NOUNS)} of an order.')
        w.blank()
        w.add(f"    Rules of {rng.choice(NOUNS)}s apply; see the {rng.choice(NOUNS)} docs.")
        w.add('    """')
        w.add("    total = 0", "stmt")
        target = start + rng.randint(13, 18)
        blocks = ["for", "if", "try", "while", "call", "comment", "assign"]
        while len(w.lines) < target:
            b = rng.choice(blocks)
            c = rng.randint(2, 99)
            if b == "for":
                w.add("    for item in items:", "stmt")
                w.add("        if item is None:", "stmt")
                w.add("            continue", "branch")
                w.add(f"        total += item * {c}", "stmt")
            elif b == "if":
                w.add("    if total > limit:", "stmt")
                w.add("        total = limit", "branch")
                w.add("    elif total < 0 or not order:", "stmt")
                w.add("        total = 0", "branch")
            elif b == "try":
                w.add("    try:", "stmt")
                w.add("        ratio = total / len(items)", "stmt")
                w.add("    except ZeroDivisionError:", "stmt")
                w.add("        ratio = 0.0", "branch")
                w.add(f"    total += round(ratio, ROUNDING) * {c}", "stmt")
            elif b == "while":
                w.add(f"    while total > {c * 100} and order:", "stmt")
                w.add(f"        total -= {c}", "branch")
            elif b == "call" and funcs:
                callee = rng.choice(funcs[-20:]).name
                w.add(f"    total += {callee}(order, items[:{c % 5 + 1}])", "stmt")
            elif b == "comment":
                w.add(f"    # The {rng.choice(NOUNS)} rule comes before the {rng.choice(NOUNS)} rule.")
            else:
                w.add(f'    order["{rng.choice(NOUNS)}"] = total + {c}', "stmt")
        w.add("    return total", "stmt")
        funcs.append(Func(name, start, len(w.lines) - 1, f"{name}({{'id': {rng.randint(1, 999)}}}, [1, 2, 3])"))
        j += 1
    w.blank(2)
    w.add("# Lookup tables.", None)
    k = 0
    while len(w.lines) < lines:
        w.add(f"_TABLE_{k} = {k * 3}", "mod")
        k += 1
    return w.source("pkg/big.py", funcs)


@dataclass
class Case:
    file: int
    name: str
    line: int  # 1-based line of the failing assert
    want: int
    skipped: bool
    skip_line: int


def make_tests(seed: int, tests: int, modules: list[Source], big: Source) -> tuple[list[Source], list[Case]]:
    """The test files and, in report order, their tests."""
    rng = random.Random(f"{seed}:tests")
    files = math.ceil(tests / TESTS_PER_FILE)
    out: list[Source] = []
    cases: list[Case] = []
    n_mod = len(modules)
    for fi in range(files):
        first, last = fi * TESTS_PER_FILE, min(tests, (fi + 1) * TESTS_PER_FILE)
        plan = []
        for t in range(first, last):
            m = modules[(t * 7919) % n_mod]
            f = rng.choice(m.funcs)
            b = big.funcs[(t // 4) % len(big.funcs)] if t % 4 == 0 and big.funcs else None
            plan.append((m, f, b))
        w = Writer()
        w.add(f'"""Tests of group {fi}."""')
        w.blank()
        w.add("import pytest")
        w.blank()
        imports: dict[str, list[str]] = {}
        for m, f, b in plan:
            imports.setdefault(m.path[:-3].replace("/", "."), []).append(f.name)
            if b:
                imports.setdefault("pkg.big", []).append(b.name)
        for mod in sorted(imports):
            w.add(f"from {mod} import {', '.join(sorted(set(imports[mod])))}")
        seen: set[str] = set()
        for t, (m, f, b) in zip(range(first, last), plan):
            w.blank(2)
            name = f"test_{f.name}"
            while name in seen:
                name += f"_{rng.choice(['again', 'twice', 'empty', 'large'])}"
            seen.add(name)
            skipped = rng.random() < SKIP_SHARE
            if skipped:
                w.add(f'@pytest.mark.skip(reason="{SKIP_REASON}")')
            skip_line = w.add(f"def {name}():") + 1
            if b:
                w.add(f"    total = {b.call}")
                w.add("    assert total >= 0")
            w.add(f"    result = {f.call}")
            want = rng.randint(0, 99)
            line = w.add(f"    assert result == {want}") + 1
            cases.append(Case(fi, name, line, want, skipped, skip_line))
        out.append(w.source(f"tests/test_{fi:04d}.py", []))
    return out, cases


def set_coverage_plan(seed: int, sources: list[Source]) -> None:
    """Which functions the test run executes, how often, and which branches it takes."""
    for s in sources:
        rng = random.Random(f"{seed}:cov:{s.path}")
        for f in s.funcs:
            f.covered = rng.random() >= 0.15
            f.hits = rng.randint(1, 40)
            f.taken = {ln for ln in range(f.def_line, f.end_line + 1) if s.kinds[ln] == "branch" and rng.random() >= 0.3}


# ====================================================================================== reports


def outcome(seed: int, t: int, run: int, runs: int) -> str:
    """pass / fail / skip of test index `t` in run `run` (1-based) of a history of `runs`."""
    r = random.Random(f"{seed}:role:{t}").random()
    if r < BROKEN_SHARE:
        return "fail" if run > runs - BROKEN_LAST else "pass"
    if r < BROKEN_SHARE + FLAKY_SHARE:
        return "fail" if random.Random(f"{seed}:flip:{t}:{run}").random() < FLAKY_FAIL_P else "pass"
    return "pass"


def write_junit(path: Path, seed: int, run: int, runs: int, cases: list[Case], sources: dict[int, Source], when: float) -> dict:
    rng = random.Random(f"{seed}:run:{run}")
    parts = []
    fails = skips = 0
    total = 0.0
    for t, c in enumerate(cases):
        cls = f"tests.test_{c.file:04d}"
        dur = rng.random() * 0.02 + 0.001
        total += dur
        head = f'<testcase classname="{cls}" name="{c.name}" time="{dur:.3f}"'
        if c.skipped:
            skips += 1
            parts.append(f'{head}><skipped type="pytest.skip" message="{SKIP_REASON}">'
                         f"tests/test_{c.file:04d}.py:{c.skip_line}: {SKIP_REASON}</skipped></testcase>")
            continue
        if outcome(seed, t, run, runs) == "fail":
            fails += 1
            got = c.want + 1 + rng.randint(0, 5)
            src = sources[c.file].text.split("\n")
            body = []
            # The test's source as pytest shows it: from its def to the failing assert.
            k = c.line - 1
            while not src[k].startswith("def "):
                k -= 1
            body.append(esc(src[k]))
            for ln in range(k + 1, c.line - 1):
                body.append("    " + esc(src[ln]))
            body.append("&gt;   " + esc(src[c.line - 1]))
            trace = "\n".join(body) + f"\nE       assert {got} == {c.want}\n\ntests/test_{c.file:04d}.py:{c.line}: AssertionError"
            parts.append(f'{head}><failure message="assert {got} == {c.want}">{trace}</failure></testcase>')
        else:
            parts.append(head + " />")
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(when)) + f".{rng.randrange(10**6):06d}+00:00"
    xml = (
        '<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0" '
        f'failures="{fails}" skipped="{skips}" tests="{len(cases)}" time="{total:.3f}" timestamp="{stamp}" '
        f'hostname="bench">' + "".join(parts) + "</testsuite></testsuites>"
    )
    path.write_text(xml, encoding="utf-8")
    return {"tests": len(cases), "failures": fails, "skipped": skips}


def write_lcov(path: Path, seed: int, run: int, sources: list[Source]) -> dict:
    """coverage.py's lcov: DA, LF/LH, FN/FNDA, FNF/FNH per file."""
    rng = random.Random(f"{seed}:lcov:{run}")
    out = []
    das = 0
    out.append("SF:pkg/__init__.py\nend_of_record\n")
    for s in sources:
        hits = [None] * len(s.kinds)
        for ln, kind in enumerate(s.kinds):
            if kind in ("mod", "def"):
                hits[ln] = 1
        for f in s.funcs:
            # A little noise per run: a function now and then runs when it did not, or not.
            covered = f.covered != (rng.random() < 0.01)
            h = max(1, f.hits + rng.randint(-2, 2))
            for ln in range(f.def_line + 1, f.end_line + 1):
                kind = s.kinds[ln]
                if kind == "stmt":
                    hits[ln] = h if covered else 0
                elif kind == "branch":
                    hits[ln] = (h // 2 + 1) if covered and ln in f.taken else 0
        lines = [f"SF:{s.path}"]
        lf = lh = 0
        for ln, v in enumerate(hits):
            if v is not None:
                lines.append(f"DA:{ln + 1},{v}")
                lf += 1
                lh += v > 0
        das += lf
        lines.append(f"LF:{lf}")
        lines.append(f"LH:{lh}")
        fnh = 0
        for f in s.funcs:
            h = hits[f.def_line + 1] if f.def_line + 1 < len(hits) and hits[f.def_line + 1] is not None else None
            if h is None:
                h = next((hits[x] for x in range(f.def_line + 1, f.end_line + 1) if hits[x] is not None), 0)
            lines.append(f"FN:{f.def_line + 1},{f.end_line + 1},{f.name}")
            lines.append(f"FNDA:{h},{f.name}")
            fnh += h > 0
        lines.append(f"FNF:{len(s.funcs)}")
        lines.append(f"FNH:{fnh}")
        lines.append("end_of_record")
        out.append("\n".join(lines) + "\n")
    path.write_text("".join(out), encoding="utf-8")
    return {"files": len(sources) + 1, "da_lines": das}


# ====================================================================================== workspace


@dataclass
class Workspace:
    root: Path
    modules: list[Source]
    big: Source
    tests: list[Source]
    cases: list[Case]


def build_sources(seed: int, files: int, tests: int, version: int = 5) -> Workspace:
    modules = [module_source(seed, i, files, version) for i in range(files)]
    big = big_source(seed, version)
    test_files, cases = make_tests(seed, tests, modules, big)
    set_coverage_plan(seed, modules + [big])
    return Workspace(Path(), modules, big, test_files, cases)


def git(root: Path, *args: str, env: dict | None = None) -> str:
    full = dict(os.environ)
    full.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
                 "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"})
    full.update(env or {})
    return subprocess.run(["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args], cwd=root,
                          env=full, check=True, capture_output=True, text=True).stdout.strip()


def write_workspace(root: Path, seed: int, files: int, tests: int, anchor_day: int) -> Workspace:
    """Writes the sources in five dated commits; returns the final sources."""
    if root.exists():
        shutil.rmtree(root)
    (root / "pkg").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "pkg/__init__.py").write_text("")
    (root / ".gitignore").write_text(".testlens/\n__pycache__/\n")
    (root / "pyproject.toml").write_text('[project]\nname = "orders"\nversion = "1.0"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n')
    git(root, "init", "-q")
    final = build_sources(seed, files, tests)
    for f in final.tests:
        (root / f.path).write_text(f.text)
    for c, days in enumerate(COMMIT_DAYS_AGO):
        version = c if c < len(COMMIT_DAYS_AGO) - 1 else 5
        for i in range(files):
            fc = final_commit(random.Random(f"{seed}:churn:{i}"))
            if c == 0 or c <= fc:
                s = module_source(seed, i, files, 5 if c >= fc else c)
                (root / s.path).write_text(s.text)
        b = big_source(seed, version)
        (root / b.path).write_text(b.text)
        when = f"@{(anchor_day - days) * 86400 + 10 * 3600 + c * 60} +0000"
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", f"orders: change {c}", env={"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when})
    # The working tree is the final text (the last commit wrote it).
    for s in final.modules + [final.big]:
        assert (root / s.path).read_text() == s.text, s.path
    final.root = root
    return final


def run_coverage(run: int, runs: int) -> bool:
    return run % COVERAGE_EVERY == 0 or run == runs


def ingest(binary: Path, ws: Workspace, db: Path, run: int, runs: int, seed: int, head: str, tmp: Path, anchor_day: int) -> tuple[float, dict]:
    """Writes run `run`'s reports and ingests them; returns the ingest's wall time and counts."""
    tmp.mkdir(parents=True, exist_ok=True)
    by_file = {i: s for i, s in enumerate(ws.tests)}
    junit = tmp / f"run-{run:03d}-junit.xml"
    # The suite's timestamp: one run an hour, the last at 09:00 UTC on the day of generation.
    when = anchor_day * 86400 + 9 * 3600 - (runs - run) * 3600
    counts = write_junit(junit, seed, run, runs, ws.cases, by_file, when)
    paths = [junit]
    if run_coverage(run, runs):
        lcov = tmp / f"run-{run:03d}-lcov.info"
        counts["coverage"] = write_lcov(lcov, seed, run, ws.modules + [ws.big])
        paths.append(lcov)
    cmd = [str(binary), "ingest", "--db", str(db), "--run-id", f"run-{run:03d}", "--commit", head, *map(str, paths)]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=ws.root, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"ingest of run {run} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    for x in paths:
        x.unlink()
    return dt, counts


def prepare(args, binary: Path, sha: str) -> tuple[Workspace, dict]:
    """The workspace and its pristine history: reused when the stamp matches, else made anew."""
    out: Path = args.out
    ws_root = out / "ws"
    stamp_path = out / "stamp.json"
    pristine = out / "history-pristine.db"
    params = {"recipe": RECIPE, "seed": args.seed, "runs": args.runs, "tests": args.tests, "files": args.files, "big_lines": BIG_LINES}
    stamp = None
    if stamp_path.exists():
        try:
            stamp = json.loads(stamp_path.read_text())
        except ValueError:
            stamp = None
    t0 = time.perf_counter()
    fresh = stamp and time.time() - stamp.get("anchor_epoch", 0) < 60 * 86400  # commits still inside the churn window
    if stamp and fresh and stamp.get("params") == params and pristine.exists() and (ws_root / ".git").exists() and not args.regenerate:
        ws = build_sources(args.seed, args.files, args.tests)
        ws.root = ws_root
        print(f"== workspace and history of {stamp['made']} reused ({out}; --regenerate to make them anew)", flush=True)
        info = dict(stamp)
        info["reused"] = True
        info["rebuild_sources_s"] = round(time.perf_counter() - t0, 2)
        return ws, info

    print(f"== generating {ws_root}: {args.files} modules + big.py, {args.tests} tests, 5 commits", flush=True)
    stamp_path.unlink(missing_ok=True)
    anchor_day = int(time.time() // 86400)
    ws = write_workspace(ws_root, args.seed, args.files, args.tests, anchor_day)
    gen_s = time.perf_counter() - t0
    head = git(ws_root, "rev-parse", "HEAD")
    lines = sum(s.text.count("\n") for s in ws.modules + [ws.big] + ws.tests)
    print(f"   {len(ws.modules) + 1 + len(ws.tests)} files, {lines:,} lines, HEAD {head[:12]}, in {gen_s:.1f} s", flush=True)

    db = ws_root / ".testlens/history.db"
    print(f"== ingesting {args.runs} runs into {db}", flush=True)
    times, cov_times = [], []
    t1 = time.perf_counter()
    totals = {"results": 0, "failures": 0, "skipped": 0, "coverage_runs": 0}
    for run in range(1, args.runs + 1):
        dt, counts = ingest(binary, ws, db, run, args.runs, args.seed, head, out / "tmp", anchor_day)
        (cov_times if "coverage" in counts else times).append(dt)
        totals["results"] += counts["tests"]
        totals["failures"] += counts["failures"]
        totals["skipped"] += counts["skipped"]
        totals["coverage_runs"] += "coverage" in counts
        if run % 20 == 0 or run == args.runs:
            print(f"   run {run}/{args.runs}: {time.perf_counter() - t1:.0f} s so far", flush=True)
    ingest_s = time.perf_counter() - t1
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(pristine) + suffix)
        p.unlink(missing_ok=True)
        src = Path(str(db) + suffix)
        if src.exists():
            shutil.copy2(src, p)
    info = {
        "params": params,
        "made": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "anchor_day_utc": time.strftime("%Y-%m-%d", time.gmtime(anchor_day * 86400)),
        "anchor_epoch": anchor_day * 86400,
        "head": head,
        "ingest_binary_sha256": sha,
        "source_files": len(ws.modules) + 1 + len(ws.tests),
        "source_lines": lines,
        "big_functions": len(ws.big.funcs),
        "module_functions": sum(len(m.funcs) for m in ws.modules),
        "generate_sources_s": round(gen_s, 2),
        "ingest_total_s": round(ingest_s, 2),
        "ingest_junit_run_median_s": round(statistics.median(times), 3) if times else None,
        "ingest_junit_lcov_run_median_s": round(statistics.median(cov_times), 3) if cov_times else None,
        "history_db_mb": round(db.stat().st_size / 1e6, 1),
        "totals": totals,
    }
    stamp_path.write_text(json.dumps(info, indent=1))
    print(f"   ingested in {ingest_s:.0f} s (a JUnit run {info['ingest_junit_run_median_s']} s, with lcov "
          f"{info['ingest_junit_lcov_run_median_s']} s; median); history {info['history_db_mb']} MB", flush=True)
    info["reused"] = False
    return ws, info


def restore_history(out: Path, ws_root: Path) -> Path:
    db = ws_root / ".testlens/history.db"
    db.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(db) + suffix).unlink(missing_ok=True)
        src = Path(str(out / "history-pristine.db") + suffix)
        if src.exists():
            shutil.copy2(src, Path(str(db) + suffix))
    return db


# ====================================================================================== measuring


def lsp_capabilities() -> dict:
    caps = capabilities()
    caps["workspace"]["inlayHint"] = {"refreshSupport": True}
    caps["workspace"]["codeLens"] = {"refreshSupport": True}
    caps["textDocument"]["codeLens"] = {"dynamicRegistration": False}
    return caps


def stats(lat: list[float]) -> dict:
    s = sorted(lat)
    return {
        "n": len(s),
        "p50_ms": round(percentile(s, 50), 3),
        "p95_ms": round(percentile(s, 95), 3),
        "p99_ms": round(percentile(s, 99), 3),
        "max_ms": round(s[-1], 3) if s else None,
    }


def action_positions(ws: Workspace, count: int, seed: int, runs: int) -> list[tuple[str, str, int, int]]:
    """Where code actions are asked: (path, text, line, character). Half on function names of
    big.py (the generation action), half on the assert lines of tests, broken ones first (the
    expected-value fix reads the history and git there), then flaky and plain ones."""
    rng = random.Random(f"{seed}:actions")
    out = []
    for _ in range(count // 2):
        f = rng.choice(ws.big.funcs)
        line = ws.big.text.split("\n")[f.def_line]
        out.append((ws.big.path, ws.big.text, f.def_line, line.index(f.name) + 1))
    broken = [t for t in range(len(ws.cases)) if outcome(seed, t, runs, runs) == "fail" and not ws.cases[t].skipped]
    others = [t for t in range(len(ws.cases)) if not ws.cases[t].skipped]
    picks = broken[: count // 4] + rng.sample(others, count - count // 2 - min(len(broken), count // 4))
    for t in picks:
        c = ws.cases[t]
        src = ws.tests[c.file]
        line = src.text.split("\n")[c.line - 1]
        out.append((src.path, src.text, c.line - 1, len(line) - len(line.lstrip()) + 2))
    rng.shuffle(out)
    return out


def code_actions(client: Client, root: Path, positions: list[tuple[str, str, int, int]]) -> tuple[list[float], dict]:
    """One textDocument/codeAction per position (each file opened once, untimed)."""
    opened = set()
    lat = []
    errors = 0
    titles: dict[str, int] = {}
    for path, text, line, ch in positions:
        doc_uri = uri(root / path)
        if doc_uri not in opened:
            client.notify("textDocument/didOpen", {"textDocument": {"uri": doc_uri, "languageId": "python", "version": 1, "text": text}})
            opened.add(doc_uri)
        params = {"textDocument": {"uri": doc_uri},
                  "range": {"start": {"line": line, "character": ch}, "end": {"line": line, "character": ch}},
                  "context": {"diagnostics": []}}
        rid, data = client.request_bytes("textDocument/codeAction", params)
        sent = client.write_raw(data)
        resp = client.wait(rid, timeout=120)
        lat.append((resp.arrived_ns - sent) / 1e6)
        if "error" in resp.message:
            # Counted, not fatal: jedi-language-server answers some positions with an error.
            errors += 1
            continue
        for a in resp.result or []:
            title = a.get("title", "")
            key = re.sub(r"\s*[`\d(].*$", "", title) or title
            titles[key] = titles.get(key, 0) + 1
    return lat, {"titles": titles, "errors": errors}


def label_of(h: dict) -> str:
    return h["label"] if isinstance(h["label"], str) else "".join(p["value"] for p in h["label"])


def mb(kb: int | None) -> float | None:
    return round(kb / 1024, 1) if kb is not None else None


class Session:
    """One `testlens lsp` on the workspace, with the progress and refresh requests tracked."""

    def __init__(self, binary: Path, root: Path, args: list[str], log: Path):
        self.indexing_tokens: set = set()
        self.index_ended: list[int] = []

        def on_note(method, params, arrived):
            if method != "$/progress" or not isinstance(params, dict):
                return
            value = params.get("value", {})
            if value.get("kind") == "begin" and "indexing" in (value.get("title") or ""):
                self.indexing_tokens.add(json.dumps(params.get("token")))
            elif value.get("kind") == "end" and json.dumps(params.get("token")) in self.indexing_tokens:
                self.index_ended.append(arrived)

        self.client = Client(binary, args=args, cwd=root, stderr_path=log, env={"TESTLENS_LOG": "info"}, on_notification=on_note)
        self.client.keep_notifications = False
        self.root = root

    def refreshes(self, after_ns: int = 0) -> list[int]:
        return [t for t, m in list(self.client.server_requests) if m == "workspace/inlayHint/refresh" and t >= after_ns]

    def start(self, history_expected: bool, load_timeout: float, wait_s: float = 300) -> dict:
        c = self.client
        c.initialize(self.root, lsp_capabilities())
        t0 = c.notify("initialized", {})
        deadline = time.monotonic() + wait_s
        while not self.index_ended and time.monotonic() < deadline:
            time.sleep(0.005)
        if not self.index_ended:
            raise LspError(f"the indexing progress did not end within {wait_s} s")
        out = {"index_s": round((self.index_ended[0] - t0) / 1e9, 3)}
        # The history is loaded on its own thread; each load ends in a refresh request. Wait for
        # the first, then for 1.5 s without another (a second load follows the git churn).
        if history_expected:
            deadline = time.monotonic() + load_timeout
            while not self.refreshes() and time.monotonic() < deadline:
                time.sleep(0.005)
            while self.refreshes() and time.monotonic() < deadline:
                last = self.refreshes()[-1]
                if time.perf_counter_ns() - last > 1.5e9:
                    break
                time.sleep(0.02)
            r = self.refreshes()
            out["history_refreshes_at_start"] = len(r)
            out["first_refresh_s"] = round((r[0] - t0) / 1e9, 3) if r else None
            out["last_refresh_s"] = round((r[-1] - t0) / 1e9, 3) if r else None
        else:
            time.sleep(1.5)
        out["rss_after_index_kb"] = c.vm_status().get("VmRSS")
        return out


def open_big(client: Client, ws: Workspace) -> tuple[str, dict, float]:
    path = ws.root / ws.big.path
    doc_uri = uri(path)
    t0 = client.notify("textDocument/didOpen", {"textDocument": {"uri": doc_uri, "languageId": "python", "version": 1, "text": ws.big.text}})
    n = ws.big.text.count("\n")
    params = {"textDocument": {"uri": doc_uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": n, "character": 0}}}
    rid, _ = client.send_request("textDocument/inlayHint", params)
    first = client.wait(rid, timeout=120)
    return doc_uri, params, (first.arrived_ns - t0) / 1e6


def hover_positions(ws: Workspace, count: int, seed: int) -> list[tuple[int, int, str]]:
    rng = random.Random(f"{seed}:hovers")
    out = []
    for _ in range(count):
        f = rng.choice(ws.big.funcs)
        out.append((f.def_line, 4 + rng.randrange(len(f.name)), f.name))
    return out


def hovers(client: Client, doc_uri: str, positions: list[tuple[int, int, str]]) -> tuple[list[float], dict]:
    lat = []
    empty = 0
    with_history = 0
    sample = None
    for line, ch, name in positions:
        rid, data = client.request_bytes("textDocument/hover", {"textDocument": {"uri": doc_uri}, "position": {"line": line, "character": ch}})
        sent = client.write_raw(data)
        resp = client.wait(rid)
        lat.append((resp.arrived_ns - sent) / 1e6)
        result = resp.result
        if not result:
            empty += 1
            continue
        contents = result.get("contents")
        text = contents.get("value", "") if isinstance(contents, dict) else json.dumps(contents)
        if "Coverage" in text or "risk" in text:
            with_history += 1
        if sample is None or ("Tests covering" in text and "Tests covering" not in sample):
            sample = text
    return lat, {"empty": empty, "with_history": with_history, "sample": sample}


def inlay_rounds(client: Client, params: dict, count: int) -> tuple[list[float], dict]:
    lat = []
    counts = []
    kinds = {"cx": 0, "cov": 0, "risk": 0, "other": 0}
    samples: dict[str, str] = {}
    for k in range(count):
        rid, data = client.request_bytes("textDocument/inlayHint", params)
        sent = client.write_raw(data)
        resp = client.wait(rid)
        lat.append((resp.arrived_ns - sent) / 1e6)
        hints = resp.result or []
        counts.append(len(hints))
        if k == 0:
            for h in hints:
                label = label_of(h).strip()
                kind = "cov" if "cov" in label else "risk" if label.startswith("risk") else "cx" if label.startswith("cx") else "other"
                kinds[kind] += 1
                samples.setdefault(kind, label)
    return lat, {"hints_first": counts[0] if counts else 0, "hints_min": min(counts, default=0), "hints_max": max(counts, default=0),
                 "labels_by_kind": kinds, "label_samples": samples}


def refresh_rounds(session: Session, binary: Path, ws: Workspace, db: Path, args, head: str, params: dict) -> list[dict]:
    c = session.client
    rounds = []
    by_file = {i: s for i, s in enumerate(ws.tests)}
    tmp = args.out / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    for k in range(args.refresh_rounds):
        run = args.runs + 1 + k
        junit = tmp / f"run-{run:03d}-junit.xml"
        lcov = tmp / f"run-{run:03d}-lcov.info"
        write_junit(junit, args.seed, run, args.runs, ws.cases, by_file, time.time())
        write_lcov(lcov, args.seed, run, ws.modules + [ws.big])
        time.sleep(1.0)  # quiet before
        cmd = [str(binary), "ingest", "--db", str(db), "--run-id", f"run-{run:03d}", "--commit", head, str(junit), str(lcov)]
        started = time.perf_counter_ns()
        p = subprocess.Popen(cmd, cwd=ws.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # Popen.wait() returns as soon as waitpid reaps the child: the exit, to within the wakeup.
        p.wait()
        exited = time.perf_counter_ns()
        out, err = p.communicate()
        if p.returncode != 0:
            raise RuntimeError(f"ingest of run {run} failed: {err.decode(errors='replace')}")
        deadline = time.monotonic() + args.refresh_timeout
        while not session.refreshes(exited) and time.monotonic() < deadline:
            time.sleep(0.001)
        after = session.refreshes(exited)
        during = session.refreshes(started)
        during = [t for t in during if t < exited]
        row = {
            "run": run,
            "ingest_s": round((exited - started) / 1e9, 3),
            "refreshes_during_ingest": len(during),
            "exit_to_refresh_ms": round((after[0] - exited) / 1e6, 2) if after else None,
        }
        if not after and during:
            # The server saw the commit before the process had exited: negative, and said so.
            row["exit_to_refresh_ms"] = round((during[-1] - exited) / 1e6, 2)
            row["refresh_before_exit"] = True
        if after or during:
            # What the editor does next: pull the hints again.
            rid, data = c.request_bytes("textDocument/inlayHint", params)
            sent = c.write_raw(data)
            resp = c.wait(rid)
            row["hints_after_refresh_ms"] = round((resp.arrived_ns - sent) / 1e6, 2)
        # Let any further refresh of the same ingest come in (until 1.5 s without one), and count it.
        quiet_deadline = time.monotonic() + args.refresh_timeout
        while time.monotonic() < quiet_deadline:
            r = session.refreshes(exited)
            if r and time.perf_counter_ns() - r[-1] > 1.5e9:
                break
            if not r and time.monotonic() > deadline:
                break
            time.sleep(0.02)
        later = session.refreshes(exited)
        row["refreshes_after_exit"] = len(later)
        row["exit_to_last_refresh_ms"] = round((later[-1] - exited) / 1e6, 2) if later else None
        code_lens = [t for t, m in list(c.server_requests) if m == "workspace/codeLens/refresh" and t >= exited]
        row["code_lens_refreshes_after_exit"] = len(code_lens)
        rounds.append(row)
        print(f"   refresh round {k + 1}: ingest {row['ingest_s']:.2f} s, exit → inlayHint/refresh "
              f"{row['exit_to_refresh_ms'] if row['exit_to_refresh_ms'] is not None else 'NONE within %ss' % args.refresh_timeout} ms, "
              f"refreshes during ingest {len(during)}, after exit {row['refreshes_after_exit']} (the last "
              f"{row['exit_to_last_refresh_ms']} ms after exit)", flush=True)
        junit.unlink()
        lcov.unlink()
    return rounds


def testlens_session(binary: Path, ws: Workspace, db_arg: list[str], positions, args, log: Path, history: bool, db: Path | None, head: str) -> dict:
    s = Session(binary, ws.root, db_arg, log)
    c = s.client
    try:
        out = s.start(history, args.load_timeout)
        doc_uri, params, open_ms = open_big(c, ws)
        out["open_to_first_hints_ms"] = round(open_ms, 2)
        lat, info = hovers(c, doc_uri, positions)
        out["hover"] = stats(lat) | info
        lat, info = inlay_rounds(c, params, args.inlays)
        out["inlay"] = stats(lat) | info
        if args.actions:
            lat, info = code_actions(c, ws.root, action_positions(ws, args.actions, args.seed, args.runs))
            out["code_action"] = stats(lat) | info
        out["rss_after_rounds_kb"] = c.vm_status().get("VmRSS")
        if history and args.refresh_rounds:
            out["refresh"] = refresh_rounds(s, binary, ws, db, args, head, params)
        out["vm_hwm_kb"] = c.vm_status().get("VmHWM")
        out["server_requests"] = sorted({m for _, m in c.server_requests})
        out["protocol_errors"] = c.protocol_errors[:5]
    finally:
        c.shutdown()
    return out


def jedi_session(command: list[str], ws: Workspace, positions, log: Path, args) -> dict:
    c = Client(command[0], command=command, cwd=ws.root, stderr_path=log)
    c.keep_notifications = False
    try:
        c.initialize(ws.root, lsp_capabilities())
        c.notify("initialized", {})
        doc_uri = uri(ws.root / ws.big.path)
        t0 = c.notify("textDocument/didOpen", {"textDocument": {"uri": doc_uri, "languageId": "python", "version": 1, "text": ws.big.text}})
        line, ch, _ = positions[0]
        rid, _ = c.send_request("textDocument/hover", {"textDocument": {"uri": doc_uri}, "position": {"line": line, "character": ch}})
        warm = c.wait(rid, timeout=120)
        first_ms = (warm.arrived_ns - t0) / 1e6
        lat, info = hovers(c, doc_uri, positions)
        rss = c.vm_status()
        actions = None
        if args.actions:
            alat, ainfo = code_actions(c, ws.root, action_positions(ws, args.actions, args.seed, args.runs))
            actions = stats(alat) | ainfo
    finally:
        c.shutdown()
    return {"open_to_first_hover_ms": round(first_ms, 2), "hover": stats(lat) | {"empty": info["empty"], "sample": (info["sample"] or "")[:300]},
            "rss_kb": rss.get("VmRSS"), "code_action": actions}


def lsp_has_db_flag(binary: Path) -> bool:
    p = subprocess.run([str(binary), "lsp", "--help"], capture_output=True, text=True)
    return "--db" in p.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", type=Path, default=REPO / "target/release/testlens")
    parser.add_argument("--out", type=Path, default=REPO / "target/bench-history")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--tests", type=int, default=5_000)
    parser.add_argument("--files", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--hovers", type=int, default=500)
    parser.add_argument("--inlays", type=int, default=500)
    parser.add_argument("--actions", type=int, default=500, help="textDocument/codeAction requests (0: none)")
    parser.add_argument("--refresh-rounds", type=int, default=5)
    parser.add_argument("--refresh-timeout", type=float, default=10.0, help="seconds to wait for a refresh request")
    parser.add_argument("--load-timeout", type=float, default=60.0, help="seconds to wait, after indexing, for the history's first refresh")
    parser.add_argument("--skip-peer", action="store_true", help="do not measure jedi-language-server")
    parser.add_argument("--peer", default=str(REPO / "target/bench-venv/bin/jedi-language-server"))
    parser.add_argument("--gen-only", action="store_true", help="make the workspace and history, measure nothing")
    parser.add_argument("--regenerate", action="store_true", help="make the workspace and history anew")
    parser.add_argument("--json", type=Path, default=None, help="default: <out>/results.json")
    args = parser.parse_args()
    args.out = args.out.resolve()
    json_path = args.json or args.out / "results.json"

    if not args.binary.exists():
        print(f"no binary at {args.binary}: run `cargo build --release --bin testlens` first", file=sys.stderr)
        return 2
    started = machine()
    binary, started["binary_sha256"] = snapshot_binary(args.binary, args.out / "bin")
    print(f"testlens at {started['commit']}, binary sha256 {started['binary_sha256'][:16]}; {started['nproc']} cores, {started['cpu']}", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    ws, gen = prepare(args, binary, started["binary_sha256"])
    if args.gen_only:
        return 0
    head = git(ws.root, "rev-parse", "HEAD")
    db = restore_history(args.out, ws.root)
    has_db = lsp_has_db_flag(binary)
    positions = hover_positions(ws, args.hovers, args.seed)
    logs = args.out / "logs"
    logs.mkdir(exist_ok=True)
    # The machine is shared: the load average says how much else ran meanwhile.
    results: dict = {"machine": started, "workspace": gen, "goals": GOALS, "lsp_db_flag": has_db, "loadavg_at_start": os.getloadavg()}

    print(f"== testlens lsp with the history ({'--db ' + str(db) if has_db else 'its default .testlens/history.db'})", flush=True)
    with_h = testlens_session(binary, ws, ["--db", str(db)] if has_db else [], positions, args, logs / "with-history.log", True, db, head)
    results["with_history"] = with_h
    missing = ws.root / ".testlens/no-such-history.db"
    print(f"== testlens lsp without a history ({'--db ' + str(missing) if has_db else 'TESTLENS_DB=' + str(missing)})", flush=True)
    if has_db:
        without = testlens_session(binary, ws, ["--db", str(missing)], positions, args, logs / "without-history.log", False, None, head)
    else:
        os.environ["TESTLENS_DB"] = str(missing)
        try:
            without = testlens_session(binary, ws, [], positions, args, logs / "without-history.log", False, None, head)
        finally:
            del os.environ["TESTLENS_DB"]
    results["without_history"] = without

    peer = None
    if not args.skip_peer:
        if Path(args.peer).exists():
            print(f"== peer: {args.peer}", flush=True)
            try:
                peer = jedi_session([args.peer], ws, positions, logs / "jedi.log", args)
                v = subprocess.run([str(Path(args.peer).parent / "python"), "-c", "import importlib.metadata as m; print(m.version('jedi-language-server'), m.version('jedi'))"],
                                   capture_output=True, text=True).stdout.split()
                peer["version"] = {"jedi-language-server": v[0], "jedi": v[1]} if len(v) == 2 else None
            except (LspError, OSError) as e:
                peer = {"error": str(e)}
        else:
            peer = {"error": f"{args.peer} is not installed (history_bench.sh installs it)"}
    results["peer_jedi"] = peer

    # ---------------------------------------------------------------------------- summary
    wh, wo = with_h, without
    extra_index = mb(wh["rss_after_index_kb"] - wo["rss_after_index_kb"]) if wh.get("rss_after_index_kb") and wo.get("rss_after_index_kb") else None
    extra_rounds = mb(wh["rss_after_rounds_kb"] - wo["rss_after_rounds_kb"]) if wh.get("rss_after_rounds_kb") and wo.get("rss_after_rounds_kb") else None
    refresh = [r["exit_to_refresh_ms"] for r in wh.get("refresh", [])]
    got = [x for x in refresh if x is not None]
    summary = {
        "hover_p99_ms": wh["hover"]["p99_ms"],
        "inlay_p99_ms": wh["inlay"]["p99_ms"],
        "refresh_max_ms": max(got) if got and len(got) == len(refresh) else None,
        "refresh_median_ms": statistics.median(got) if got else None,
        "refresh_missing": len(refresh) - len(got),
        "refresh_last_per_round_ms": [r.get("exit_to_last_refresh_ms") for r in wh.get("refresh", [])],
        "extra_rss_after_index_mb": extra_index,
        "extra_rss_after_rounds_mb": extra_rounds,
        "peer_hover_p99_ms": peer["hover"]["p99_ms"] if peer and "hover" in peer else None,
        "code_action_p99_ms": wh["code_action"]["p99_ms"] if wh.get("code_action") else None,
        "peer_code_action_p99_ms": peer["code_action"]["p99_ms"] if peer and peer.get("code_action") else None,
    }
    verdict = {
        "hover": summary["hover_p99_ms"] < GOALS["hover_p99_ms"],
        "inlay": summary["inlay_p99_ms"] < GOALS["inlay_p99_ms"],
        "refresh": summary["refresh_max_ms"] is not None and summary["refresh_max_ms"] < GOALS["refresh_ms"],
        "rss": extra_index is not None and extra_rounds is not None and max(extra_index, extra_rounds) < GOALS["extra_rss_mb"],
        "code_action": summary["code_action_p99_ms"] is not None and summary["code_action_p99_ms"] < GOALS["code_action_p99_ms"],
    }
    results["summary"] = summary
    results["verdict"] = verdict
    ended = machine()
    results["commit_at_end"] = ended["commit"]
    results["loadavg_at_end"] = os.getloadavg()

    def ms(d: dict) -> str:
        return f"{d['p50_ms']:.2f} / {d['p95_ms']:.2f} / {d['p99_ms']:.2f} / {d['max_ms']:.2f}"

    def ok(b: bool) -> str:
        return "met" if b else "**MISSED**"

    print()
    print(f"testlens {started['commit']} · {started['date']} · {started['nproc']} cores, {started['cpu']} · "
          f"{gen['params']['runs']} runs x {gen['params']['tests']} tests, {gen['params']['files']} modules + big.py ({gen['source_lines']:,} lines) · "
          f"load average {results['loadavg_at_start'][0]:.1f} at the start, {results['loadavg_at_end'][0]:.1f} at the end")
    print()
    print("| measure | goal | p50 / p95 / p99 / max (ms), or value | verdict |")
    print("|---|---|---|---|")
    print(f"| hover on a function name in big.py ({wh['hover']['n']}) | p99 < {GOALS['hover_p99_ms']:g} ms | {ms(wh['hover'])} | {ok(verdict['hover'])} |")
    print(f"| inlayHint, whole 5,000-line file ({wh['inlay']['n']}) | p99 < {GOALS['inlay_p99_ms']:g} ms | {ms(wh['inlay'])} | {ok(verdict['inlay'])} |")
    rf = ", ".join("none" if x is None else f"{x:.1f}" for x in refresh) or "not measured"
    last = [r.get("exit_to_last_refresh_ms") for r in wh.get("refresh", [])]
    if any(x is not None for x in last):
        rf += " (last refresh of each ingest: " + ", ".join("none" if x is None else f"{x:.1f}" for x in last) + ")"
    print(f"| ingest exit → workspace/inlayHint/refresh ({len(refresh)} rounds) | < {GOALS['refresh_ms']:g} ms | {rf} | {ok(verdict['refresh'])} |")
    print(f"| extra RSS with the history, after indexing / after the rounds | < {GOALS['extra_rss_mb']:g} MB | "
          f"{extra_index} / {extra_rounds} MB ({mb(wh['rss_after_index_kb'])} vs {mb(wo['rss_after_index_kb'])}; "
          f"{mb(wh['rss_after_rounds_kb'])} vs {mb(wo['rss_after_rounds_kb'])} MB) | {ok(verdict['rss'])} |")
    if wh.get("code_action"):
        ca = wh["code_action"]
        print(f"| textDocument/codeAction, big.py functions and test asserts ({ca['n']}) | p99 < {GOALS['code_action_p99_ms']:g} ms | {ms(ca)} | {ok(verdict['code_action'])} |")
        print(f"|   actions offered (by title) | | {ca['titles']} | |")
    if peer and peer.get("code_action"):
        print(f"| jedi-language-server codeAction, same positions ({peer['code_action']['n']}, {peer['code_action']['errors']} answered with an error) | | {ms(peer['code_action'])} | |")
    print(f"| hover, no history (`--db` missing) | | {ms(wo['hover'])} | |")
    print(f"| inlayHint, no history | | {ms(wo['inlay'])} | |")
    if peer and "hover" in peer:
        print(f"| peer: jedi-language-server {(peer.get('version') or {}).get('jedi-language-server', '?')} hover, same positions | | {ms(peer['hover'])} | |")
    elif peer:
        print(f"| peer: jedi-language-server | | {peer.get('error')} | |")
    else:
        print("| peer: jedi-language-server | | skipped (--skip-peer) | |")
    print()
    print(f"index: {wh['index_s']} s with the history, {wo['index_s']} s without; history loaded (first refresh) "
          f"{wh.get('first_refresh_s')} s after initialized, {wh.get('history_refreshes_at_start')} refresh(es) at start; "
          f"open big.py → first hints {wh['open_to_first_hints_ms']} ms")
    inl = wh["inlay"]
    print(f"hints per whole-file response: {inl['hints_first']} (min {inl['hints_min']}, max {inl['hints_max']}); "
          f"by kind {inl['labels_by_kind']}; samples {inl['label_samples']}")
    print(f"without history: {wo['inlay']['hints_first']} hints, {wo['inlay']['labels_by_kind']}")
    print(f"hovers: {wh['hover']['empty']} empty, {wh['hover']['with_history']} with coverage/risk (of {wh['hover']['n']})")
    if wh["hover"].get("sample"):
        print("sample hover:\n  " + wh["hover"]["sample"][:800].replace("\n", "\n  "))
    for r in wh.get("refresh", []):
        print(f"refresh round run-{r['run']:03d}: {r}")
    print(f"workspace: {'reused' if gen.get('reused') else 'generated'}; sources {gen['generate_sources_s']} s, "
          f"ingest of {gen['params']['runs']} runs {gen['ingest_total_s']} s; history {gen['history_db_mb']} MB")

    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results, indent=1))
    print(f"\nwrote {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
