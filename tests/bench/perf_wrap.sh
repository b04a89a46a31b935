#!/usr/bin/env bash
# Runs testlens under `perf record`, for profiling a benchmark from the inside. Use it in place
# of the binary:
#
#   python3 tests/bench/edit_latency.py --binary tests/bench/perf_wrap.sh --languages python \
#       --modes full --runs 1
#   perf report -i target/bench-results/perf/testlens-<pid>.data --no-children --sort symbol
#
# TESTLENS_BIN picks the binary (default target/release/testlens), PERF_OUT the directory for
# the data files (one per server process), PERF_ARGS the sampling options (default: 1 kHz with
# DWARF call graphs, which a release build without frame pointers needs for callers).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${TESTLENS_BIN:-$here/target/release/testlens}
out=${PERF_OUT:-$here/target/bench-results/perf}
mkdir -p "$out"
# shellcheck disable=SC2086
exec perf record ${PERF_ARGS:---call-graph dwarf,16384 -F 1000} -q -o "$out/testlens-$$.data" -- "$bin" "$@"
