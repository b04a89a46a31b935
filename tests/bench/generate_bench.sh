#!/bin/sh
# Test-generation benchmark (docs/benchmarks.md, "Test generation"): builds testlens, then runs
# tests/bench/generate_bench.py with Go 1.23 on PATH. Arguments are passed on; with
# `--peer pynguin` it installs Pynguin 0.48.0 into target/bench-pynguin/ and measures it too.
set -eu
cd "$(dirname "$0")/../.."
cargo build -p testlens
# The peer, pinned, when asked for (`--peer pynguin`): Pynguin into target/bench-pynguin/.
case " $* " in
  *" --peer pynguin "*|*" --peer=pynguin "*)
    if [ ! -x target/bench-pynguin/bin/pynguin ]; then
      python3 -m venv target/bench-pynguin
      target/bench-pynguin/bin/pip install -q pynguin==0.48.0
    fi ;;
esac
PATH="$PATH:/usr/lib/go-1.23/bin" exec python3 tests/bench/generate_bench.py "$@"
