#!/usr/bin/env python3
"""Edit latency of `testlens lsp`: a keystroke, then the inlay hints, in a 10,000-line file.

For each language, a realistic 10,000-line file is generated (tests/bench/gen_sources.py) into a
temporary directory, `testlens lsp` is started with that directory as its workspace root, and
the file is opened. Then 1,000 single-character edits are made at lines spread over the file,
each a `textDocument/didChange` (incremental, one range) immediately followed by a
`textDocument/inlayHint` request, in one write. The latency is the time from just before that
write to the arrival of the last byte of the inlayHint response (timestamped on the reader
thread before decoding). Each edit waits for the previous response.

Edits come in pairs at a site chosen in a shuffled order over the whole file: most pairs insert
a character and delete it again (typing and backspace), every fifth pair makes two persistent
edits at two sites, so the final text differs from the first: numbers grow a digit, a parameter
on a signature line grows a letter (the hint moves), `a & n` becomes `a && n` or a one-line
Python `if` is commented out (the label changes); line breaks are inserted and removed again.

This is done twice per language: with the inlayHint range covering the whole file (what Neovim
asks for) and with a 60-line viewport around the edit (what VS Code asks for).

Correctness is checked while measuring:
* every hint of every response must sit at the end of a line of the client's copy of the text
  (where testlens puts it) with a `cx N` label: a server that applied an edit to the wrong place
  or lost a line break fails this;
* at the end, the hints for the whole file must equal those of a fresh server opened on the
  final text (and on the same workspace).

Usage: tests/bench/edit_latency.py [--binary target/release/testlens] [--runs 3] [--json OUT]
Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_sources import LANGUAGE_IDS, SITE_PATTERNS, generate  # noqa: E402
from lsp_client import Client, LspError, capabilities, percentile, snapshot_binary, uri, utf16_len  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
LANGUAGES = ["rust", "python", "go", "typescript", "javascript"]
VIEWPORT = 60
GOAL_P99_MS = 5.0

INSERT_CHAR = {"num": "7", "sig": "x", "amp": "&", "hash": "#", "nl": "\n"}


class Document:
    """The client's copy of the text, as lines without their line breaks."""

    def __init__(self, text: str):
        assert text.endswith("\n")
        self.lines = text.split("\n")  # the last element is "" (after the final line break)

    def text(self) -> str:
        return "\n".join(self.lines)

    def pos(self, line: int, col: int) -> dict[str, int]:
        return {"line": line, "character": utf16_len(self.lines[line][:col])}

    def end(self) -> dict[str, int]:
        return {"line": len(self.lines) - 1, "character": utf16_len(self.lines[-1])}

    def insert(self, line: int, col: int, ch: str) -> dict:
        """Inserts `ch` and returns the LSP content change."""
        p = self.pos(line, col)
        s = self.lines[line]
        if ch == "\n":
            self.lines[line : line + 1] = [s[:col], s[col:]]
        else:
            self.lines[line] = s[:col] + ch + s[col:]
        return {"range": {"start": p, "end": p}, "text": ch}

    def delete(self, line: int, col: int) -> dict:
        """Deletes the character at (line, col) (a line break if col is the line's end)."""
        s = self.lines[line]
        start = self.pos(line, col)
        if col == len(s):
            end = {"line": line + 1, "character": 0}
            self.lines[line : line + 2] = [s + self.lines[line + 1]]
        else:
            end = self.pos(line, col + 1)
            self.lines[line] = s[:col] + s[col + 1 :]
        return {"range": {"start": start, "end": end}, "text": ""}


def plan_edits(sites: list[tuple[int, str]], seed: int) -> list[tuple[int, str]]:
    """The edit sites in the order they are visited: shuffled over the whole file."""
    rng = random.Random(seed)
    order = sites[:]
    rng.shuffle(order)
    return order


def check_hints(doc: Document, hints: list[dict], lo: int = 0, hi: int | None = None) -> list[str]:
    """Every hint must be a `cx N` at the end of a line of the client's text (in [lo, hi])."""
    problems = []
    n = len(doc.lines)
    for h in hints:
        line = h["position"]["line"]
        ch = h["position"]["character"]
        label = h["label"] if isinstance(h["label"], str) else "".join(p["value"] for p in h["label"])
        if not label.startswith("cx ") or not label[3:].isdigit():
            problems.append(f"unexpected label {label!r}")
        if not (0 <= line < n):
            problems.append(f"hint on line {line}, the document has {n} lines")
            continue
        if ch != utf16_len(doc.lines[line]):
            problems.append(
                f"hint at {line}:{ch} but that line is {utf16_len(doc.lines[line])} UTF-16 units long: {doc.lines[line][:80]!r}"
            )
        if line < lo or (hi is not None and line > hi):
            problems.append(f"hint on line {line} outside the requested lines {lo}..{hi}")
    return problems


