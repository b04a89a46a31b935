#!/usr/bin/env bash
# Ingest benchmark: `testlens ingest` on large JUnit XML and lcov files, next to Python's
# junitparser and node's lcov-parse on the same files, in one interleaved run. See
# docs/benchmarks.md ("Ingest").
#
#   tests/bench/ingest_bench.sh [--sizes 100M,1G] [--runs 3] [--no-build] [--gen-only]
#                               [any other option of tests/bench/ingest_bench.py]
#
# Installs, pinned, what it lacks:
#   target/bench-venv/   a venv with junitparser==5.0.3 (its default xml.etree backend; no lxml)
#   target/bench-node/   lcov-parse@1.0.0 from npm
#   /usr/bin/time        Debian's `time`
# generates the inputs it lacks into target/bench-reports/ (tests/bench/gen_reports.py: seeded,
# so the same bytes every time; ~30 s per GB of JUnit, ~80 s per GB of lcov; 2.2 GB on disk for
# the default sizes), builds the release binary (unless --no-build), then runs
# tests/bench/ingest_bench.py, which writes target/bench-results/ingest.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd)

JUNITPARSER_VERSION=5.0.3
LCOV_PARSE_VERSION=1.0.0
SIZES=100M,1G
BUILD=1
GEN_ONLY=0
PASS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES=$2; PASS+=(--sizes "$2"); shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --gen-only) GEN_ONLY=1; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) PASS+=("$1"); shift ;;
  esac
done

PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11), sys.version' || {
  echo "python 3.11+ needed (set PYTHON=...)" >&2; exit 2; }

if [ ! -x /usr/bin/time ]; then
  echo "== installing time"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi

# ---------------------------------------------------------------------------- peers
VENV=$REPO/target/bench-venv
if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('junitparser') != '$JUNITPARSER_VERSION')" 2>/dev/null; then
  echo "== junitparser==$JUNITPARSER_VERSION into $VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "junitparser==$JUNITPARSER_VERSION"
fi
NODE_DIR=$REPO/target/bench-node
if [ "$(node -p "require('$NODE_DIR/node_modules/lcov-parse/package.json').version" 2>/dev/null)" != "$LCOV_PARSE_VERSION" ]; then
  echo "== lcov-parse@$LCOV_PARSE_VERSION into $NODE_DIR"
  mkdir -p "$NODE_DIR"
  (cd "$NODE_DIR" && echo '{"private": true}' > package.json &&
   npm install --no-audit --no-fund --ignore-scripts --loglevel=error --save-exact "lcov-parse@$LCOV_PARSE_VERSION" >/dev/null)
fi

# ---------------------------------------------------------------------------- inputs
gen_args=()
IFS=, read -ra sizes <<< "$SIZES"
for s in "${sizes[@]}"; do gen_args+=(--size "$s"); done
echo "== inputs in target/bench-reports (generated when missing)"
"$PYTHON" tests/bench/gen_reports.py "${gen_args[@]}"
[ "$GEN_ONLY" = 1 ] && exit 0

# ---------------------------------------------------------------------------- binary
if [ "$BUILD" = 1 ]; then
  echo "== cargo build --release --bins"
  cargo build --release --bins
fi

exec "$PYTHON" tests/bench/ingest_bench.py "${PASS[@]}"
