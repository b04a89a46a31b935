#!/usr/bin/env bash
# Cold index benchmark: testlens lsp, testlens check and Universal Ctags on one large real corpus,
# measured side by side in one run. See docs/benchmarks.md.
#
#   tests/bench/cold_index.sh [--runs N] [--rebuild-corpus] [--corpus-only] [--no-build]
#                             [any other option of tests/bench/cold_index.py, e.g. --sub-runs 1]
#
# Builds target/bench-corpus/ on first use (nothing of it is committed) from:
#   python/      the machine's Python standard library (sysconfig's stdlib path, no site-packages)
#   go/          the Go 1.23 standard library, /usr/lib/go-1.23/src (golang-1.23-src from
#                bookworm-backports is installed if missing)
#   typescript/  lib/ of the typescript npm package, pinned
#   rust/        the sources of a few large crates and their dependencies (Linux targets only),
#                fetched with cargo into ~/.cargo/registry
# keeping only the files testlens indexes (tests/bench/corpus.py). Then runs
# tests/bench/cold_index.py, which writes target/bench-results/cold_index.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd)

RUNS=5
REBUILD=0
CORPUS_ONLY=0
BUILD=1
PASS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --rebuild-corpus) REBUILD=1; shift ;;
    --corpus-only) CORPUS_ONLY=1; shift ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) PASS+=("$1"); shift ;;  # any other option of tests/bench/cold_index.py
  esac
done

TS_VERSION=5.9.3
GO_SRC=/usr/lib/go-1.23/src
CORPUS=$REPO/target/bench-corpus
DEPS=$REPO/target/bench-deps
RESULTS=$REPO/target/bench-results
STAMP=$REPO/target/bench-corpus.stamp
# Bump when the recipe changes, so that an old corpus is rebuilt.
RECIPE="v1 python-stdlib go-1.23 typescript@$TS_VERSION tokio=1.54.1 syn=2.0.119 regex=1.13.1 serde_json=1.0.154 serde=1.0.229 clap=4.6.7 hyper=1.12.0"

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# ---------------------------------------------------------------------------- tools
command -v hyperfine >/dev/null || { echo "== installing hyperfine"; apt_install hyperfine; }
[ -x /usr/bin/time ] || { echo "== installing time"; apt_install time; }
if ! ctags --version 2>/dev/null | grep -q 'Universal Ctags'; then
  echo "== installing universal-ctags"; apt_install universal-ctags
fi
if [ ! -d "$GO_SRC/go/ast" ]; then
  echo "== installing golang-1.23-src from bookworm-backports"
  src=/etc/apt/sources.list.d/debian.sources
  if [ -f "$src" ] && ! grep -q 'bookworm-backports' "$src"; then
    sed -i 's/^Suites: bookworm bookworm-updates$/& bookworm-backports/' "$src"
  fi
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo 'deb http://deb.debian.org/debian bookworm-backports main' > /etc/apt/sources.list.d/backports.list
  fi
  apt_updated=0
  apt_install -t bookworm-backports golang-1.23-src
fi
PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11), sys.version' || {
  echo "python 3.11+ needed (set PYTHON=...)" >&2; exit 2; }

# ---------------------------------------------------------------------------- binary
if [ "$BUILD" = 1 ] && [ "$CORPUS_ONLY" = 0 ]; then
  echo "== cargo build --release --bins"
  cargo build --release --bins
fi

# ---------------------------------------------------------------------------- corpus
if [ "$REBUILD" = 1 ] || [ ! -d "$CORPUS" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$RECIPE" ]; then
  echo "== building the corpus in $CORPUS"
  rm -rf "$CORPUS" "$STAMP"
  mkdir -p "$CORPUS" "$DEPS"

  PY_STDLIB=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')
  echo "-- python stdlib: $PY_STDLIB ($("$PYTHON" --version))"
  "$PYTHON" tests/bench/corpus.py copy "$PY_STDLIB" "$CORPUS/python" \
    --exclude-dir site-packages --exclude-dir dist-packages

  echo "-- go stdlib: $GO_SRC ($(head -1 "$(dirname "$GO_SRC")/VERSION" 2>/dev/null))"
  "$PYTHON" tests/bench/corpus.py copy "$GO_SRC" "$CORPUS/go"

  echo "-- typescript@$TS_VERSION lib/"
  rm -rf "$DEPS/npm" && mkdir -p "$DEPS/npm"
  (cd "$DEPS/npm" && echo '{"private": true}' > package.json &&
   npm install --no-audit --no-fund --ignore-scripts --loglevel=error "typescript@$TS_VERSION" >/dev/null)
  "$PYTHON" tests/bench/corpus.py copy "$DEPS/npm/node_modules/typescript/lib" "$CORPUS/typescript/lib"

  echo "-- rust crates"
  rm -rf "$DEPS/crates" && mkdir -p "$DEPS/crates/src"
  echo 'fn main() {}' > "$DEPS/crates/src/main.rs"
  cat > "$DEPS/crates/Cargo.toml" <<'EOF'
[package]
name = "bench-corpus"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
tokio = { version = "=1.54.1", features = ["full"] }
syn = { version = "=2.0.119", features = ["full", "extra-traits", "visit", "visit-mut", "fold"] }
regex = "=1.13.1"
serde_json = "=1.0.154"
serde = { version = "=1.0.229", features = ["derive"] }
clap = { version = "=4.6.7", features = ["derive"] }
hyper = { version = "=1.12.0", features = ["full"] }
EOF
  host=$(rustc -vV | sed -n 's/^host: //p')
  cargo fetch --quiet --manifest-path "$DEPS/crates/Cargo.toml" --target "$host"
  cargo metadata --quiet --format-version 1 --manifest-path "$DEPS/crates/Cargo.toml" \
      --filter-platform "$host" > "$DEPS/crates/metadata.json"
  "$PYTHON" - "$DEPS/crates/metadata.json" > "$DEPS/crates/dirs.txt" <<'EOF'
import json, os, sys
meta = json.load(open(sys.argv[1]))
for p in meta["packages"]:
    if p["source"]:  # skip the local package itself
        print(f'{p["name"]}-{p["version"]}\t{os.path.dirname(p["manifest_path"])}')
EOF
  while IFS=$'\t' read -r name dir; do
    "$PYTHON" tests/bench/corpus.py copy "$dir" "$CORPUS/rust/$name" >/dev/null
  done < "$DEPS/crates/dirs.txt"
  echo "  $(wc -l < "$DEPS/crates/dirs.txt") crates copied to $CORPUS/rust"
  echo "$RECIPE" > "$STAMP"
else
  echo "== corpus $CORPUS is up to date (rebuild with --rebuild-corpus)"
fi

mkdir -p "$RESULTS"
"$PYTHON" tests/bench/corpus.py count "$CORPUS" --json "$RESULTS/corpus.json"
[ "$CORPUS_ONLY" = 1 ] && exit 0

# ---------------------------------------------------------------------------- measure
exec "$PYTHON" tests/bench/cold_index.py --binary "$REPO/target/release/testlens" \
  --corpus "$CORPUS" --runs "$RUNS" --json "$RESULTS/cold_index.json" "${PASS[@]}"