def canonical(hints: list[dict]) -> list[tuple[int, int, str]]:
    out = []
    for h in hints:
        label = h["label"] if isinstance(h["label"], str) else "".join(p["value"] for p in h["label"])
        out.append((h["position"]["line"], h["position"]["character"], label))
    return sorted(out)


def start_server(binary: Path, root: Path, log: Path | None) -> Client:
    """Starts, initializes and waits until the (tiny) workspace index is done."""
    ended = []

    def on_note(method, params, arrived):
        if method == "$/progress" and isinstance(params, dict):
            if params.get("value", {}).get("kind") == "end":
                ended.append(arrived)

    client = Client(binary, stderr_path=log, env={"TESTLENS_LOG": "info"}, on_notification=on_note)
    client.initialize(root, capabilities())
    client.notify("initialized", {})
    deadline = time.monotonic() + 60
    while not ended and time.monotonic() < deadline:
        time.sleep(0.005)
    if not ended:
        raise LspError("the workspace index did not end within 60 s")
    # The notifications of the whole session would pile up; only the progress callback matters.
    client.keep_notifications = False
    return client


def full_hints(client: Client, doc_uri: str, doc: Document) -> list[dict]:
    return client.request(
        "textDocument/inlayHint",
        {"textDocument": {"uri": doc_uri}, "range": {"start": {"line": 0, "character": 0}, "end": doc.end()}},
    ) or []


