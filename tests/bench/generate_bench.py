#!/usr/bin/env python3
"""Benchmark of test generation on the fixtures (docs/benchmarks.md, "Test generation").

For every public function of the five fixtures (python, typescript, javascript, go, rust), in a
temporary copy of the fixture: `testlens generate FILE:LINE --record --json`, then the project's
real runner on the new test alone (pass on unchanged code), then simple mutants of the function
(a changed constant, a flipped comparison, a negated `if`), each run against the new test (a
failing run kills the mutant). Also the code-action list latency of the generation action
through the real binary (`testlens lsp` over stdio). Prints a table; writes JSON to
target/bench-generate/.

    cargo build -p testlens && python3 tests/bench/generate_bench.py [--only python] [--requests 300]
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
BIN = Path(os.environ.get("TESTLENS_BIN") or Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target")) / "debug" / "testlens").resolve()
# The peer (`--peer pynguin`): Pynguin, installed by generate_bench.sh into this venv.
PYNGUIN = REPO / "target" / "bench-pynguin" / "bin" / "pynguin"
PYNGUIN_SECONDS = 60
PYNGUIN_SEED = 42
GO = shutil.which("go") or "/usr/lib/go-1.23/bin/go"
PYTHON = FIXTURES / ".venv" / "bin" / "python"

# language -> (source files, regex of a public function definition)
SOURCES = {
    # Top-level functions, and the public methods of classes (`    def add(self`).
    "python": (["shop/pricing.py", "shop/cart.py"], re.compile(r"^def ([a-z]\w*)\(|^    def ([a-z]\w*)\(self")),
    "typescript": (["src/pricing.ts", "src/cart.ts"], re.compile(r"^export (?:function (\w+)|const (\w+) = \()")),
    "javascript": (["src/pricing.js", "src/cart.js"], re.compile(r"^(?:function (\w+)|const (\w+) = \()")),
    "go": (["pricing.go", "cart.go"], re.compile(r"^func ([A-Z]\w*)\(")),
    # Free functions, and the public associated functions and methods of `impl` blocks.
    "rust": (["src/lib.rs"], re.compile(r"^pub fn (\w+)|^    pub fn (\w+)")),
}


def copy_fixture(language, into):
    src = FIXTURES / language
    dst = Path(into) / language
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("node_modules", "target", "reports", "__pycache__", ".venv"))
    if (src / "node_modules").is_dir():
        os.symlink(src / "node_modules", dst / "node_modules")
    return dst


def run(cmd, cwd, timeout=300, env=None):
    full_env = dict(os.environ, CI="1", NO_COLOR="1", FORCE_COLOR="0")
    full_env.update(env or {})
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=full_env)
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        return -1, "timeout"


def run_test(language, root, file, test):
    """Runs one generated test with the project's real runner; True if it ran and passed."""
    if language == "python":
        code, out = run([str(FIXTURES / ".venv/bin/pytest"), "-q", "-p", "no:cacheprovider", f"{file}::{test}"], root)
        return code == 0 and " passed" in out
    if language == "typescript":
        code, out = run([str(root / "node_modules/.bin/vitest"), "run", file, "-t", re.escape(test)], root)
        return code == 0 and "passed" in out
    if language == "javascript":
        code, out = run([str(root / "node_modules/.bin/jest"), "--ci", file, "-t", re.escape(test)], root)
        return code == 0 and "passed" in out
    if language == "go":
        code, out = run([GO, "test", "-count=1", "-run", f"^{test}$", "-v", "."], root)
        return code == 0 and f"--- PASS: {test}" in out
    if language == "rust":
        # In the crate's tests/ directory (an integration test) or in the library's test module.
        if Path(file).parts[0] == "tests":
            cmd = ["cargo", "test", "--test", Path(file).stem, test, "--", "--exact"]
        else:
            cmd = ["cargo", "test", "--lib", test]
        code, out = run(cmd, root, env={"CARGO_TARGET_DIR": str(root / "target")})
        return code == 0 and "1 passed" in out
    raise ValueError(language)


