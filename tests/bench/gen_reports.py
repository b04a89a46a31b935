#!/usr/bin/env python3
"""Large, realistic JUnit XML and lcov reports for the ingest benchmark, streamed to disk.

    python3 tests/bench/gen_reports.py                      # 1G of each (10^9 bytes)
    python3 tests/bench/gen_reports.py --size 100M          # 100 * 10^6 bytes of each
    python3 tests/bench/gen_reports.py --size 100M --kinds junit --out target/bench-reports
    python3 tests/bench/gen_reports.py --size 30M --kinds junit --style vitest   # one tool only

Writes, under --out (default target/bench-reports/):

    junit-<SIZE>.xml   + junit-<SIZE>.json   the report and what is in it
    lcov-<SIZE>.info   + lcov-<SIZE>.json

Sizes are decimal (K = 10^3, M = 10^6, G = 10^9); a file ends at the first suite or record
boundary at or past the size, so it is a few KB larger. The output is a function of the recipe
(RECIPE), the seed and the size only: the same arguments give the same bytes on any machine
(Python's `random.Random` with a seed is stable across versions for the calls used here). An
existing file whose sidecar says it was made by the same recipe, seed and size is kept, unless
--force.

The shapes imitate the real reports of fixtures/*/reports/run-*/, one suite or record at a time
in the style of one of three tools, chosen at random:

JUnit (`<testsuites>` holding many `<testsuite>`s, indented as nextest and Vitest write them):
  * pytest: classname `tests.<area>.<pkg>_<n>.test_<noun>[.Test<Noun>]`, names `test_<verb>_...`
    some parametrized (`[SAVE10-10]`); failures with a pytest traceback (`>`/`E` lines) and
    `<skipped type="pytest.skip" message=...>path:line: reason</skipped>`, some `<error>`s.
  * Vitest: classname the test file `src/<area>/<pkg>_<n>/<noun>.test.ts`, names describe paths
    joined by ` > ` (`&gt;` in the file), failures with an AssertionError and a ` ❯ ` stack.
  * cargo-nextest: classname the crate, names `tests::<module>::<test>`, a timestamp per case,
    panics (`thread '...' (PID) panicked at src/...rs:L:C:`) with `<system-out>` and
    `<system-err>` as nextest writes them.
  About 1% of cases fail (`<failure message=...>` with a multi-line trace), 2% are skipped,
  0.2% error (pytest only), and about 3% carry a `<system-out>`. Every (classname, name) pair
  is unique in the file, so a store that keys on it keeps every result.

lcov (`SF` ... `end_of_record` per source file):
  * c8/Vitest: `TN:`, `FN:line,name`, `FNF`/`FNH`, `FNDA:hits,name`, `DA:line,hits`, `LF`/`LH`,
    `BRDA:line,block,branch,taken`, `BRF`/`BRH`.
  * coverage.py: `DA`, `LF`/`LH`, then `FN:start,end,name`/`FNDA` pairs, `FNF`/`FNH`.
  * llvm-cov (Rust): mangled `FN:line,_RNv...` names, `FNDA`, `FNF`/`FNH`, `DA`, `BRF:0`,
    `BRH:0`, `LF`/`LH`.
  Source files of 30 to 600 executable lines, ~80% of them hit; paths unique in the file.

Standard library only. Memory stays flat: one suite or record is built at a time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RECIPE = "gen_reports v1"
SEED = 20261122

AREAS = [
    "billing", "checkout", "auth", "inventory", "search", "shipping", "catalog", "accounts",
    "payments", "notifications", "reports", "storage", "scheduler", "api", "cli", "parser",
    "cache", "session", "orders", "pricing", "export", "importer", "webhooks", "audit",
]
NOUNS = [
    "invoice", "cart", "discount", "refund", "token", "user", "order", "receipt", "coupon",
    "address", "parcel", "query", "index", "ranking", "currency", "tax", "ledger", "quota",
    "retry", "backoff", "cursor", "page", "filter", "schema", "config", "session", "cookie",
    "upload", "thumbnail", "webhook", "signature", "timezone", "calendar", "report", "csv",
]
VERBS = [
    "rejects", "accepts", "parses", "rounds", "computes", "renders", "retries", "caches",
    "expires", "merges", "splits", "sorts", "validates", "normalizes", "serializes", "escapes",
    "skips", "keeps", "drops", "refreshes", "limits", "paginates", "groups", "returns",
]
OBJECTS = [
    "empty_lines", "negative_quantity", "unicode_names", "half_even", "missing_fields",
    "duplicate_keys", "expired_tokens", "large_payloads", "zero_totals", "nested_groups",
    "trailing_slash", "mixed_case", "leap_days", "utc_offsets", "invalid_utf8", "long_names",
    "free_shipping", "gold_members", "stale_entries", "concurrent_writes", "partial_refunds",
]
CONDS = [
    "", "", "", "when_empty", "on_timeout", "for_guests", "after_restart", "with_cache",
    "without_network", "in_dry_run", "under_load", "twice", "in_order", "for_members",
]
PARAMS = ["SAVE10-10", "SAVE20-20", "STAFF-7-30", "nope-0", "pear", "pear:x:1", "utf8-naïve",
          "en_US", "de_DE", "ja_JP", "0", "1", "-1", "None", "True", "big-10000"]
DESCRIBE_WORDS = ["cart", "pricing", "shipping", "parseItem", "receipt", "auth", "session",
                  "search", "ranking", "currency", "webhooks", "retry policy", "CSV export"]
IT_PHRASES = [
    "skips empty and free lines", "rejects a negative quantity", "keeps unicode in the header",
    "rounds half to even", "charges guests a surcharge", "ships a heavy gold cart for free",
    "returns 0 for an unknown code", "retries three times then gives up", "caches the result",
    "expires after an hour", "sorts by price then name", "escapes <script> tags & quotes",
    "parses a valid line", "merges overlapping ranges", "paginates past the last page",
]
SKIP_REASONS = ["needs a real payment gateway", "unconditional skip", "flaky on CI (#4121)",
                "requires network", "not implemented on this platform", "slow; run with --slow"]


def parse_size(s: str) -> int:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?)B?\s*", s, re.IGNORECASE)
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {s!r} (e.g. 100M, 1G)")
    mult = {"": 1, "K": 10**3, "M": 10**6, "G": 10**9}[m.group(2).upper()]
    return int(float(m.group(1)) * mult)


def size_label(n: int) -> str:
    for unit, mult in (("G", 10**9), ("M", 10**6), ("K", 10**3)):
        if n >= mult and n % mult == 0:
            return f"{n // mult}{unit}"
    return str(n)


def esc(s: str) -> str:
    """XML attribute/text escaping as the real reporters write it."""
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&apos;"))


class Counter:
    def __init__(self) -> None:
        self.n: dict[str, int] = {}

    def add(self, key: str, k: int = 1) -> None:
        self.n[key] = self.n.get(key, 0) + k


# ------------------------------------------------------------------------------------ JUnit


def _py_suite(r: random.Random, idx: int, ts: float, c: Counter) -> tuple[str, float]:
    area = r.choice(AREAS)
    noun = r.choice(NOUNS)
    module = f"tests.{area}.{r.choice(NOUNS)}s_{idx}.test_{noun}"
    path = module.replace(".", "/") + ".py"
    n = r.randint(5, 60)
    seen: set[str] = set()
    cases = []
    fails = skips = errs = 0
    total = 0.0
    for _ in range(n):
        cls = module if r.random() < 0.6 else f"{module}.Test{noun.capitalize()}{r.choice(['', 'Api', 'Edge'])}"
        name = f"test_{r.choice(VERBS)}_{r.choice(OBJECTS)}"
        cond = r.choice(CONDS)
        if cond:
            name += "_" + cond
        if r.random() < 0.25:
            name += f"[{r.choice(PARAMS)}]"
        while (cls, name) in seen:
            name = name.rsplit("[", 1)[0] + f"[case-{len(seen)}]"
        seen.add((cls, name))
        t = r.random() * 0.05
        total += t
        line = r.randint(5, 400)
        head = f'<testcase classname="{esc(cls)}" name="{esc(name)}" time="{t:.3f}"'
        x = r.random()
        if x < 0.01:
            fails += 1
            got, want = r.randint(0, 999), r.randint(0, 999)
            msg = f"AssertionError: assert {got} == {want}"
            fn = name.split("[")[0]
            trace = (
                f"self = &lt;{esc(cls)} object at 0x7f{r.randrange(16**10):010x}&gt;\n\n"
                f"    def {fn}(self):\n"
                f"        cart = make_cart(items={r.randint(1, 9)})\n"
                f"&gt;       assert total(cart) == {want}\n"
                f"E       assert {got} == {want}\n"
                f"E        +  where {got} = total(&lt;Cart items={r.randint(1, 9)}&gt;)\n\n"
                f"{path}:{line}: AssertionError"
            )
            cases.append(f'{head}>\n            <failure message="{esc(msg)}">{trace}</failure>\n        </testcase>')
        elif x < 0.03:
            skips += 1
            reason = r.choice(SKIP_REASONS)
            cases.append(f'{head}>\n            <skipped type="pytest.skip" message="{esc(reason)}">'
                         f'/work/app/{path}:{line}: {esc(reason)}</skipped>\n        </testcase>')
        elif x < 0.032:
            errs += 1
            cases.append(
                f'{head}>\n            <error message="failed on setup with &quot;ConnectionRefusedError: [Errno 111] Connection refused&quot;">'
                f"@pytest.fixture\n    def db():\n&gt;       return connect(DSN)\n"
                f"E       ConnectionRefusedError: [Errno 111] Connection refused\n\n"
                f"tests/conftest.py:{r.randint(10, 90)}: ConnectionRefusedError</error>\n        </testcase>")
        elif x < 0.062:
            c.add("system_out")
            out = "\n".join(f"DEBUG {area}: step {k} ok ({r.randint(1, 999)} ms)" for k in range(r.randint(1, 6)))
            cases.append(f'{head}>\n            <system-out>{out}\n</system-out>\n        </testcase>')
        else:
            cases.append(head + " />")
    c.add("testcases", n)
    c.add("failures", fails)
    c.add("skipped", skips)
    c.add("errors", errs)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + f".{r.randrange(10**6):06d}+00:00"
    body = "\n        ".join(cases)
    return (f'    <testsuite name="pytest" errors="{errs}" failures="{fails}" skipped="{skips}" tests="{n}" '
            f'time="{total:.3f}" timestamp="{stamp}" hostname="ci-runner-{r.randint(1, 40)}">\n'
            f"        {body}\n    </testsuite>\n"), total


def _ts_suite(r: random.Random, idx: int, ts: float, c: Counter) -> tuple[str, float]:
    area = r.choice(AREAS)
    file = f"src/{area}/{r.choice(NOUNS)}s_{idx}/{r.choice(NOUNS)}.test.ts"
    n = r.randint(5, 60)
    top = r.choice(DESCRIBE_WORDS)
    seen: set[str] = set()
    cases = []
    fails = skips = 0
    total = 0.0
    for _ in range(n):
        parts = [top]
        if r.random() < 0.6:
            parts.append(r.choice(DESCRIBE_WORDS))
        if r.random() < 0.2:
            parts.append(r.choice(["edge cases", "with a coupon", "for guests", "in UTC", "naïve → aware"]))
        it = r.choice(IT_PHRASES)
        if r.random() < 0.3:
            it += f" ({r.choice(PARAMS)})"
        name = " > ".join(parts + [it])
        while name in seen:
            name = f"{name} #{len(seen)}"
        seen.add(name)
        t = r.random() * 0.004
        total += t
        head = f'<testcase classname="{esc(file)}" name="{esc(name)}" time="{t:.9f}">'
        x = r.random()
        line, col = r.randint(5, 300), r.randint(3, 40)
        if x < 0.01:
            fails += 1
            got, want = r.randint(0, 999), r.randint(0, 999)
            msg = f"expected {got} to be {want} // Object.is equality"
            trace = (
                f"AssertionError: {msg}\n\n- Expected\n+ Received\n\n- {want}\n+ {got}\n\n"
                f" ❯ {file}:{line}:{col}\n"
                f" ❯ node_modules/@vitest/runner/dist/index.js:{r.randint(100, 900)}:{r.randint(5, 30)}\n"
                f" ❯ processTicksAndRejections node:internal/process/task_queues:95:5\n"
            )
            cases.append(f'{head}\n            <failure message="{esc(msg)}" type="AssertionError">\n{esc(trace)}            </failure>\n        </testcase>')
        elif x < 0.03:
            skips += 1
            cases.append(f"{head}\n            <skipped/>\n        </testcase>")
        elif x < 0.06:
            c.add("system_out")
            out = "\n".join(f"[{area}] {r.choice(VERBS)} {r.choice(NOUNS)} in {r.randint(1, 99)}ms" for _ in range(r.randint(1, 4)))
            cases.append(f"{head}\n            <system-out>\n{esc(out)}\n            </system-out>\n        </testcase>")
        else:
            cases.append(f"{head}\n        </testcase>")
    c.add("testcases", n)
    c.add("failures", fails)
    c.add("skipped", skips)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + f".{r.randrange(1000):03d}Z"
    body = "\n        ".join(cases)
    return (f'    <testsuite name="{esc(file)}" timestamp="{stamp}" hostname="vm" tests="{n}" failures="{fails}" '
            f'errors="0" skipped="{skips}" time="{total:.9f}">\n        {body}\n    </testsuite>\n'), total


def _rs_suite(r: random.Random, idx: int, ts: float, c: Counter) -> tuple[str, float]:
    crate = f"{r.choice(AREAS)}_{r.choice(NOUNS)}_{idx}"
    binary = crate if r.random() < 0.7 else f"{crate}::{r.choice(['integration', 'api', 'e2e'])}"
    n = r.randint(5, 60)
    seen: set[str] = set()
    cases = []
    fails = skips = 0
    total = 0.0
    t0 = ts
    for _ in range(n):
        mods = ["tests"] + ([r.choice(NOUNS)] if r.random() < 0.5 else [])
        name = "::".join(mods + [f"{r.choice(VERBS)}_{r.choice(OBJECTS)}" + (("_" + r.choice(CONDS)) if r.random() < 0.5 else "")])
        name = name.rstrip("_")
        while name in seen:
            name = f"{name}_{len(seen)}"
        seen.add(name)
        t = r.random() * 0.01
        total += t
        t0 += t
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t0)) + f".{int((t0 % 1) * 1000):03d}+00:00"
        head = f'<testcase name="{esc(name)}" classname="{esc(binary)}" timestamp="{stamp}" time="{t:.3f}"'
        x = r.random()
        if x < 0.01:
            fails += 1
            pid = r.randint(1000, 60000)
            line, col = r.randint(10, 900), r.randint(5, 30)
            msg = f"thread '{name}' ({pid}) panicked at src/{r.choice(NOUNS)}.rs:{line}:{col}"
            panic = (f"{msg}:\nassertion `left == right` failed: {r.choice(IT_PHRASES)}\n"
                     f"  left: Some({r.randint(0, 99)})\n right: Some({r.randint(0, 99)})\n"
                     "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace")
            out = (f"\nrunning 1 test\ntest {name} ... FAILED\n\nfailures:\n\nfailures:\n    {name}\n\n"
                   f"test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; {n - 1} filtered out; finished in 0.00s\n\n")
            cases.append(
                f'{head}>\n            <failure message="{esc(msg)}" type="test failure with exit code 101">{esc(panic)}</failure>\n'
                f"            <system-out>{esc(out)}</system-out>\n"
                f"            <system-err>\n{esc(panic)}\n</system-err>\n        </testcase>")
        elif x < 0.03:
            skips += 1
            cases.append(f"{head}>\n            <skipped/>\n        </testcase>")
        elif x < 0.06:
            c.add("system_out")
            out = f"\nrunning 1 test\ntest {name} ... ok\n\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; {n - 1} filtered out; finished in 0.00s\n\n"
            cases.append(f"{head}>\n            <system-out>{esc(out)}</system-out>\n        </testcase>")
        else:
            cases.append(head + "/>")
    c.add("testcases", n)
    c.add("failures", fails)
    c.add("skipped", skips)
    body = "\n        ".join(cases)
    return (f'    <testsuite name="{esc(binary)}" tests="{n}" skipped="{skips}" errors="0" failures="{fails}">\n'
            f"        {body}\n    </testsuite>\n"), total


STYLES = {"pytest": 0, "vitest": 1, "nextest": 2}


def gen_junit(path: Path, size: int, seed: int, style: str = "mixed") -> dict:
    r = random.Random(seed)
    c = Counter()
    ts = 1795325207.0  # 2026-11-22, as the fixtures
    written = 0
    suites = 0
    with open(path, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as f:
        head = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<testsuites name="bench run">\n')
        f.write(head)
        written += len(head.encode())
        while written < size:
            x = r.random()
            gen = _py_suite if x < 0.4 else _ts_suite if x < 0.75 else _rs_suite
            if style != "mixed":
                gen = (_py_suite, _ts_suite, _rs_suite)[STYLES[style]]
            text, dt = gen(r, suites, ts, c)
            ts += dt
            suites += 1
            f.write(text)
            written += len(text.encode())
        tail = "</testsuites>\n"
        f.write(tail)
        written += len(tail.encode())
    c.add("testsuites", suites)
    return {"bytes": written, **c.n}


# ------------------------------------------------------------------------------------- lcov


def _base(verb: str) -> str:
    """`retries` -> `retry`, `caches` -> `cache`, `merges` -> `merge`."""
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    if verb.endswith(("shes", "sses")):
        return verb[:-2]
    return verb[:-1] if verb.endswith("s") else verb


def _fn_names(r: random.Random, style: str, k: int) -> list[str]:
    names = []
    seen = set()
    while len(names) < k:
        v, n = r.choice(VERBS), r.choice(NOUNS)
        if style == "ts":
            name = _base(v) + n.capitalize() + (r.choice(["", "Async", "Sync", "V2"]))
        elif style == "py":
            name = (f"{n.capitalize()}.{_base(v)}" if r.random() < 0.5 else f"{_base(v)}_{n}")
        else:
            body = f"{len(n)}{n}{len(v)}{v}"
            name = f"_RNvNtCs{r.randrange(16**10):010x}_{len(n) + 3}{n}_rs{body}"
        if name in seen:
            name += f"_{len(names)}"
        seen.add(name)
        names.append(name)
    return names


def _lcov_record(r: random.Random, idx: int, c: Counter) -> str:
    x = r.random()
    style = "ts" if x < 0.4 else "py" if x < 0.7 else "rs"
    area, pkg, noun = r.choice(AREAS), r.choice(NOUNS), r.choice(NOUNS)
    path = {
        "ts": f"src/{area}/{pkg}s_{idx}/{noun}.ts",
        "py": f"app/{area}/{pkg}s_{idx}/{noun}.py",
        "rs": f"crates/{area}/src/{pkg}s_{idx}/{noun}.rs",
    }[style]
    nlines = r.randint(30, 600)
    # Executable lines: increasing, with gaps for blank lines, comments and signatures.
    lines = []
    ln = r.randint(1, 6)
    for _ in range(nlines):
        lines.append(ln)
        ln += 1 if r.random() < 0.7 else r.randint(2, 5)
    uncovered_from = r.random()  # per-file share of hit lines, ~80% on average
    hit_p = min(1.0, 0.55 + 0.5 * uncovered_from)
    hits = []
    for _ in lines:
        if r.random() < hit_p:
            hits.append(r.choice((1, 1, 1, 2, 3, 4, 6, 12, 40, 1000)))
        else:
            hits.append(0)
    lh = sum(1 for h in hits if h)
    nfn = max(1, nlines // r.randint(8, 20))
    names = _fn_names(r, style, nfn)
    starts = sorted(r.sample(lines, min(nfn, len(lines))))
    fnhits = [r.choice((0, 1, 2, 3, 7, 42)) if r.random() < 0.85 else 0 for _ in names]
    fnh = sum(1 for h in fnhits if h)
    da = "".join(f"DA:{l},{h}\n" for l, h in zip(lines, hits))
    out = []
    if style == "ts":
        out.append(f"TN:\nSF:{path}\n")
        out.append("".join(f"FN:{s},{n}\n" for s, n in zip(starts, names)))
        out.append(f"FNF:{len(names)}\nFNH:{fnh}\n")
        out.append("".join(f"FNDA:{h},{n}\n" for h, n in zip(fnhits, names)))
        out.append(da)
        out.append(f"LF:{len(lines)}\nLH:{lh}\n")
        nbr = r.randint(0, max(1, nlines // 5))
        brdas = []
        brh = 0
        for b in range(nbr):
            at = r.choice(lines)
            for br in range(2):
                taken = r.choice((0, 1, 2, 5, 9)) if r.random() < 0.9 else 0
                brh += taken > 0
                brdas.append(f"BRDA:{at},{b},{br},{taken}\n")
        out.append("".join(brdas))
        out.append(f"BRF:{len(brdas)}\nBRH:{brh}\nend_of_record\n")
        c.add("brda", len(brdas))
    elif style == "py":
        out.append(f"SF:{path}\n")
        out.append(da)
        out.append(f"LF:{len(lines)}\nLH:{lh}\n")
        for s, n, h in zip(starts, names, fnhits):
            out.append(f"FN:{s},{s + r.randint(1, 30)},{n}\nFNDA:{h},{n}\n")
        out.append(f"FNF:{len(names)}\nFNH:{fnh}\nend_of_record\n")
    else:
        out.append(f"SF:{path}\n")
        out.append("".join(f"FN:{s},{n}\n" for s, n in zip(starts, names)))
        out.append("".join(f"FNDA:{h},{n}\n" for h, n in zip(fnhits, names)))
        out.append(f"FNF:{len(names)}\nFNH:{fnh}\n")
        out.append(da)
        out.append(f"BRF:0\nBRH:0\nLF:{len(lines)}\nLH:{lh}\nend_of_record\n")
    c.add("records", 1)
    c.add("da", len(lines))
    c.add("lines_hit", lh)
    c.add("fn", len(names))
    return "".join(out)


def gen_lcov(path: Path, size: int, seed: int) -> dict:
    r = random.Random(seed ^ 0x1C0F)
    c = Counter()
    written = 0
    idx = 0
    with open(path, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as f:
        batch = []
        bsize = 0
        while written + bsize < size:
            rec = _lcov_record(r, idx, c)
            idx += 1
            batch.append(rec)
            bsize += len(rec)  # ASCII only
            if bsize > 1 << 20:
                f.write("".join(batch))
                written += bsize
                batch, bsize = [], 0
        f.write("".join(batch))
        written += bsize
    return {"bytes": written, **c.n}


# ------------------------------------------------------------------------------------- main


def sidecar_ok(report: Path, side: Path, size: int, seed: int, style: str) -> bool:
    try:
        meta = json.loads(side.read_text())
    except (OSError, ValueError):
        return False
    return (meta.get("recipe") == RECIPE and meta.get("seed") == seed and meta.get("size") == size
            and meta.get("style", "mixed") == style
            and report.exists() and report.stat().st_size == meta.get("bytes"))


def generate(kind: str, size: int, out: Path, seed: int, force: bool = False, quiet: bool = False,
             style: str = "mixed") -> dict:
    out.mkdir(parents=True, exist_ok=True)
    label = size_label(size)
    if kind == "lcov":
        style = "mixed"
    prefix = "junit" if style == "mixed" else f"junit-{style}"
    report = out / (f"{prefix}-{label}.xml" if kind == "junit" else f"lcov-{label}.info")
    side = report.with_suffix(".json")
    if not force and sidecar_ok(report, side, size, seed, style):
        meta = json.loads(side.read_text())
        if not quiet:
            print(f"{report}: up to date ({meta['bytes']:,} bytes)")
        return meta
    t0 = time.monotonic()
    tmp = report.with_name(report.name + ".part")
    counts = gen_junit(tmp, size, seed, style) if kind == "junit" else gen_lcov(tmp, size, seed)
    actual = tmp.stat().st_size
    if actual != counts["bytes"]:
        raise SystemExit(f"{tmp}: wrote {actual} bytes but counted {counts['bytes']}")
    os.replace(tmp, report)
    meta = {"recipe": RECIPE, "kind": kind, "style": style, "seed": seed, "size": size, "path": str(report),
            **counts, "generated_in_s": round(time.monotonic() - t0, 1)}
    side.write_text(json.dumps(meta, indent=2) + "\n")
    if not quiet:
        print(f"{report}: {actual:,} bytes in {meta['generated_in_s']} s; "
              + ", ".join(f"{k} {v:,}" for k, v in counts.items() if k != "bytes"))
    return meta


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=parse_size, action="append",
                    help="size of each file, decimal: 100M, 1G (default 1G; may be repeated)")
    ap.add_argument("--kinds", default="junit,lcov", help="junit,lcov (default both)")
    ap.add_argument("--out", type=Path, default=REPO / "target/bench-reports")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--style", choices=["mixed", *STYLES], default="mixed",
                    help="JUnit suites all in one tool's style (written as junit-STYLE-SIZE.xml) "
                         "instead of a mix of the three (default)")
    ap.add_argument("--force", action="store_true", help="regenerate even when up to date")
    args = ap.parse_args()
    for size in args.size or [10**9]:
        for kind in args.kinds.split(","):
            if kind not in ("junit", "lcov"):
                ap.error(f"unknown kind {kind!r}")
            generate(kind, size, args.out, args.seed, args.force, style=args.style)
    return 0


if __name__ == "__main__":
    sys.exit(main())
