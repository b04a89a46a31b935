#!/usr/bin/env bash
# The pytest-lsp suite: the real `testlens lsp` binary driven by a real third-party LSP client
# (pytest-lsp) on the fixture projects. Called from the repository root by tests/run.sh, after
# `cargo build --bins`. Idempotent: the venv is (re)made only when requirements.txt changed.
#
#   tests/pytest_lsp/run.sh [pytest args...]     e.g. -k hover, -x, -v
#   TESTLENS_BIN=/path/to/testlens tests/pytest_lsp/run.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
stamp="$venv/.requirements.sha256"
python="${PYTHON:-python3}"

want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
if [[ ! -x "$venv/bin/python" || ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    echo "== pytest-lsp: creating $venv"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
        -r "$here/requirements.txt"
    echo "$want" > "$stamp"
fi

if [[ -n "${TESTLENS_BIN:-}" && "$TESTLENS_BIN" != /* ]]; then
    export TESTLENS_BIN="$PWD/$TESTLENS_BIN"  # pytest runs from tests/pytest_lsp
fi
if [[ -z "${TESTLENS_BIN:-}" ]]; then
    export TESTLENS_BIN="${CARGO_TARGET_DIR:-$repo/target}/debug/testlens"
    if [[ ! -x "$TESTLENS_BIN" ]]; then
        echo "== $TESTLENS_BIN missing: cargo build --bins"
        (cd "$repo" && cargo build --bins)
    fi
fi
if [[ ! -x "$TESTLENS_BIN" ]]; then
    echo "error: TESTLENS_BIN=$TESTLENS_BIN is not an executable file" >&2
    exit 2
fi

cd "$here"
exec "$venv/bin/python" -m pytest -q "$@"
