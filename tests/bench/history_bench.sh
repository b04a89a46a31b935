#!/usr/bin/env bash
# History benchmark: hover, whole-file inlay hints, the refresh after an ingest and the memory of
# `testlens lsp` on a workspace with a test history of 200 runs x 5,000 tests and coverage of
# 2,000 files, beside jedi-language-server's hover on the same file. See the docstring of
# tests/bench/history_bench.py for what is measured.
#
#   tests/bench/history_bench.sh [--runs 200] [--tests 5000] [--files 2000] [--seed N]
#                                [--skip-peer] [--no-build] [--regenerate] [--gen-only]
#                                [any other option of tests/bench/history_bench.py]
#
# Builds the release binary (unless --no-build), installs the peer, pinned, into
# target/bench-venv/ (jedi-language-server==0.47.0; skipped with --skip-peer, and left out with a
# note if it cannot be installed), then runs tests/bench/history_bench.py, which makes
# target/bench-history/ws/ and its history the first time (~5 minutes at the default sizes; a
# stamp file keeps them for the next runs with the same parameters), measures (~2 minutes) and
# writes target/bench-history/results.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd)

JEDI_LS_VERSION=0.47.0
BUILD=1
PEER=1
PASS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0; shift ;;
    --skip-peer) PEER=0; PASS+=(--skip-peer); shift ;;
    --gen-only) PEER=0; PASS+=(--gen-only); shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) PASS+=("$1"); shift ;;
  esac
done

PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11), sys.version' || {
  echo "python 3.11+ needed (set PYTHON=...)" >&2; exit 2; }
command -v git >/dev/null || { echo "git is needed (the workspace is a git repository)" >&2; exit 2; }

# ---------------------------------------------------------------------------- peer
VENV=$REPO/target/bench-venv
if [ "$PEER" = 1 ] && ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('jedi-language-server') != '$JEDI_LS_VERSION')" 2>/dev/null; then
  echo "== jedi-language-server==$JEDI_LS_VERSION into $VENV"
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  if ! "$VENV/bin/pip" install --quiet --disable-pip-version-check "jedi-language-server==$JEDI_LS_VERSION"; then
    echo "   could not install jedi-language-server: the peer is left out" >&2
    PASS+=(--skip-peer)
  fi
fi

# ---------------------------------------------------------------------------- binary
if [ "$BUILD" = 1 ]; then
  echo "== cargo build --release --bin testlens --locked"
  cargo build --release --bin testlens --locked
fi

exec "$PYTHON" tests/bench/history_bench.py "${PASS[@]}"
