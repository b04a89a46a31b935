#!/usr/bin/env python3
"""Prints the Markdown tables of docs/benchmarks.md from the benchmarks' JSON results.

    python3 tests/bench/report.py [--edit target/bench-results/edit_latency.json]
                                  [--cold target/bench-results/cold_index.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def fmt_int(x: float) -> str:
    return f"{x:,.0f}"


def merge_edit(files: list[Path]) -> dict:
    """Several edit_latency.json of the same binary, as one: runs pooled, summary recomputed."""
    import statistics

    ds = [json.loads(f.read_text()) for f in files]
    shas = {d["machine"].get("binary_sha256") for d in ds}
    if len(shas) > 1:
        raise SystemExit(f"these results are of different binaries: {shas}")
    merged = dict(ds[0])
    merged["runs"] = [r for d in ds for r in d["runs"]]
    merged["dates"] = [d["machine"]["date"] for d in ds]
    floors = [d["round_trip_floor"] for d in ds if d.get("round_trip_floor")]
    if floors:
        merged["round_trip_floor"] = floors[0]
    summary = []
    for s in ds[0]["summary"]:
        rs = [r for r in merged["runs"] if r["language"] == s["language"] and r["mode"] == s["mode"]]
        row = dict(s)
        row["runs"] = len(rs)
        for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms"):
            row[k] = statistics.median(r[k] for r in rs)
        row["p99_per_run_ms"] = [r["p99_ms"] for r in rs]
        row["goal_met"] = row["p99_ms"] < 5.0
        summary.append(row)
    merged["summary"] = summary
    return merged


def edit_tables(d: dict) -> None:
    m = d["machine"]
    print(f"Edit latency: testlens {m['commit']} (binary sha256 {str(m.get('binary_sha256'))[:12]}), {', '.join(d.get('dates', [m['date']]))}, "
          f"{m['nproc']} cores {m['cpu']}, {m['memory']}, {m['os']}, kernel {m['kernel']}")
    runs = d["summary"][0]["runs"] if d["summary"] else 0
    print()
    print(f"| language | inlayHint range | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | p99 of each run (ms) | p99 < 5 ms |")
    print("|---|---|---:|---:|---:|---:|---|---|")
    for r in d["summary"]:
        print(
            f"| {r['language']} | {'whole file' if r['mode'] == 'full' else '60-line viewport'} | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} | "
            f"{r['p99_ms']:.2f} | {r['max_ms']:.2f} | {', '.join(f'{x:.2f}' for x in r['p99_per_run_ms'])} | "
            f"{'met' if r['goal_met'] else '**missed**'} |"
        )
    print()
    edits = d["runs"][0]["edits"] if d["runs"] else 0
    print(f"(medians over {runs} runs of {edits:,} edits each; max is the median of the runs' maxima)")
    if d.get("round_trip_floor"):
        f = d["round_trip_floor"]
        print()
        print(f"Round-trip floor of the harness (a null inlayHint answer, same pipes and client): p50 {f['p50_ms']} ms, p99 {f['p99_ms']} ms.")
    print()
    print("| language | lines | hints | open → first hints (ms) | hints changed by the edits | final hints = fresh server | per-response checks |")
    print("|---|---:|---:|---:|---:|---|---|")
    seen = set()
    for r in d["runs"]:
        if r["language"] in seen or r["mode"] != "full":
            continue
        seen.add(r["language"])
        rs = [x for x in d["runs"] if x["language"] == r["language"]]
        ok = all(x["final_matches_fresh_server"] for x in rs)
        problems = sum(x["problem_count"] + x["error_count"] for x in rs)
        opens = sorted(x["open_to_first_hints_ms"] for x in rs)
        print(
            f"| {r['language']} | {r['lines']:,} | {r['final_hints']} | {opens[len(opens) // 2]:.0f} | "
            f"{min(x['hints_changed_by_the_edits'] for x in rs)}–{max(x['hints_changed_by_the_edits'] for x in rs)} | "
            f"{'yes, all ' + str(len(rs)) + ' sessions' if ok else '**NO**'} | {problems} problems |"
        )


def cold_tables(d: dict) -> None:
    m = d["machine"]
    c = d["corpus"]
    print(f"Cold index: testlens {m['commit']} (binary sha256 {str(m.get('binary_sha256'))[:12]}), {m['date']}, {d['ctags_version']}")
    print()
    print("| language | files | lines | MB |")
    print("|---|---:|---:|---:|")
    for lang, v in sorted(c["languages"].items()):
        print(f"| {lang} | {v['files']:,} | {v['lines']:,} | {v['bytes'] / 1e6:.1f} |")
    t = c["total"]
    print(f"| **total** | {t['files']:,} | {t['lines']:,} | {t['bytes'] / 1e6:.1f} |")
    print()
    s = d["whole"]["summary"]
    rows = d["whole"]["rows"]
    n = len(rows["lsp"])

    def spread(xs):
        xs = sorted(xs)
        return f"{xs[0]:.2f}–{xs[-1]:.2f}"

    print(f"Whole corpus ({s['lines']:,} lines), median of {n} interleaved runs (range in brackets):")
    print()
    print("| tool | wall (s) | CPU (s) | lines/s (wall) | peak RSS (MB) | wall ÷ ctags wall (paired) |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| `testlens lsp`: `initialized` → progress end | {s['lsp_index_s']:.2f} ({spread([x['index_s'] for x in rows['lsp']])}) | {s['lsp_cpu_s']:.1f} | {fmt_int(s['lsp_lines_per_s'])} | {s['lsp_peak_rss_mb']:.0f} | {s['lsp_over_ctags_paired_median']:.1f} |")
    print(f"| `testlens check` | {s['check_s']:.2f} ({spread([x['wall_s'] for x in rows['check']])}) | {s['check_cpu_s']:.1f} | {fmt_int(s['check_lines_per_s'])} | {s['check_peak_rss_mb']:.0f} | {s['check_over_ctags_paired_median']:.1f} |")
    print(f"| `ctags -R` | {s['ctags_s']:.2f} ({spread([x['wall_s'] for x in rows['ctags']])}) | {s['ctags_cpu_s']:.1f} | {fmt_int(s['ctags_lines_per_s'])} | {s['ctags_peak_rss_mb']:.0f} | 1 |")
    print()
    print(f"`textDocument/inlayHint` on an open file while the index is built (every 100 ms): first {s['hint_first_ms']} ms, "
          f"then p50 {s['hint_during_index_p50_ms']} ms, p99 {s['hint_during_index_p99_ms']} ms, max {s['hint_during_index_max_ms']} ms "
          f"(p99 of each run: {', '.join(str(x['hint_p99_ms']) for x in rows['lsp'])}); after the index: p50 {s['hint_after_index_p50_ms']} ms.")
    print(f"Server log: workspace read in {s['lsp_server_read_s']:.2f} s, indexed in {s['lsp_server_indexed_s']:.2f} s (medians).")
    if d.get("server_watch"):
        sw = d["server_watch"]
        times = ", ".join(format(x["index_s"], ".2f") for x in sw)
        peaks = ", ".join(format(x["vm_hwm_kb"] / 1024, ".0f") for x in sw)
        print(f"With the server's own file watcher instead of the client's (client without dynamic registration): index {times} s, peak {peaks} MB.")
    if "subcorpora" in d:
        print()
        print("| sub-corpus | lines | lsp index (s) | lsp lines/s | lsp peak RSS (MB) | check (s) | check lines/s | check CPU (s) | check peak RSS (MB) | ctags (s) | ctags lines/s | check ÷ ctags | lsp ÷ ctags | inlayHint p99 during index (ms) |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for sub, v in d["subcorpora"].items():
            x = v["summary"]
            mix = ", ".join(f"{k} {format(val['lines'], ',')}" for k, val in sorted(v["languages"].items(), key=lambda kv: -kv[1]["lines"]))
            print(
                f"| {sub}/ ({mix}) | {x['lines']:,} | {x['lsp_index_s']:.2f} | {fmt_int(x['lsp_lines_per_s'])} | {x['lsp_peak_rss_mb']:.0f} | "
                f"{x['check_s']:.2f} | {fmt_int(x['check_lines_per_s'])} | {x['check_cpu_s']:.1f} | {x['check_peak_rss_mb']:.0f} | {x['ctags_s']:.2f} | "
                f"{fmt_int(x['ctags_lines_per_s'])} | {x['check_over_ctags_paired_median']:.1f} | {x['lsp_over_ctags_paired_median']:.1f} | {x['hint_during_index_p99_ms']} |"
            )
    if "hyperfine" in d:
        print()
        for r in d["hyperfine"]:
            print(f"- hyperfine `{r['command']}`: mean {r['mean']:.2f} s ± {r['stddev']:.2f} s, median {r['median']:.2f} s, min {r['min']:.2f} s, max {r['max']:.2f} s")
    print()
    for k, v in d.get("verdicts", {}).items():
        print(f"- {'met' if v else '**missed**'}: {k}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edit", type=Path, action="append",
                        help="edit_latency.json (repeat to pool several runs of the same binary); default target/bench-results/edit_latency.json")
    parser.add_argument("--cold", type=Path, default=REPO / "target/bench-results/cold_index.json")
    args = parser.parse_args()
    edits = [e for e in (args.edit or [REPO / "target/bench-results/edit_latency.json"]) if e.exists()]
    if edits:
        edit_tables(merge_edit(edits))
        print()
    if args.cold.exists():
        cold_tables(json.loads(args.cold.read_text()))


if __name__ == "__main__":
    main()