def function_span(language, text, line):
    """The (start, end) character offsets of the function defined on 1-based `line`."""
    lines = text.splitlines(keepends=True)
    start = sum(len(l) for l in lines[: line - 1])
    if language == "python":
        indent = len(lines[line - 1]) - len(lines[line - 1].lstrip())
        end = start + len(lines[line - 1])
        for l in lines[line:]:
            if l.strip() and len(l) - len(l.lstrip()) <= indent:
                break
            end += len(l)
        return start, end
    # An arrow function with an expression body (`const f = (x) => x.a === 0;`) ends with its
    # line; without this, the next function's body was taken for its body (and mutated).
    signature = lines[line - 1]
    arrow = signature.rfind("=>")
    if arrow >= 0 and not signature[arrow + 2 :].strip().startswith("{"):
        return start, start + len(signature.rstrip("\n"))
    # Brace languages: from the first `{` after the signature to its match.
    open_at = text.index("{", start)
    depth = 0
    for i in range(open_at, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return start, i + 1
    return start, len(text)


FLIPS = [("==", "!="), ("!=", "=="), ("<=", ">"), (">=", "<"), (" < ", " >= "), (" > ", " <= ")]


def mutants(language, body):
    """Simple mutants of a function's text: name -> mutated text (skipped where no site)."""
    out = {}
    # Skip the signature line so that default values and types stay as they are; a one-line
    # arrow function's body is what follows its `=>`.
    if "\n" not in body and "=>" in body:
        at = body.rfind("=>") + 2
        head, sep, rest = body[:at], "", body[at:]
    else:
        head, sep, rest = body.partition("\n")
    m = re.search(r"(?<![\w.])(\d+)(?![\w.])", rest)
    if m:
        n = int(m.group(1))
        out["constant"] = head + sep + rest[: m.start()] + str(n + 1) + rest[m.end():]
    else:
        s = re.search(r'"([^"\\\n]*)"', rest)
        if s:
            out["constant"] = head + sep + rest[: s.start()] + '"' + s.group(1) + 'X"' + rest[s.end():]
    for a, b in FLIPS:
        i = rest.find(a)
        if i >= 0 and not (a in ("<=", ">=") and rest[i - 1 : i] in "=!<>"):
            out["comparison"] = head + sep + rest[:i] + b + rest[i + len(a):]
            break
    if language == "python":
        c = re.search(r"\bif (.+):\n", rest)
        if c:
            out["branch"] = head + sep + rest[: c.start()] + f"if not ({c.group(1)}):\n" + rest[c.end():]
    elif language in ("typescript", "javascript"):
        c = re.search(r"\bif \((.+)\) \{", rest)
        if c:
            out["branch"] = head + sep + rest[: c.start()] + f"if (!({c.group(1)})) {{" + rest[c.end():]
    else:
        c = re.search(r"\bif (.+) \{", rest)
        if c:
            out["branch"] = head + sep + rest[: c.start()] + f"if !({c.group(1)}) {{" + rest[c.end():]
    return out


def bench_language(language, tmp):
    root = copy_fixture(language, tmp)
    files, pattern = SOURCES[language]
    results = []
    env = {"TESTLENS_PYTHON": str(PYTHON)}
    for rel in files:
        for lineno, line in enumerate((root / rel).read_text().splitlines(), 1):
            m = pattern.match(line)
            if not m:
                continue
            name = next(g for g in m.groups() if g)
            started = time.monotonic()
            code, out = run([str(BIN), "generate", f"{rel}:{lineno}", "--record", "--json"], root, env=env)
            entry = {"function": name, "file": rel, "line": lineno, "seconds": round(time.monotonic() - started, 2)}
            info = None
            for l in out.splitlines():
                if l.startswith("{"):
                    info = json.loads(l)
            if code != 0 or info is None:
                entry["generated"] = False
                entry["reason"] = [l for l in out.splitlines() if l.startswith("testlens:")][-1:] or out[-300:]
                results.append(entry)
                continue
            entry.update(generated=True, test=info["test"], test_file=info["file"], cases=info["cases"])
            entry["passes"] = run_test(language, root, info["file"], info["test"])
            # Mutants: the source is restored after each.
            source_path = root / rel
            original = source_path.read_text()
            # The line may have moved if the test went into the same file (Rust).
            start_line = next(i for i, l in enumerate(original.splitlines(), 1) if pattern.match(l) and name in pattern.match(l).groups())
            s, e = function_span(language, original, start_line)
            killed = {}
            for kind, mutated in mutants(language, original[s:e]).items():
                source_path.write_text(original[:s] + mutated + original[e:])
                try:
                    killed[kind] = not run_test(language, root, info["file"], info["test"])
                finally:
                    source_path.write_text(original)
            entry["mutants"] = killed
            results.append(entry)
    return results


def pynguin_tests(text):
    """The test functions of a Pynguin module: name -> body text."""
    out = {}
    for m in re.finditer(r"^def (test_\w+)\(\):\n((?:(?:    .*)?\n)*)", text, re.M):
        out[m.group(1)] = m.group(2)
    return out


def bench_pynguin(tmp):
    """The peer on the Python fixture, measured like testlens: for each public function (the same
    list), the Pynguin tests that call it (`.name(` in their body) are its tests; it has a passing
    test if one of them passes under pytest on unchanged code, and a mutant is killed if one of
    those that passed fails on it."""
    root = copy_fixture("python", tmp)
    out_dir = Path(tmp) / "pynguin-tests"
    files, pattern = SOURCES["python"]
    env = {"PYNGUIN_DANGER_AWARE": "1", "PYTHONPATH": str(root)}
    modules = {}
    for rel in files:
        module = rel[: -len(".py")].replace("/", ".")
        started = time.monotonic()
        code, out = run([str(PYNGUIN), "--project-path", str(root), "--module-name", module,
                         "--output-path", str(out_dir), "--maximum-search-time", str(PYNGUIN_SECONDS),
                         "--seed", str(PYNGUIN_SEED)], root, timeout=PYNGUIN_SECONDS * 5, env=env)
        test_file = out_dir / f"test_{module.replace('.', '_')}.py"
        if not test_file.exists():
            cands = sorted(out_dir.glob(f"test_*{module.split('.')[-1]}*.py"))
            test_file = cands[0] if cands else test_file
        modules[rel] = {"seconds": round(time.monotonic() - started, 1), "exit": code,
                        "file": str(test_file), "tests": pynguin_tests(test_file.read_text()) if test_file.exists() else {}}

    def passes(test_file, names):
        """The names of `names` that pass (an expected failure, xfail, counts as passing)."""
        if not names:
            return set()
        report = Path(tmp) / "pynguin-junit.xml"
        run([str(FIXTURES / ".venv/bin/pytest"), "-q", "-p", "no:cacheprovider", f"--junitxml={report}",
             *[f"{test_file}::{n}" for n in names]], root, env={"PYTHONPATH": str(root)})
        if not report.exists():
            return set()
        import xml.etree.ElementTree as ET
        ok = set()
        for case in ET.parse(report).iter("testcase"):
            if not any(child.tag in ("failure", "error") for child in case):
                ok.add(case.get("name"))
        report.unlink()
        return ok

    results = []
    for rel in files:
        info = modules[rel]
        for lineno, line in enumerate((root / rel).read_text().splitlines(), 1):
            m = pattern.match(line)
            if not m:
                continue
            name = next(g for g in m.groups() if g)
            mine = [t for t, body in info["tests"].items() if f".{name}(" in body]
            entry = {"function": name, "file": rel, "line": lineno, "generated": bool(mine), "tests": len(mine)}
            if not mine:
                entry["reason"] = "no Pynguin test calls it"
                results.append(entry)
                continue
            passing = sorted(passes(info["file"], mine))
            entry["passes"] = bool(passing)
            source_path = root / rel
            original = source_path.read_text()
            s, e = function_span("python", original, lineno)
            killed = {}
            if passing:
                for kind, mutated in mutants("python", original[s:e]).items():
                    source_path.write_text(original[:s] + mutated + original[e:])
                    try:
                        killed[kind] = len(passes(info["file"], passing)) < len(passing)
                    finally:
                        source_path.write_text(original)
            entry["mutants"] = killed
            results.append(entry)
    return {"functions": results, "modules": {rel: {k: v for k, v in i.items() if k != "tests"} | {"tests": len(i["tests"])} for rel, i in modules.items()}}


def lsp_latency(requests):
    """p50/p99 of textDocument/codeAction (only refactor.generate) on the Python fixture."""
    tmp = tempfile.mkdtemp(prefix="testlens-bench-lsp")
    root = copy_fixture("python", tmp)
    path = root / "shop/pricing.py"
    text = path.read_text()
    proc = subprocess.Popen([str(BIN), "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def send(msg):
        body = json.dumps(msg).encode()
        proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        proc.stdin.flush()

    def read():
        length = None
        while True:
            line = proc.stdout.readline()
            if line in (b"\r\n", b""):
                break
            if line.lower().startswith(b"content-length"):
                length = int(line.split(b":")[1])
        return json.loads(proc.stdout.read(length))

    def request(id_, method, params):
        send({"jsonrpc": "2.0", "id": id_, "method": method, "params": params})
        while True:
            m = read()
            if m.get("id") == id_ and "method" not in m:
                return m
            if "id" in m and "method" in m:
                send({"jsonrpc": "2.0", "id": m["id"], "result": None})

    uri = "file://" + str(path)
    request(1, "initialize", {"processId": None, "rootUri": "file://" + str(root),
                              "capabilities": {"window": {"workDoneProgress": True}}})
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}})
    # Wait for the index to end.
    while True:
        m = read()
        if "id" in m and "method" in m:
            send({"jsonrpc": "2.0", "id": m["id"], "result": None})
        if m.get("method") == "$/progress" and m["params"]["value"].get("kind") == "end":
            break
    lines = [i for i, l in enumerate(text.splitlines()) if l.startswith("def ")]
    times = []
    titles = set()
    for n in range(requests):
        line = lines[n % len(lines)]
        pos = {"line": line, "character": 5}
        t = time.perf_counter()
        r = request(100 + n, "textDocument/codeAction", {"textDocument": {"uri": uri}, "range": {"start": pos, "end": pos},
                                                          "context": {"diagnostics": [], "only": ["refactor.generate"]}})
        times.append((time.perf_counter() - t) * 1000)
        titles.update(a["title"] for a in r.get("result") or [])
    request(99999, "shutdown", None)
    send({"jsonrpc": "2.0", "method": "exit"})
    proc.wait(timeout=10)
    shutil.rmtree(tmp, ignore_errors=True)
    times.sort()
    return {
        "requests": requests,
        "p50_ms": round(statistics.median(times), 2),
        "p99_ms": round(times[int(len(times) * 0.99) - 1], 2),
        "max_ms": round(times[-1], 2),
        "actions_seen": sorted(titles),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", action="append")
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--peer", choices=["pynguin"], help="also measure the peer on the Python fixture")
    args = ap.parse_args()
    if not BIN.exists():
        sys.exit(f"build first: cargo build -p testlens ({BIN} missing)")
    out_dir = REPO / "target" / "bench-generate"
    out_dir.mkdir(parents=True, exist_ok=True)
    report = {"languages": {}}
    tmp = tempfile.mkdtemp(prefix="testlens-bench-gen")
    try:
        for language in args.only or list(SOURCES):
            report["languages"][language] = bench_language(language, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report["code_action_latency"] = lsp_latency(args.requests)
    if args.peer == "pynguin":
        if not PYNGUIN.exists():
            sys.exit(f"the peer is not installed: run tests/bench/generate_bench.sh --peer pynguin ({PYNGUIN} missing)")
        tmp = tempfile.mkdtemp(prefix="testlens-bench-pynguin")
        try:
            report["peer_pynguin"] = bench_pynguin(tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    print(f"{'language':<11} {'functions':>9} {'generated':>9} {'pass':>5} {'mutants':>8} {'killed':>7}")
    totals = [0, 0, 0, 0, 0]
    for language, rows in report["languages"].items():
        gen = [r for r in rows if r["generated"]]
        passing = [r for r in gen if r["passes"]]
        muts = [k for r in gen for k in r["mutants"].values()]
        row = [len(rows), len(gen), len(passing), len(muts), sum(muts)]
        totals = [a + b for a, b in zip(totals, row)]
        print(f"{language:<11} {row[0]:>9} {row[1]:>9} {row[2]:>5} {row[3]:>8} {row[4]:>7}")
        for r in rows:
            if not r["generated"]:
                print(f"    not generated: {r['function']}: {r['reason']}")
    print(f"{'all':<11} {totals[0]:>9} {totals[1]:>9} {totals[2]:>5} {totals[3]:>8} {totals[4]:>7}")
    summary = {
        "functions": totals[0],
        "generated": totals[1],
        "pass_share_of_generated": round(totals[2] / max(totals[1], 1), 3),
        "pass_share_of_functions": round(totals[2] / max(totals[0], 1), 3),
        "mutants": totals[3],
        "mutation_kill_rate": round(totals[4] / max(totals[3], 1), 3),
    }
    report["summary"] = summary
    lat = report["code_action_latency"]
    print(f"pass on unchanged code: {summary['pass_share_of_generated']:.1%} of generated tests "
          f"({summary['pass_share_of_functions']:.1%} of all functions)")
    print(f"mutation kill rate: {summary['mutation_kill_rate']:.1%} of {totals[3]} mutants")
    print(f"code-action list latency ({lat['requests']} requests): p50 {lat['p50_ms']} ms, p99 {lat['p99_ms']} ms, max {lat['max_ms']} ms")
    if "peer_pynguin" in report:
        peer = report["peer_pynguin"]
        rows = peer["functions"]
        gen = [r for r in rows if r["generated"]]
        passing = [r for r in gen if r.get("passes")]
        muts = [k for r in gen for k in r.get("mutants", {}).values()]
        mine = report["languages"].get("python", [])
        mine_pass = [r for r in mine if r.get("generated") and r.get("passes")]
        mine_muts = [k for r in mine if r.get("generated") for k in r["mutants"].values()]
        mine_secs = sum(r.get("seconds", 0) for r in mine)
        secs = sum(m["seconds"] for m in peer["modules"].values())
        print(f"\nPython fixture, same functions and mutants:")
        print(f"{'tool':<10} {'functions':>9} {'with a passing test':>20} {'mutants':>8} {'killed':>7} {'seconds':>8}")
        if mine:
            print(f"{'testlens':<10} {len(mine):>9} {len(mine_pass):>20} {len(mine_muts):>8} {sum(mine_muts):>7} {mine_secs:>8.1f}")
        print(f"{'Pynguin':<10} {len(rows):>9} {len(passing):>20} {len(muts):>8} {sum(muts):>7} {secs:>8.1f}")
        for r in rows:
            if not r["generated"] or not r.get("passes"):
                print(f"    Pynguin, no passing test: {r['function']}")
    path = out_dir / "report.json"
    path.write_text(json.dumps(report, indent=2))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