def run_mode(binary: Path, gen, root: Path, path: Path, mode: str, edits: int, seed: int, log_dir: Path) -> dict:
    doc = Document(gen.text)
    doc_uri = uri(path)
    client = start_server(binary, root, log_dir / f"{gen.language}-{mode}.log")
    try:
        t0 = client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": doc_uri, "languageId": LANGUAGE_IDS[gen.language], "version": 1, "text": doc.text()}},
        )
        first_id, _ = client.send_request(
            "textDocument/inlayHint",
            {"textDocument": {"uri": doc_uri}, "range": {"start": {"line": 0, "character": 0}, "end": doc.end()}},
        )
        first = client.wait(first_id)
        open_ms = (first.arrived_ns - t0) / 1e6
        initial = first.result or []
        problems = check_hints(doc, initial)
        hints_at_open = len(initial)

        order = plan_edits(gen.sites, seed)
        cursor = 0
        exhausted: set[int] = set()
        latencies: list[float] = []
        errors: list[str] = []
        version = 1
        persistent_edits = 0
        hint_counts: list[int] = []

        def next_site(persistent: bool):
            nonlocal cursor
            for _ in range(len(order) * 2):
                idx = cursor % len(order)
                cursor += 1
                if idx in exhausted:
                    continue
                line, kind = order[idx]
                if persistent and kind == "nl":
                    continue
                m = SITE_PATTERNS[kind].search(doc.lines[line])
                if not m:
                    exhausted.add(idx)
                    continue
                col = len(doc.lines[line]) if kind == "nl" else m.end(1)
                return idx, line, kind, col
            raise RuntimeError("ran out of edit sites")

        pending_delete = None
        for k in range(edits):
            pair, second = divmod(k, 2)
            persistent = pair % 5 == 4
            if second and not persistent:
                line, col = pending_delete
                change = doc.delete(line, col)
            else:
                idx, line, kind, col = next_site(persistent)
                change = doc.insert(line, col, INSERT_CHAR[kind])
                if persistent:
                    persistent_edits += 1
                    if kind in ("sig", "amp", "hash"):
                        exhausted.add(idx)  # each of these changes a site once
                else:
                    pending_delete = (line, col)
            version += 1
            if mode == "full":
                rng = {"start": {"line": 0, "character": 0}, "end": doc.end()}
                lo, hi = 0, None
            else:
                lo = max(0, line - VIEWPORT // 2)
                hi = min(len(doc.lines) - 1, lo + VIEWPORT)
                rng = {"start": {"line": lo, "character": 0}, "end": {"line": hi, "character": 0}}
            data = client.notification_bytes(
                "textDocument/didChange",
                {"textDocument": {"uri": doc_uri, "version": version}, "contentChanges": [change]},
            )
            rid, req = client.request_bytes("textDocument/inlayHint", {"textDocument": {"uri": doc_uri}, "range": rng})
            sent = client.write_raw(data + req)
            resp = client.wait(rid)
            latencies.append((resp.arrived_ns - sent) / 1e6)
            if "error" in resp.message:
                errors.append(f"edit {k}: {resp.message['error']}")
                continue
            hints = resp.message.get("result") or []
            hint_counts.append(len(hints))
            p = check_hints(doc, hints, lo, hi)
            if p:
                problems.extend(f"edit {k} ({mode}): {x}" for x in p[:3])

        final_edited = full_hints(client, doc_uri, doc)
        problems.extend(f"final: {x}" for x in check_hints(doc, final_edited))
        rss = client.vm_status()
    finally:
        client.shutdown()

    # A fresh server on the final text: its hints must be the same.
    final_text = doc.text()
    fresh_root = Path(tempfile.mkdtemp(prefix=f"testlens-bench-fresh-{gen.language}-"))
    try:
        fresh_path = fresh_root / path.relative_to(root)
        fresh_path.parent.mkdir(parents=True, exist_ok=True)
        for extra in root.iterdir():  # package.json and the like
            if extra.is_file() and extra != path:
                shutil.copy(extra, fresh_root / extra.name)
        fresh_path.write_text(final_text, encoding="utf-8")
        fresh = start_server(binary, fresh_root, log_dir / f"{gen.language}-{mode}-fresh.log")
        try:
            fresh_uri = uri(fresh_path)
            fresh.notify(
                "textDocument/didOpen",
                {"textDocument": {"uri": fresh_uri, "languageId": LANGUAGE_IDS[gen.language], "version": 1, "text": final_text}},
            )
            final_fresh = full_hints(fresh, fresh_uri, doc)
        finally:
            fresh.shutdown()
    finally:
        shutil.rmtree(fresh_root, ignore_errors=True)

    a, b = canonical(final_edited), canonical(final_fresh)
    matches = a == b
    if not matches:
        only_a = sorted(set(a) - set(b))[:5]
        only_b = sorted(set(b) - set(a))[:5]
        problems.append(f"final hints differ from a fresh server: edited-only {only_a}, fresh-only {only_b}")
    # Hints at a position or with a label they did not have at the start.
    changed_vs_initial = len(set(a) - set(canonical(initial)))

    lat = sorted(latencies)
    return {
        "language": gen.language,
        "mode": mode,
        "edits": len(latencies),
        "persistent_edits": persistent_edits,
        "open_to_first_hints_ms": round(open_ms, 3),
        "hints_at_open": hints_at_open,
        "hints_per_response_mean": round(statistics.fmean(hint_counts), 1) if hint_counts else 0,
        "p50_ms": round(percentile(lat, 50), 3),
        "p95_ms": round(percentile(lat, 95), 3),
        "p99_ms": round(percentile(lat, 99), 3),
        "max_ms": round(lat[-1], 3),
        "mean_ms": round(statistics.fmean(lat), 3),
        "errors": errors[:10],
        "error_count": len(errors),
        "final_matches_fresh_server": matches,
        "final_hints": len(a),
        "hints_changed_by_the_edits": changed_vs_initial,
        "problems": problems[:20],
        "problem_count": len(problems),
        "server_vm_hwm_kb": rss.get("VmHWM"),
        "latencies_ms": [round(x, 4) for x in latencies],
    }


def round_trip_floor(binary: Path, root: Path, count: int = 500) -> dict:
    """The protocol's own cost: inlayHint for a document the server does not know (it answers
    null at once), through the same pipes, server framing and client as the edits."""
    client = start_server(binary, root, None)
    try:
        lat = []
        params = {"textDocument": {"uri": uri(root / "absent.py")}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 60, "character": 0}}}
        for _ in range(count):
            rid, data = client.request_bytes("textDocument/inlayHint", params)
            sent = client.write_raw(data)
            lat.append((client.wait(rid).arrived_ns - sent) / 1e6)
    finally:
        client.shutdown()
    lat.sort()
    return {"requests": count, "p50_ms": round(percentile(lat, 50), 3), "p99_ms": round(percentile(lat, 99), 3), "max_ms": round(lat[-1], 3)}


