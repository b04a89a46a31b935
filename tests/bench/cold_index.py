#!/usr/bin/env python3
"""Cold index: `testlens lsp`, `testlens check` and Universal Ctags on one corpus, side by side.

Run through tests/bench/cold_index.sh, which builds the corpus first. Python 3.11 stdlib only.

For each repetition, in this order (so that machine noise hits all three alike):

a. `testlens lsp` with the corpus as its workspace folder. The clock starts just before the
   `initialized` notification is written and stops when the `$/progress` notification of kind
   "end" arrives. Right after `initialized`, one file of the corpus is opened (`didOpen`), and a
   `textDocument/inlayHint` for the whole file is sent every 100 ms until the end (each waits for
   the previous answer): their latencies show whether the editor stays responsive while the
   index is built. VmRSS is sampled at each tick; VmHWM (peak RSS) is read from
   /proc/<pid>/status once the index has ended. The server's own log (TESTLENS_LOG=info) gives
   its "workspace read" and "workspace indexed" times.
b. `testlens check --format json <corpus>` under /usr/bin/time -v: wall time, peak RSS.
c. `ctags -R -f /dev/null --languages=Rust,Python,Go,JavaScript,TypeScript` (plus maps for
   .pyi .cjs .mts .cts .tsx, which testlens indexes too) under /usr/bin/time -v.

Then the same per sub-corpus (python/, go/, typescript/, rust/), and a hyperfine comparison
of (b) and (c) on the whole corpus.
"""

from __future__ import annotations

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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from edit_latency import machine  # noqa: E402
from lsp_client import Client, LspError, capabilities, percentile, snapshot_binary, uri  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
CTAGS_ARGS = [
    "-R",
    "-f",
    "/dev/null",
    "--languages=Rust,Python,Go,JavaScript,TypeScript",
    "--map-Python=+.pyi",
    "--map-JavaScript=+.cjs",
    "--map-TypeScript=+.mts",
    "--map-TypeScript=+.cts",
    "--map-TypeScript=+.tsx",
]
LANGUAGE_IDS = {"rs": "rust", "py": "python", "go": "go", "ts": "typescript", "js": "javascript", "tsx": "typescriptreact"}
GOALS = {"lines_per_s": 1_000_000 / 3.0, "rss_mb": 500, "ratio_vs_ctags": 2.0, "hint_during_index_p99_ms": 50}
DEFAULT_OPEN = {
    ".": "go/net/http/server.go",
    "go": "go/net/http/server.go",
    "python": "python/typing.py",
    "rust": "rust/tokio-1.54.1/src/runtime/builder.rs",
    "typescript": "typescript/lib/lib.es5.d.ts",
}


def parse_duration(s: str) -> float:
    """A Rust `Duration` as Debug prints it (`1.234s`, `812.3ms`, `45µs`) → seconds."""
    m = re.fullmatch(r"([\d.]+)(s|ms|µs|us|ns)", s)
    if not m:
        return float("nan")
    v = float(m.group(1))
    return v * {"s": 1, "ms": 1e-3, "µs": 1e-6, "us": 1e-6, "ns": 1e-9}[m.group(2)]


def log_times(log: Path) -> dict[str, float]:
    out = {}
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return out
    for key, pattern in (("server_read_s", r"workspace read"), ("server_indexed_s", r"workspace indexed")):
        for line in text.splitlines():
            if pattern in line:
                m = re.search(r"elapsed=(\S+)", line)
                if m:
                    out[key] = parse_duration(m.group(1))
    return out


