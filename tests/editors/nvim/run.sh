#!/usr/bin/env bash
# The Neovim plugin in a real headless Neovim, on copies of the TypeScript and JavaScript
# fixture projects. Called by tests/editors/run.sh with NVIM, TESTLENS, FIXTURES, WORK, ART set.
set -euo pipefail
cd "$(dirname "$0")/../../.."
: "${NVIM:?}" "${TESTLENS:?}" "${FIXTURES:?}" "${WORK:?}" "${ART:?}"

rm -rf "$WORK" "$ART"
mkdir -p "$WORK" "$ART"
for lang in typescript javascript; do
  # Not node_modules: the server does not need them, and the copy stays small.
  mkdir -p "$WORK/$lang"
  (cd "$FIXTURES/$lang" && tar -c --exclude=node_modules --exclude=coverage --exclude=.testlens .) |
    (cd "$WORK/$lang" && tar -x)
done

# Neovim's state (the LSP log) inside the work directory, not the user's home.
export XDG_STATE_HOME="$WORK/state" XDG_CACHE_HOME="$WORK/cache" XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config"
rc=0
WORK="$WORK" TESTLENS="$TESTLENS" \
  timeout 300 "$NVIM" --headless --clean --cmd "set rtp^=$PWD/editors/neovim" -l tests/editors/nvim/test.lua ||
  rc=$?
cp "$WORK/state/nvim/lsp.log" "$ART/lsp.log" 2>/dev/null || true
[ $rc -eq 124 ] && echo "nvim e2e: Neovim did not finish in 300s"
exit $rc
