#!/usr/bin/env bash
# Installs what Kapsel's build, demo and tests need and a fresh Debian machine with rustup lacks:
# the wasm32 target, wasm-bindgen-cli at the version Cargo.lock pins, Debian's Chromium and
# ChromeDriver, Debian's PostgreSQL (kapsel-receipts' tests), Slurm (the crawl's end-to-end test),
# stress-ng, and (from npm, into target/tools) binaryen's wasm-opt and axe-core.
# Idempotent: each step checks first. Source it or run it; `setup.sh wasm` installs only what the
# banner's build needs (no browser).
set -euo pipefail
setup_scope="${1:-all}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
setup_say() { printf '\033[1msetup:\033[0m %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  setup_say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

wb_version="$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[" ]/, "", $0); sub("version=", "", $0); print; exit}' "$repo/Cargo.lock")"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  setup_say "installing wasm-bindgen-cli $wb_version (about 2 minutes)"
  cargo install wasm-bindgen-cli --version "$wb_version" --quiet
fi

if [ "$setup_scope" != wasm ] && { ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; }; then
  setup_say "installing Debian's chromium and chromium-driver"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# PostgreSQL for kapsel-receipts' tests and bench (they start a throw-away cluster of their own).
if [ "$setup_scope" != wasm ] && ! command -v initdb >/dev/null 2>&1 \
   && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  setup_say "installing Debian's postgresql"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
fi

# Slurm for the national crawl's end-to-end test (a single-node cluster the test starts itself).
if [ "$setup_scope" != wasm ] && ! command -v slurmctld >/dev/null 2>&1; then
  setup_say "installing Debian's slurmctld, slurmd and slurm-client"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
      --no-install-recommends slurmctld slurmd slurm-client >/dev/null; } \
    || setup_say "could not install Slurm: its end-to-end test will be skipped"
fi

# stress-ng keeps the machine busy in the test that the scanner's result does not depend on load.
if [ "$setup_scope" != wasm ] && ! command -v stress-ng >/dev/null 2>&1; then
  setup_say "installing Debian's stress-ng"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq stress-ng >/dev/null \
    || { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq stress-ng >/dev/null; }
fi

tools="$repo/target/tools"
# binaryen's wasm-opt from npm: Debian's binaryen 108 produces modules that fail at run time.
if [ ! -x "$tools/node_modules/.bin/wasm-opt" ] || [ ! -x "$tools/node_modules/.bin/terser" ] \
   || [ ! -f "$tools/node_modules/axe-core/axe.min.js" ]; then
  setup_say "installing binaryen (wasm-opt), terser and axe-core from npm into target/tools"
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --silent binaryen@132 terser@5 axe-core@4 >/dev/null
fi
export PATH="$tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# Consent libraries for the scanner's fixtures (cmp-fixtures/) and DuckDuckGo's autoconsent rule
# set, which `kapsel scan` drives to press banners: pinned, from npm, into target/tools.
consent_npm=(@duckduckgo/autoconsent@16.23.0 vanilla-cookieconsent@3.1.0 klaro@0.7.22 orejime@3.2.1
  tarteaucitronjs@1.34.0 cookieconsent@3.1.1 @porscheofficial/cookie-consent-banner@4.1.0)
consent_missing=""
for spec in "${consent_npm[@]}"; do
  consent_name="${spec%@*}"; consent_version="${spec##*@}"
  consent_have="$(node -p "require('$tools/node_modules/$consent_name/package.json').version" 2>/dev/null || true)"
  [ "$consent_have" = "$consent_version" ] || consent_missing=1
done
if [ -n "$consent_missing" ]; then
  setup_say "installing autoconsent and the fixture consent libraries from npm into target/tools"
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --silent "${consent_npm[@]}" >/dev/null
fi
