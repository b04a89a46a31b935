#!/usr/bin/env python3
"""Ingest: `testlens ingest` on large JUnit XML and lcov files, next to junitparser and lcov-parse.

Run through tests/bench/ingest_bench.sh, which installs the peers (pinned) into target/ and
generates the inputs (tests/bench/gen_reports.py) when they are missing. Python 3.11 stdlib only.

For each size (100M and 1G by default), the file is first read once (so that every tool finds
it in the page cache), then each repetition runs, in this order, so that machine noise hits all
four alike:

a. `testlens ingest <junit> --db <fresh db> --root <empty dir> --run-id bench`
b. junitparser: `JUnitXml.fromfile(<junit>)`, then every suite and case, reading each case's
   name, classname, time and result (with its message), counting outcomes;
c. `testlens ingest <lcov> --db <fresh db> --root <empty dir> --run-id bench`
d. lcov-parse (node): `parse(<lcov>, cb)` (it reads the whole file into one string), then
   counting lines, hits, functions and branches of every record.

Each command runs under /usr/bin/time: wall time from the monotonic clock here, user and system
CPU time and peak RSS (`ru_maxrss`, as /usr/bin/time -v prints it) from /usr/bin/time. A peer
is stopped when it runs past --peer-timeout or its RSS passes --peer-rss-limit; that is recorded
as such, and the peer is not run again at that size or a larger one. A tool that fails at the
largest size is compared at the largest size where it succeeded, and the result says so.

testlens has no parse-only mode: (a) and (c) are the whole ingest (parse, match against the
empty workspace, store in SQLite, commit), which is stricter than the peers' parse. After the
first repetition of each size, the database is checked against what the generator wrote (its
sidecar .json): the number of results and of each status, the number of coverage files, and
(by decoding the `lines` blobs) the number of (line, hits) pairs and of lines hit.

Writes target/bench-results/ingest.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from edit_latency import machine  # noqa: E402
from gen_reports import parse_size, size_label  # noqa: E402
from lsp_client import snapshot_binary  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
GOALS = {
    "junit_mb_per_s": 100.0,
    "junit_results_per_s": 200_000.0,
    "lcov_mb_per_s": 150.0,
    "peak_rss_mb_at_1g": 100.0,
    "ratio_vs_peer": 20.0,
}
TOOLS = ["testlens-junit", "junitparser", "testlens-lcov", "lcov-parse"]
PEER_OF = {"testlens-junit": "junitparser", "testlens-lcov": "lcov-parse"}
KIND = {"testlens-junit": "junit", "junitparser": "junit", "testlens-lcov": "lcov", "lcov-parse": "lcov"}

JUNITPARSER_SCRIPT = r'''
import json, sys, time
import junitparser
from junitparser import Error, Failure, JUnitXml, Skipped
t0 = time.perf_counter()
xml = JUnitXml.fromfile(sys.argv[1])
t1 = time.perf_counter()
n = {"testcases": 0, "failures": 0, "errors": 0, "skipped": 0, "testsuites": 0}
for suite in xml:
    n["testsuites"] += 1
    for case in suite:
        n["testcases"] += 1
        case.name, case.classname, case.time
        for r in case.result:
            if isinstance(r, Failure):
                n["failures"] += 1
            elif isinstance(r, Error):
                n["errors"] += 1
            elif isinstance(r, Skipped):
                n["skipped"] += 1
            r.message
t2 = time.perf_counter()
print(json.dumps({**n, "parse_s": t1 - t0, "iterate_s": t2 - t1,
                  "backend": junitparser.junitparser.etree.__name__}))
'''

LCOV_PARSE_SCRIPT = r'''
const parse = require(process.argv[2]);
const t0 = process.hrtime.bigint();
parse(process.argv[3], (err, data) => {
  const t1 = process.hrtime.bigint();
  if (err) { console.error('lcov-parse error: ' + err); process.exit(3); }
  let da = 0, hit = 0, fn = 0, brda = 0;
  for (const r of data) {
    da += r.lines.details.length;
    for (const d of r.lines.details) if (d.hit > 0) hit++;
    fn += r.functions.details.length;
    brda += r.branches.details.length;
  }
  console.log(JSON.stringify({records: data.length, da, lines_hit: hit, fn, brda,
                              parse_s: Number(t1 - t0) / 1e9}));
});
'''


# ------------------------------------------------------------------------------ measuring


def measure(cmd: list[str], *, cwd: Path, timeout: float | None = None, rss_limit_kb: int | None = None,
            env: dict | None = None) -> dict:
    """Runs cmd under /usr/bin/time: wall time (monotonic clock here), user and system CPU time and
    peak RSS (wait4's ru_maxrss, as /usr/bin/time -v prints it).

    /usr/bin/time forks from its own small process. Taking ru_maxrss from a child of this script
    instead would be wrong: Python starts children with vfork, and the kernel then counts this
    script's own peak RSS into the child's.
    """
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    tfile = Path(tempfile.mkstemp(prefix="time-", dir=cwd)[1])
    t0 = time.monotonic()
    p = subprocess.Popen(["/usr/bin/time", "-o", str(tfile), "-f", "%e %U %S %M %x", *cmd],
                         cwd=cwd, stdout=out, stderr=err, env=env)
    stopped = None
    seen_rss_kb = 0
    child = None
    while True:
        try:
            p.wait(timeout=0.05 if time.monotonic() - t0 < 5 else 0.2)
            wall = time.monotonic() - t0
            break
        except subprocess.TimeoutExpired:
            pass
        if child is None:
            try:
                kids = Path(f"/proc/{p.pid}/task/{p.pid}/children").read_text().split()
                child = int(kids[0]) if kids else None
            except OSError:
                child = None
        if child is None:
            continue
        try:
            with open(f"/proc/{child}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        seen_rss_kb = max(seen_rss_kb, int(line.split()[1]))
                        break
        except OSError:
            pass
        why = None
        if timeout is not None and time.monotonic() - t0 > timeout:
            why = "timeout"
        elif rss_limit_kb is not None and seen_rss_kb > rss_limit_kb:
            why = "rss-limit"
        if why and stopped is None:
            stopped = why
            try:
                os.kill(child, signal.SIGKILL)  # the measured command only; /usr/bin/time reports it
            except ProcessLookupError:
                pass
    out.seek(0)
    err.seek(0)
    stdout = out.read().decode(errors="replace")
    stderr = err.read().decode(errors="replace")
    out.close()
    err.close()
    tlines = tfile.read_text().strip().splitlines()
    tfile.unlink()
    _e, user, sys_, maxrss_kb, code = tlines[-1].split()
    signalled = next((l for l in tlines[:-1] if "terminated by signal" in l), None)
    code = int(code)
    status = stopped or ("ok" if code == 0 and not signalled and p.returncode == 0 else "failed")
    return {
        "status": status,
        "exit": code if not signalled else signalled.strip(),
        "wall_s": round(wall, 3),
        "user_s": float(user),
        "sys_s": float(sys_),
        "cpu_s": round(float(user) + float(sys_), 2),
        "max_rss_mb": round(max(int(maxrss_kb), seen_rss_kb) / 1024, 1),
        "stdout": stdout,
        "stderr": stderr,
    }


def tail(s: str, n: int = 6) -> str:
    lines = [l for l in s.strip().splitlines() if l.strip()]
    return "\n".join(lines[-n:])[-2000:]


def warm(path: Path) -> float:
    """Reads the file once so that every tool finds it in the page cache."""
    t0 = time.monotonic()
    with open(path, "rb", buffering=0) as f:
        while f.read(8 << 20):
            pass
    return time.monotonic() - t0


# ------------------------------------------------------------------------------- checking


def leb128_pairs(blob: bytes) -> tuple[int, int]:
    """(pairs, pairs with hits > 0) of a `coverage.lines` blob: (line gap, hits) LEB128 varints."""
    values = 0
    hit = 0
    shift = 0
    cur = 0
    for b in blob:
        cur |= (b & 0x7F) << shift
        if b & 0x80:
            shift += 7
            continue
        if values & 1 and cur:
            hit += 1
        values += 1
        cur = 0
        shift = 0
    return values // 2, hit


def check_db(db: Path, kind: str, expect: dict, decode_lines: bool) -> dict:
    """What the database holds, next to what the generator wrote."""
    got: dict = {}
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        if kind == "junit":
            rows = dict(con.execute("SELECT status, COUNT(*) FROM results GROUP BY status").fetchall())
            got = {
                "testcases": sum(rows.values()),
                "passed": rows.get(0, 0),
                "failures": rows.get(1, 0),
                "errors": rows.get(2, 0),
                "skipped": rows.get(3, 0),
                "tests": con.execute("SELECT COUNT(*) FROM tests").fetchone()[0],
            }
            want = {
                "testcases": expect["testcases"],
                "failures": expect["failures"],
                "errors": expect.get("errors", 0),
                "skipped": expect["skipped"],
                "tests": expect["testcases"],
            }
        else:
            got["records"] = con.execute("SELECT COUNT(*) FROM coverage").fetchone()[0]
            want = {"records": expect["records"]}
            if decode_lines:
                da = hit = 0
                for (blob,) in con.execute("SELECT lines FROM coverage"):
                    a, b = leb128_pairs(blob)
                    da += a
                    hit += b
                got["da"], got["lines_hit"] = da, hit
                want["da"], want["lines_hit"] = expect["da"], expect["lines_hit"]
    except sqlite3.Error as e:
        return {"ok": False, "error": f"{type(e).__name__}: {e}"}
    finally:
        con.close()
    mismatches = {k: {"want": v, "got": got.get(k)} for k, v in want.items() if got.get(k) != v}
    return {"ok": not mismatches, "got": got, "mismatches": mismatches}


def check_peer(kind: str, out: str, expect: dict) -> dict:
    try:
        got = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"ok": False, "error": "no JSON on stdout"}
    keys = ["testcases", "failures", "errors", "skipped"] if kind == "junit" else ["records", "da", "lines_hit", "fn"]
    mismatches = {k: {"want": expect.get(k, 0), "got": got.get(k)} for k in keys if got.get(k) != expect.get(k, 0)}
    return {"ok": not mismatches, "got": got, "mismatches": mismatches}


# ----------------------------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", type=Path, default=REPO / "target/release/testlens")
    ap.add_argument("--sizes", default="100M,1G", help="comma-separated, decimal (default 100M,1G)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tools", default=",".join(TOOLS), help="a subset of " + ",".join(TOOLS))
    ap.add_argument("--reports", type=Path, default=REPO / "target/bench-reports")
    ap.add_argument("--venv", type=Path, default=REPO / "target/bench-venv")
    ap.add_argument("--node-dir", type=Path, default=REPO / "target/bench-node")
    ap.add_argument("--peer-timeout", type=float, default=1800, help="seconds (default 1800)")
    ap.add_argument("--peer-rss-limit", type=parse_size, default=parse_size("8G"),
                    help="stop a peer whose RSS passes this (default 8G)")
    ap.add_argument("--node-heap-mb", type=int, default=12288, help="node --max-old-space-size")
    ap.add_argument("--no-decode", action="store_true", help="skip decoding the coverage blobs when checking")
    ap.add_argument("--out", type=Path, default=REPO / "target/bench-results/ingest.json")
    args = ap.parse_args()

    sizes = [parse_size(s) for s in args.sizes.split(",") if s]
    tools = [t for t in args.tools.split(",") if t]
    for t in tools:
        if t not in TOOLS:
            ap.error(f"unknown tool {t!r}")
    results_dir = args.out.parent
    results_dir.mkdir(parents=True, exist_ok=True)
    scratch = REPO / "target/bench-tmp/ingest"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)

    binary = sha = None
    if any(t.startswith("testlens") for t in tools):
        binary, sha = snapshot_binary(args.binary.resolve(), results_dir / "bin")
    py = args.venv / "bin/python"
    lcov_parse = args.node_dir / "node_modules/lcov-parse"
    peer_dir = scratch / "peers"
    peer_dir.mkdir()
    (peer_dir / "junitparser_count.py").write_text(JUNITPARSER_SCRIPT)
    (peer_dir / "lcov_parse_count.js").write_text(LCOV_PARSE_SCRIPT)

    def version(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip()
        except OSError:
            return ""

    info = {
        "machine": machine(),
        "testlens": {"binary": str(args.binary), "sha256": sha},
        "peers": {
            "junitparser": version([str(py), "-c", "import importlib.metadata as m, junitparser.junitparser as j; "
                                    "print(m.version('junitparser'), j.etree.__name__)"]) if "junitparser" in tools else None,
            "python": version([str(py), "-c", "import platform; print(platform.python_version())"]) if "junitparser" in tools else None,
            "lcov-parse": (json.loads((lcov_parse / "package.json").read_text())["version"]
                           if "lcov-parse" in tools else None),
            "node": version(["node", "--version"]) if "lcov-parse" in tools else None,
        },
        "settings": {"runs": args.runs, "sizes": [size_label(s) for s in sizes], "peer_timeout_s": args.peer_timeout,
                     "peer_rss_limit_mb": args.peer_rss_limit // 10**6, "node_heap_mb": args.node_heap_mb},
        "goals": GOALS,
    }

    inputs: dict[str, dict] = {}
    for size in sizes:
        label = size_label(size)
        inputs[label] = {}
        for kind, name in (("junit", f"junit-{label}.xml"), ("lcov", f"lcov-{label}.info")):
            path = args.reports / name
            side = path.with_suffix(".json")
            if not path.exists() or not side.exists():
                print(f"missing {path} (or its .json): run tests/bench/gen_reports.py --size {label}", file=sys.stderr)
                return 2
            inputs[label][kind] = {**json.loads(side.read_text()), "path": str(path)}

    runs: list[dict] = []
    given_up: dict[str, str] = {}  # tool -> why, once it failed at some size
    print(f"testlens {info['machine']['commit']}, {info['machine']['date']}, {info['machine']['nproc']} cores; "
          f"junitparser {info['peers']['junitparser']}, lcov-parse {info['peers']['lcov-parse']} on node {info['peers']['node']}")

    for size in sizes:
        label = size_label(size)
        for kind in ("junit", "lcov"):
            if any(KIND[t] == kind for t in tools):
                secs = warm(Path(inputs[label][kind]["path"]))
                print(f"== {label} {kind}: {inputs[label][kind]['bytes']:,} bytes (read once in {secs:.1f} s)")
        for rep in range(args.runs):
            for tool in tools:
                kind = KIND[tool]
                inp = inputs[label][kind]
                path = inp["path"]
                if tool in given_up:
                    continue
                rec: dict = {"size": label, "rep": rep + 1, "tool": tool, "kind": kind, "bytes": inp["bytes"]}
                if tool.startswith("testlens"):
                    d = Path(tempfile.mkdtemp(dir=scratch, prefix=f"{tool}-{label}-"))
                    (d / "root").mkdir()
                    db = d / "history.db"
                    m = measure([str(binary), "ingest", path, "--db", str(db), "--root", str(d / "root"),
                                 "--run-id", "bench"], cwd=d)
                    rec.update(m)
                    rec["db_mb"] = round(sum(f.stat().st_size for f in d.iterdir() if f.is_file()) / 1e6, 1)
                    if m["status"] == "ok" and rep == 0:
                        rec["check"] = check_db(db, kind, inp, decode_lines=not args.no_decode)
                    shutil.rmtree(d, ignore_errors=True)
                elif tool == "junitparser":
                    m = measure([str(py), str(peer_dir / "junitparser_count.py"), path], cwd=scratch,
                                timeout=args.peer_timeout, rss_limit_kb=args.peer_rss_limit // 1024)
                    rec.update(m)
                    if m["status"] == "ok":
                        rec["check"] = check_peer(kind, m["stdout"], inp)
                else:
                    m = measure(["node", f"--max-old-space-size={args.node_heap_mb}", str(peer_dir / "lcov_parse_count.js"),
                                 str(lcov_parse), path], cwd=scratch,
                                timeout=args.peer_timeout, rss_limit_kb=args.peer_rss_limit // 1024)
                    rec.update(m)
                    if m["status"] == "ok":
                        rec["check"] = check_peer(kind, m["stdout"], inp)
                rec["stdout"] = tail(rec["stdout"])
                rec["stderr"] = tail(rec["stderr"])
                if rec["status"] == "ok":
                    rec["mb_per_s"] = round(inp["bytes"] / 1e6 / rec["wall_s"], 1)
                    if kind == "junit":
                        rec["results_per_s"] = round(inp["testcases"] / rec["wall_s"])
                    else:
                        rec["da_per_s"] = round(inp["da"] / rec["wall_s"])
                elif not tool.startswith("testlens"):
                    given_up[tool] = f"{rec['status']} at {label} (exit {rec['exit']}, {rec['wall_s']} s, peak RSS {rec['max_rss_mb']} MB)"
                runs.append(rec)
                chk = rec.get("check")
                chk_s = "" if chk is None else (" counts ok" if chk["ok"] else f" COUNTS WRONG {chk.get('mismatches') or chk.get('error')}")
                speed = (f"{rec['mb_per_s']:>7.1f} MB/s" if "mb_per_s" in rec else f"{rec['status']:>12}")
                print(f"  {label:>5} #{rep + 1} {tool:<15} {rec['wall_s']:>8.2f} s wall {rec['cpu_s']:>8.2f} s CPU "
                      f"{rec['max_rss_mb']:>8.1f} MB  {speed}{chk_s}" + ("" if rec["status"] == "ok" else f"\n      {rec['stderr'][-300:]}"),
                      flush=True)
                write(args.out, info, inputs, runs, given_up, sizes)
    summary = write(args.out, info, inputs, runs, given_up, sizes)
    print_table(summary)
    print(f"\nwrote {args.out}")
    return 0


def med(xs: list[float]) -> float | None:
    return round(statistics.median(xs), 3) if xs else None


def summarize(inputs: dict, runs: list[dict], given_up: dict, sizes: list[int]) -> dict:
    labels = [size_label(s) for s in sizes]
    per: dict = {}
    for label in labels:
        per[label] = {}
        for tool in TOOLS:
            rs = [r for r in runs if r["size"] == label and r["tool"] == tool]
            if not rs:
                continue
            ok = [r for r in rs if r["status"] == "ok"]
            kind = KIND[tool]
            inp = inputs[label][kind]
            s: dict = {"runs": len(rs), "ok": len(ok)}
            if ok:
                wall = med([r["wall_s"] for r in ok])
                s.update({
                    "wall_s": wall,
                    "wall_s_all": [r["wall_s"] for r in ok],
                    "cpu_s": med([r["cpu_s"] for r in ok]),
                    "max_rss_mb": max(r["max_rss_mb"] for r in ok),
                    "mb_per_s": round(inp["bytes"] / 1e6 / wall, 1),
                })
                if kind == "junit":
                    s["results_per_s"] = round(inp["testcases"] / wall)
                else:
                    s["da_per_s"] = round(inp["da"] / wall)
                checks = [r["check"] for r in ok if "check" in r]
                if checks:
                    s["counts_ok"] = all(c["ok"] for c in checks)
            failed = [r for r in rs if r["status"] != "ok"]
            if failed:
                f = failed[0]
                s["failure"] = {"status": f["status"], "exit": f["exit"], "wall_s": f["wall_s"],
                                "max_rss_mb": f["max_rss_mb"], "stderr": f["stderr"][-600:]}
            per[label][tool] = s

    ratios: dict = {}
    for ours, peer in PEER_OF.items():
        r: dict = {}
        for label in labels:
            a = per.get(label, {}).get(ours)
            b = per.get(label, {}).get(peer)
            if not a or not b or not a.get("ok") or not b.get("ok"):
                continue
            paired = []
            for rep in {x["rep"] for x in runs if x["size"] == label}:
                ra = [x for x in runs if x["size"] == label and x["tool"] == ours and x["rep"] == rep and x["status"] == "ok"]
                rb = [x for x in runs if x["size"] == label and x["tool"] == peer and x["rep"] == rep and x["status"] == "ok"]
                if ra and rb:
                    paired.append(rb[0]["wall_s"] / ra[0]["wall_s"])
            r[label] = {
                "wall": round(b["wall_s"] / a["wall_s"], 1),
                "wall_paired_median": round(statistics.median(paired), 1) if paired else None,
                "cpu": round(b["cpu_s"] / a["cpu_s"], 1),
                "rss": round(b["max_rss_mb"] / a["max_rss_mb"], 1),
            }
        largest = labels[-1]
        used = next((l for l in reversed(labels) if l in r), None)
        ratios[f"{ours}_vs_{peer}"] = {
            "by_size": r,
            "at": used,
            "note": (None if used == largest else
                     "not measured" if used is None else
                     f"{peer} did not finish at {largest}: {given_up.get(peer, 'not run')}; ratio taken at {used}"),
        }

    goals: dict = {}
    top = labels[-1]
    j = per.get(top, {}).get("testlens-junit", {})
    l = per.get(top, {}).get("testlens-lcov", {})

    def verdict(v, goal, higher=True):
        if v is None:
            return None
        return bool(v >= goal) if higher else bool(v < goal)

    goals["junit_mb_per_s"] = {"goal": GOALS["junit_mb_per_s"], "at": top, "measured": j.get("mb_per_s"),
                               "met": verdict(j.get("mb_per_s"), GOALS["junit_mb_per_s"])}
    goals["junit_results_per_s"] = {"goal": GOALS["junit_results_per_s"], "at": top, "measured": j.get("results_per_s"),
                                    "met": verdict(j.get("results_per_s"), GOALS["junit_results_per_s"])}
    goals["lcov_mb_per_s"] = {"goal": GOALS["lcov_mb_per_s"], "at": top, "measured": l.get("mb_per_s"),
                              "met": verdict(l.get("mb_per_s"), GOALS["lcov_mb_per_s"])}
    if top == "1G":
        for t, s in (("junit", j), ("lcov", l)):
            goals[f"peak_rss_mb_{t}_1g"] = {"goal": GOALS["peak_rss_mb_at_1g"], "at": top, "measured": s.get("max_rss_mb"),
                                            "met": verdict(s.get("max_rss_mb"), GOALS["peak_rss_mb_at_1g"], higher=False)}
    for key, rr in ratios.items():
        at = rr["at"]
        v = rr["by_size"][at]["wall"] if at else None
        goals[f"ratio_{key}"] = {"goal": GOALS["ratio_vs_peer"], "at": at, "measured": v,
                                 "met": verdict(v, GOALS["ratio_vs_peer"]), "note": rr["note"]}
    return {"per_size": per, "ratios": ratios, "goals": goals, "given_up": given_up}


def write(out: Path, info: dict, inputs: dict, runs: list[dict], given_up: dict, sizes: list[int]) -> dict:
    summary = summarize(inputs, runs, given_up, sizes)
    doc = {**info, "inputs": inputs, "summary": summary, "runs": runs}
    tmp = out.with_suffix(".json.part")
    tmp.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    os.replace(tmp, out)
    return summary


def print_table(summary: dict) -> None:
    print("\n| size | tool | wall s (median) | CPU s | peak RSS MB | MB/s | results/s or DA lines/s | counts |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for label, tools in summary["per_size"].items():
        for tool, s in tools.items():
            if not s.get("ok"):
                f = s.get("failure", {})
                print(f"| {label} | {tool} | {f.get('status')} after {f.get('wall_s')} s | | {f.get('max_rss_mb')} | | | |")
                continue
            rate = s.get("results_per_s", s.get("da_per_s"))
            counts = {True: "ok", False: "WRONG", None: ""}[s.get("counts_ok")]
            print(f"| {label} | {tool} | {s['wall_s']:.2f} | {s['cpu_s']:.2f} | {s['max_rss_mb']:.1f} | "
                  f"{s['mb_per_s']:.1f} | {rate:,} | {counts} |")
    print("\nratios (peer / testlens):")
    for key, rr in summary["ratios"].items():
        for label, r in rr["by_size"].items():
            print(f"  {key} at {label}: wall {r['wall']}x (paired median {r['wall_paired_median']}x), CPU {r['cpu']}x, RSS {r['rss']}x")
        if rr["note"]:
            print(f"    note: {rr['note']}")
    print("\ngoals:")
    for key, g in summary["goals"].items():
        v = {True: "met", False: "MISSED", None: "not measured"}[g["met"]]
        print(f"  {key}: {g['measured']} (goal {g['goal']}, at {g['at']}): {v}" + (f"; {g['note']}" if g.get("note") else ""))


if __name__ == "__main__":
    sys.exit(main())