def lsp_cold_index(binary: Path, root: Path, open_rel: str | None, interval: float, client_watches: bool, log: Path) -> dict:
    progress: list[tuple[int, str, str]] = []
    ended: list[int] = []

    def on_note(method, params, arrived):
        if method == "$/progress" and isinstance(params, dict):
            value = params.get("value", {})
            progress.append((arrived, value.get("kind", ""), value.get("message") or ""))
            if value.get("kind") == "end":
                ended.append(arrived)

    client = Client(binary, stderr_path=log, env={"TESTLENS_LOG": "info"}, on_notification=on_note)
    client.keep_notifications = False
    samples_rss: list[int] = []
    rss_timeline: list[tuple[float, int]] = []  # (seconds after initialized, VmRSS in MB)
    hints: list[tuple[float, float]] = []  # (sent, seconds after initialized; latency ms)
    after: list[float] = []
    try:
        client.initialize(root, capabilities(work_done_progress=True, client_watches_files=client_watches))
        t0 = client.notify("initialized", {})
        open_uri = None
        if open_rel and not (root / open_rel).is_file():
            open_rel = largest_source(root)
        if open_rel:
            path = root / open_rel
            text = path.read_text(encoding="utf-8", errors="replace")
            open_uri = uri(path)
            lang = LANGUAGE_IDS.get(path.suffix.lstrip("."), "plaintext")
            client.notify("textDocument/didOpen", {"textDocument": {"uri": open_uri, "languageId": lang, "version": 1, "text": text}})
            n_lines = text.count("\n") + 1
            hint_params = {"textDocument": {"uri": open_uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": n_lines, "character": 0}}}
        deadline = time.monotonic() + 900
        next_tick = time.perf_counter()
        hint_errors = 0
        while not ended:
            if time.monotonic() > deadline:
                raise LspError("index did not end within 900 s")
            now = time.perf_counter()
            if now < next_tick:
                time.sleep(min(next_tick - now, 0.01))
                continue
            next_tick = now + interval
            status = client.vm_status()
            if "VmRSS" in status:
                samples_rss.append(status["VmRSS"])
                rss_timeline.append((round(now - t0 / 1e9, 2), status["VmRSS"] // 1024))
            if open_uri and not ended:
                rid, sent = client.send_request("textDocument/inlayHint", hint_params)
                resp = client.wait(rid, timeout=300)
                if "error" in resp.message:
                    hint_errors += 1
                if not ended or resp.arrived_ns <= ended[0]:
                    hints.append(((sent - t0) / 1e9, (resp.arrived_ns - sent) / 1e6))
        t_end = ended[0]
        hwm = client.vm_status().get("VmHWM")
        cpu_s = client.cpu_seconds()
        if open_uri:
            for _ in range(10):
                rid, sent = client.send_request("textDocument/inlayHint", hint_params)
                resp = client.wait(rid)
                after.append((resp.arrived_ns - sent) / 1e6)
    finally:
        client.shutdown()

    def first(kind: str, prefix: str = "") -> float | None:
        for t, k, msg in progress:
            if k == kind and msg.startswith(prefix):
                return round((t - t0) / 1e9, 3)
        return None

    lat = sorted(x for _, x in hints)
    during = [x for _, x in hints[1:]]  # the first one includes parsing the opened file
    during_sorted = sorted(during)
    out = {
        "index_s": (t_end - t0) / 1e9,
        "cpu_s": cpu_s,
        "vm_hwm_kb": hwm,
        "rss_samples_max_kb": max(samples_rss) if samples_rss else None,
        "progress_begin_s": first("begin"),
        "first_analysing_report_s": first("report", "analysing"),
        "last_reading_report": next((m for _, k, m in reversed(progress) if m.startswith("reading")), None),
        "hint_requests_during_index": len(hints),
        "hint_errors": hint_errors,
        "first_hint_ms": round(hints[0][1], 2) if hints else None,
        "hint_p50_ms": round(percentile(during_sorted, 50), 2) if during else None,
        "hint_p99_ms": round(percentile(during_sorted, 99), 2) if during else None,
        "hint_max_ms": round(max(lat), 2) if lat else None,
        "hint_max_excl_first_ms": round(max(during), 2) if during else None,
        "hint_after_index_p50_ms": round(statistics.median(after), 2) if after else None,
        "hint_timeline": [(round(s, 3), round(x, 2)) for s, x in hints],
        "rss_timeline_mb": rss_timeline,
    }
    out.update(log_times(log))
    return out


def largest_source(root: Path) -> str | None:
    best = None
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            if name.rpartition(".")[2] in LANGUAGE_IDS:
                p = Path(dirpath) / name
                size = p.stat().st_size
                if best is None or size > best[0]:
                    best = (size, p)
    return str(best[1].relative_to(root)) if best else None


def timed(cmd: list[str]) -> dict:
    with tempfile.NamedTemporaryFile(prefix="bench-time-", delete=False) as f:
        time_out = f.name
    try:
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-v", "-o", time_out, *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        rss = None
        cpu = None
        user = system = 0.0
        for line in Path(time_out).read_text().splitlines():
            line = line.strip()
            if line.startswith("Maximum resident set size"):
                rss = int(line.rsplit(":", 1)[1])
            elif line.startswith("Percent of CPU"):
                cpu = line.rsplit(":", 1)[1].strip()
            elif line.startswith("User time (seconds)"):
                user = float(line.rsplit(":", 1)[1])
            elif line.startswith("System time (seconds)"):
                system = float(line.rsplit(":", 1)[1])
    finally:
        os.unlink(time_out)
    return {"wall_s": wall, "rss_kb": rss, "cpu": cpu, "cpu_s": user + system, "rc": proc.returncode}


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", type=Path, default=REPO / "target/release/testlens")
    parser.add_argument("--corpus", type=Path, default=REPO / "target/bench-corpus")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sub-runs", type=int, default=3, help="repetitions per sub-corpus")
    parser.add_argument("--hint-interval", type=float, default=0.1)
    parser.add_argument("--server-watch-runs", type=int, default=1,
                        help="extra lsp runs where the client does not watch files (the server's own watcher runs, as with Neovim on Linux)")
    parser.add_argument("--no-hyperfine", action="store_true")
    parser.add_argument("--no-subcorpora", action="store_true")
    parser.add_argument("--json", type=Path, default=REPO / "target/bench-results/cold_index.json")
    args = parser.parse_args()

    corpus = args.corpus.resolve()
    logs = Path(tempfile.mkdtemp(prefix="testlens-bench-cold-"))
    copy, sha = snapshot_binary(args.binary.resolve(), logs / "bin")
    binary = str(copy)
    stats_path = REPO / "target/bench-results/corpus.json"
    if stats_path.exists() and json.loads(stats_path.read_text())["root"] == str(corpus):
        stats = json.loads(stats_path.read_text())
    else:
        from corpus import count

        stats = count(corpus)
    total_lines = stats["total"]["lines"]
    results: dict = {"machine": machine(), "corpus": stats, "goals": GOALS, "runs": args.runs}
    results["machine"]["binary_sha256"] = sha
    print(f"testlens at {results['machine']['commit']}, binary sha256 {sha[:16]}", flush=True)
    ctags_version = subprocess.run(["ctags", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    results["ctags_version"] = ctags_version
    print(f"corpus {corpus}: {stats['total']['files']} files, {total_lines:,} lines; {ctags_version}", flush=True)

    def one_round(root: Path, lines: int, label: str, runs: int, open_rel: str | None) -> dict:
        rows = {"lsp": [], "check": [], "ctags": []}
        for r in range(1, runs + 1):
            lsp = lsp_cold_index(Path(binary), root, open_rel, args.hint_interval, True, logs / f"{label}-{r}.log")
            rows["lsp"].append(lsp)
            check = timed([binary, "check", "--format", "json", str(root)])
            rows["check"].append(check)
            ct = timed(["ctags", *CTAGS_ARGS, str(root)])
            rows["ctags"].append(ct)
            print(
                f"  {label:<10} run {r}: lsp index {lsp['index_s']:6.2f} s (cpu {lsp['cpu_s']:.1f} s; server: read {lsp.get('server_read_s', float('nan')):.2f} s, "
                f"indexed {lsp.get('server_indexed_s', float('nan')):.2f} s) peak {lsp['vm_hwm_kb'] / 1024:6.0f} MB, "
                f"hints during index p50 {lsp['hint_p50_ms']} p99 {lsp['hint_p99_ms']} max {lsp['hint_max_ms']} ms (n={lsp['hint_requests_during_index']}) | "
                f"check {check['wall_s']:6.2f} s (cpu {check['cpu_s']:.1f} s) {check['rss_kb'] / 1024:6.0f} MB | "
                f"ctags {ct['wall_s']:6.2f} s (cpu {ct['cpu_s']:.1f} s) {ct['rss_kb'] / 1024:5.0f} MB | "
                f"check/ctags {check['wall_s'] / ct['wall_s']:.2f}",
                flush=True,
            )
        lsp_s = med([x["index_s"] for x in rows["lsp"]])
        check_s = med([x["wall_s"] for x in rows["check"]])
        ctags_s = med([x["wall_s"] for x in rows["ctags"]])
        summary = {
            "lines": lines,
            "lsp_index_s": lsp_s,
            "lsp_lines_per_s": lines / lsp_s,
            "lsp_peak_rss_mb": med([x["vm_hwm_kb"] for x in rows["lsp"]]) / 1024,
            "lsp_server_read_s": med([x.get("server_read_s") for x in rows["lsp"]]),
            "lsp_server_indexed_s": med([x.get("server_indexed_s") for x in rows["lsp"]]),
            "hint_during_index_p50_ms": med([x["hint_p50_ms"] for x in rows["lsp"]]),
            "hint_during_index_p99_ms": med([x["hint_p99_ms"] for x in rows["lsp"]]),
            "hint_during_index_max_ms": max((x["hint_max_excl_first_ms"] or 0) for x in rows["lsp"]),
            "hint_first_ms": med([x["first_hint_ms"] for x in rows["lsp"]]),
            "hint_after_index_p50_ms": med([x["hint_after_index_p50_ms"] for x in rows["lsp"]]),
            "lsp_cpu_s": med([x.get("cpu_s") for x in rows["lsp"]]),
            "check_cpu_s": med([x["cpu_s"] for x in rows["check"]]),
            "ctags_cpu_s": med([x["cpu_s"] for x in rows["ctags"]]),
            "check_s": check_s,
            "check_lines_per_s": lines / check_s,
            "check_peak_rss_mb": med([x["rss_kb"] for x in rows["check"]]) / 1024,
            "ctags_s": ctags_s,
            "ctags_lines_per_s": lines / ctags_s,
            "ctags_peak_rss_mb": med([x["rss_kb"] for x in rows["ctags"]]) / 1024,
            "check_over_ctags_paired_median": med([c["wall_s"] / t["wall_s"] for c, t in zip(rows["check"], rows["ctags"])]),
            "lsp_over_ctags_paired_median": med([lp["index_s"] / t["wall_s"] for lp, t in zip(rows["lsp"], rows["ctags"])]),
        }
        return {"summary": summary, "rows": rows}

    print("== whole corpus: lsp, check, ctags interleaved", flush=True)
    results["whole"] = one_round(corpus, total_lines, "all", args.runs, DEFAULT_OPEN["."])
    s = results["whole"]["summary"]

    if args.server_watch_runs:
        print("== whole corpus, lsp with the server's own file watcher (client does not watch)", flush=True)
        sw = []
        for r in range(1, args.server_watch_runs + 1):
            x = lsp_cold_index(Path(binary), corpus, DEFAULT_OPEN["."], args.hint_interval, False, logs / f"server-watch-{r}.log")
            sw.append(x)
            print(f"  run {r}: lsp index {x['index_s']:.2f} s, progress begin at {x['progress_begin_s']} s, peak {x['vm_hwm_kb'] / 1024:.0f} MB", flush=True)
        results["server_watch"] = sw

    if not args.no_subcorpora:
        results["subcorpora"] = {}
        for sub in sorted(stats["subcorpora"]):
            if sub == ".":
                continue
            langs = stats["subcorpora"][sub]
            lines = sum(v["lines"] for v in langs.values())
            mix = ", ".join("%s %s" % (k, format(v["lines"], ",")) for k, v in sorted(langs.items()))
            print(f"== sub-corpus {sub}/: {lines:,} lines ({mix})", flush=True)
            results["subcorpora"][sub] = one_round(corpus / sub, lines, sub, args.sub_runs, DEFAULT_OPEN.get(sub))
            results["subcorpora"][sub]["languages"] = langs

    if not args.no_hyperfine and shutil.which("hyperfine"):
        print("== hyperfine: testlens check vs ctags, whole corpus", flush=True)
        hf_json = logs / "hyperfine.json"
        subprocess.run(
            [
                "hyperfine", "-i", "--warmup", "1", "--runs", str(args.runs), "--export-json", str(hf_json),
                "-n", "testlens check", f"{binary} check --format json {corpus}",
                "-n", "ctags", "ctags " + " ".join(CTAGS_ARGS) + f" {corpus}",
            ],
            check=False,
        )
        if hf_json.exists():
            hf = json.loads(hf_json.read_text())
            results["hyperfine"] = [
                {k: r[k] for k in ("command", "mean", "stddev", "median", "min", "max")} for r in hf["results"]
            ]

    # ------------------------------------------------------------------ report
    print()
    print(f"whole corpus, {total_lines:,} lines, median of {args.runs} runs")
    print("| tool | wall (s) | CPU (s) | lines/s | peak RSS (MB) | wall / ctags wall |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| testlens lsp (initialized → progress end) | {s['lsp_index_s']:.2f} | {s['lsp_cpu_s']:.1f} | {s['lsp_lines_per_s']:,.0f} | {s['lsp_peak_rss_mb']:.0f} | {s['lsp_over_ctags_paired_median']:.2f} |")
    print(f"| testlens check | {s['check_s']:.2f} | {s['check_cpu_s']:.1f} | {s['check_lines_per_s']:,.0f} | {s['check_peak_rss_mb']:.0f} | {s['check_over_ctags_paired_median']:.2f} |")
    print(f"| ctags | {s['ctags_s']:.2f} | {s['ctags_cpu_s']:.1f} | {s['ctags_lines_per_s']:,.0f} | {s['ctags_peak_rss_mb']:.0f} | 1 |")
    print(f"inlayHint while indexing: first {s['hint_first_ms']} ms, then p50 {s['hint_during_index_p50_ms']} ms, p99 {s['hint_during_index_p99_ms']} ms, max {s['hint_during_index_max_ms']} ms; after: p50 {s['hint_after_index_p50_ms']} ms")
    if "subcorpora" in results:
        print()
        print("| sub-corpus | lines | lsp s | lsp lines/s | lsp peak MB | check s | check lines/s | check MB | ctags s | ctags lines/s | check/ctags | hint p99 ms |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for sub, v in results["subcorpora"].items():
            x = v["summary"]
            print(
                f"| {sub} | {x['lines']:,} | {x['lsp_index_s']:.2f} | {x['lsp_lines_per_s']:,.0f} | {x['lsp_peak_rss_mb']:.0f} | "
                f"{x['check_s']:.2f} | {x['check_lines_per_s']:,.0f} | {x['check_peak_rss_mb']:.0f} | {x['ctags_s']:.2f} | "
                f"{x['ctags_lines_per_s']:,.0f} | {x['check_over_ctags_paired_median']:.2f} | {x['hint_during_index_p99_ms']} |"
            )
    if "hyperfine" in results:
        print()
        for r in results["hyperfine"]:
            print(f"hyperfine {r['command']}: mean {r['mean']:.2f} s ± {r['stddev']:.2f}, median {r['median']:.2f} s")

    print()
    g = GOALS
    verdicts = {
        "1M lines in < 3 s (lsp)": s["lsp_lines_per_s"] >= g["lines_per_s"],
        "1M lines in < 3 s (check)": s["check_lines_per_s"] >= g["lines_per_s"],
        "peak RSS < 500 MB (lsp, whole corpus)": s["lsp_peak_rss_mb"] < g["rss_mb"],
        "peak RSS < 500 MB (check, whole corpus)": s["check_peak_rss_mb"] < g["rss_mb"],
        "within 2x of ctags (check)": s["check_over_ctags_paired_median"] <= g["ratio_vs_ctags"],
        "within 2x of ctags (lsp)": s["lsp_over_ctags_paired_median"] <= g["ratio_vs_ctags"],
        "inlayHint p99 < 50 ms while indexing": (s["hint_during_index_p99_ms"] or 1e9) < g["hint_during_index_p99_ms"],
    }
    results["verdicts"] = verdicts
    for k, v in verdicts.items():
        print(f"  {'met   ' if v else 'MISSED'} {k}")
    results["commit_at_end"] = machine()["commit"]
    if results["commit_at_end"] != results["machine"]["commit"]:
        print(f"warning: the tree changed during the run ({results['machine']['commit']} -> {results['commit_at_end']})", file=sys.stderr)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1))
    print(f"\nwrote {args.json}; server logs in {logs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