def machine() -> dict:
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    os_name = ""
    try:
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "server", "queries", "Cargo.toml", "Cargo.lock"], capture_output=True, text=True).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "os": os_name,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "commit": commit + ("+dirty" if dirty else ""),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", type=Path, default=REPO / "target/release/testlens")
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--modes", default="full,viewport")
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3, help="repeat everything this many times")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, default=REPO / "target/bench-results/edit_latency.json")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directories and server logs")
    args = parser.parse_args()

    if not args.binary.exists():
        print(f"no binary at {args.binary}: run `cargo build --release --bins` first", file=sys.stderr)
        return 2
    languages = args.languages.split(",")
    modes = args.modes.split(",")
    results = []
    failures = 0
    started = machine()  # the commit the binary is measured at: taken before, checked after
    work = Path(tempfile.mkdtemp(prefix="testlens-bench-edit-"))
    log_dir = work / "logs"
    log_dir.mkdir()
    if args.binary.suffix == ".sh":  # a wrapper (perf_wrap.sh) finds the binary itself
        binary, started["binary_sha256"] = args.binary, None
    else:
        binary, started["binary_sha256"] = snapshot_binary(args.binary, work / "bin")
    print(f"testlens at {started['commit']}, binary sha256 {str(started['binary_sha256'])[:16]}", flush=True)
    floor_root = work / "floor"
    floor_root.mkdir()
    floor = round_trip_floor(binary, floor_root)
    print(f"round-trip floor (null inlayHint for an unknown document): p50 {floor['p50_ms']} ms, p99 {floor['p99_ms']} ms, max {floor['max_ms']} ms", flush=True)
    try:
        for run in range(1, args.runs + 1):
            for lang in languages:
                gen = generate(lang, args.lines, args.seed)
                root = work / f"run{run}-{lang}"
                root.mkdir()
                path = root / gen.file_name
                path.write_text(gen.text, encoding="utf-8")
                if lang in ("typescript", "javascript"):
                    (root / "package.json").write_text('{"name": "widgets", "private": true, "devDependencies": {"vitest": "^3.0.0"}}\n')
                for mode in modes:
                    r = run_mode(binary, gen, root, path, mode, args.edits, args.seed + run, log_dir)
                    r["run"] = run
                    r["lines"] = len(gen.text.splitlines())
                    r["generated_functions"] = gen.functions
                    results.append(r)
                    ok = r["final_matches_fresh_server"] and r["problem_count"] == 0 and r["error_count"] == 0
                    failures += not ok
                    print(
                        f"run {run} {lang:<10} {mode:<8} p50 {r['p50_ms']:7.3f}  p95 {r['p95_ms']:7.3f}  "
                        f"p99 {r['p99_ms']:7.3f}  max {r['max_ms']:8.3f} ms  open→hints {r['open_to_first_hints_ms']:7.1f} ms  "
                        f"hints {r['final_hints']} (changed {r['hints_changed_by_the_edits']})  "
                        f"{'OK' if ok else 'FAIL ' + '; '.join(r['problems'][:3] + r['errors'][:3])}",
                        flush=True,
                    )
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    # Summary: per language and mode, the median over runs of each percentile, and all edits pooled.
    print()
    print(f"{'language':<11} {'range':<9} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>8}   (ms; median over {args.runs} runs)   pooled p99   goal p99 < {GOAL_P99_MS} ms")
    summary = []
    for lang in languages:
        for mode in modes:
            rs = [r for r in results if r["language"] == lang and r["mode"] == mode]
            if not rs:
                continue
            pooled = sorted(x for r in rs for x in r["latencies_ms"])
            row = {
                "language": lang,
                "mode": mode,
                "runs": len(rs),
                "p50_ms": statistics.median(r["p50_ms"] for r in rs),
                "p95_ms": statistics.median(r["p95_ms"] for r in rs),
                "p99_ms": statistics.median(r["p99_ms"] for r in rs),
                "max_ms": statistics.median(r["max_ms"] for r in rs),
                "p99_per_run_ms": [r["p99_ms"] for r in rs],
                "pooled_p99_ms": percentile(pooled, 99),
                "pooled_max_ms": pooled[-1],
                "all_correct": all(r["final_matches_fresh_server"] and r["problem_count"] == 0 and r["error_count"] == 0 for r in rs),
            }
            row["goal_met"] = row["p99_ms"] < GOAL_P99_MS
            summary.append(row)
            print(
                f"{lang:<11} {mode:<9} {row['p50_ms']:7.3f} {row['p95_ms']:7.3f} {row['p99_ms']:7.3f} {row['max_ms']:8.3f}"
                f"   runs' p99: {', '.join(f'{x:.2f}' for x in row['p99_per_run_ms'])}   {row['pooled_p99_ms']:7.3f}   "
                f"{'met' if row['goal_met'] else 'MISSED'}{'' if row['all_correct'] else '  (CORRECTNESS FAILURE)'}"
            )

    args.json.parent.mkdir(parents=True, exist_ok=True)
    ended = machine()
    if ended["commit"] != started["commit"]:
        print(f"warning: the tree changed during the run ({started['commit']} -> {ended['commit']})", file=sys.stderr)
    args.json.write_text(json.dumps({"machine": started, "commit_at_end": ended["commit"], "round_trip_floor": floor, "args": {k: str(v) for k, v in vars(args).items()}, "summary": summary, "runs": results}, indent=1))
    print(f"\nwrote {args.json}")
    if failures:
        print(f"{failures} run(s) failed the correctness checks", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
