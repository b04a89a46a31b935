#!/bin/sh
# Test-generation benchmark (docs/benchmarks.md, "Test generation"): builds testlens, then runs
# tests/bench/generate_bench.py with Go 1.23 on PATH. Arguments are passed on.
set -eu
cd "$(dirname "$0")/../.."
cargo build -p testlens
PATH="$PATH:/usr/lib/go-1.23/bin" exec python3 tests/bench/generate_bench.py "$@"
