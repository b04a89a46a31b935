#!/usr/bin/env bash
# The whole test suite, as the README gives it: formatting, lints, every Rust test (unit,
# data-driven, end-to-end over stdio with the real binary), then the suites that drive the
# server from real third-party clients. Installs what those need (a Python venv) on first run.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== the fixtures' real test runners (Go 1.23, pytest, Vitest, Jest), for the tests that run them"
fixtures/install-runners.sh
# End-to-end tests that apply a fix or a generated test and then run the fixture's own runner.
export TESTLENS_RUNNER_TESTS=1

echo "== cargo test"
cargo build --workspace --locked --bins
cargo test --workspace --locked

echo "== pytest-lsp (a real third-party LSP client)"
tests/pytest_lsp/run.sh

echo "== editor clients: VS Code (code-server + Chromium), Neovim 0.11, JetBrains checks"
tests/editors/run.sh

echo "== all tests passed"
