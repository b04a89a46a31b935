#!/usr/bin/env python3
"""Copies real source trees into the benchmark corpus, and counts its lines per language.

    corpus.py copy SRC DEST [--exclude-dir NAME ...]
    corpus.py count ROOT [--json OUT]

`copy` keeps exactly the files `testlens` indexes, so that testlens and ctags see the same
files: extensions .rs .py .pyi .go .js .jsx .mjs .cjs .ts .mts .cts .tsx (server/syntax's
`Language::from_extension`); no hidden files or directories; no node_modules, .venv, venv,
__pycache__, .tox, .mypy_cache, .git, nor any directory holding a CACHEDIR.TAG; no file over
4 MiB and no file with a NUL byte in its first 8000 bytes (testlens skips those as binary). No
ignore files are copied, so the walk sees everything that was copied. Symbolic links are
followed for files and not for directories.

`count` counts files, lines (line breaks, plus one for a last line without one) and bytes per
language and per top-level directory of ROOT.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

LANGUAGE_OF = {
    "rs": "Rust",
    "py": "Python",
    "pyi": "Python",
    "go": "Go",
    "js": "JavaScript",
    "jsx": "JavaScript",
    "mjs": "JavaScript",
    "cjs": "JavaScript",
    "ts": "TypeScript",
    "mts": "TypeScript",
    "cts": "TypeScript",
    "tsx": "TypeScript",
}
SKIPPED_DIRS = {"node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache", ".git"}
MAX_FILE_SIZE = 4 * 1024 * 1024


def language(name: str) -> str | None:
    _, dot, ext = name.rpartition(".")
    return LANGUAGE_OF.get(ext) if dot else None


def copy(src: Path, dest: Path, exclude_dirs: set[str]) -> dict[str, int]:
    stats = {"copied": 0, "too_large": 0, "binary": 0, "too_large_lines": 0}
    src = src.resolve()
    for dirpath, dirnames, filenames in os.walk(src):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".")
            and d not in SKIPPED_DIRS
            and d not in exclude_dirs
            and not (here / d).is_symlink()
            and not (here / d / "CACHEDIR.TAG").exists()
        )
        for name in filenames:
            if name.startswith(".") or language(name) is None:
                continue
            path = here / name
            if not path.is_file():
                continue
            data = path.read_bytes()
            if len(data) > MAX_FILE_SIZE:
                stats["too_large"] += 1
                stats["too_large_lines"] += data.count(b"\n")
                continue
            if b"\0" in data[:8000]:
                stats["binary"] += 1
                continue
            target = dest / path.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            stats["copied"] += 1
    return stats


def count_lines(data: bytes) -> int:
    n = data.count(b"\n")
    if data and not data.endswith(b"\n"):
        n += 1
    return n


def count(root: Path) -> dict:
    total: dict[str, dict[str, int]] = {}
    per_dir: dict[str, dict[str, dict[str, int]]] = {}
    for dirpath, _dirnames, filenames in os.walk(root):
        rel = Path(dirpath).relative_to(root)
        top = rel.parts[0] if rel.parts else "."
        for name in filenames:
            lang = language(name)
            if lang is None:
                continue
            data = (Path(dirpath) / name).read_bytes()
            for bucket in (total.setdefault(lang, {}), per_dir.setdefault(top, {}).setdefault(lang, {})):
                bucket["files"] = bucket.get("files", 0) + 1
                bucket["lines"] = bucket.get("lines", 0) + count_lines(data)
                bucket["bytes"] = bucket.get("bytes", 0) + len(data)
    summary = {
        "files": sum(v["files"] for v in total.values()),
        "lines": sum(v["lines"] for v in total.values()),
        "bytes": sum(v["bytes"] for v in total.values()),
    }
    return {"root": str(root), "total": summary, "languages": total, "subcorpora": per_dir}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("copy")
    c.add_argument("src", type=Path)
    c.add_argument("dest", type=Path)
    c.add_argument("--exclude-dir", action="append", default=[])
    n = sub.add_parser("count")
    n.add_argument("root", type=Path)
    n.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.cmd == "copy":
        if args.dest.exists():
            shutil.rmtree(args.dest)
        args.dest.mkdir(parents=True)
        stats = copy(args.src, args.dest, set(args.exclude_dir))
        print(f"  {args.src} -> {args.dest}: {stats['copied']} files copied, "
              f"{stats['too_large']} over 4 MiB left out ({stats['too_large_lines']} lines), {stats['binary']} binary left out")
        return 0
    result = count(args.root)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1))
    t = result["total"]
    print(f"corpus {args.root}: {t['files']} files, {t['lines']:,} lines, {t['bytes'] / 1e6:.1f} MB")
    for lang, v in sorted(result["languages"].items()):
        print(f"  {lang:<11} {v['files']:>6} files {v['lines']:>10,} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
