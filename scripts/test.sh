#!/usr/bin/env bash
# README's test command: installs what is missing, then runs every check Kapsel has —
# formatting, clippy (native and wasm32), the banner build, unit and integration tests, the
# banner's wasm-bindgen tests in Chromium, and the end-to-end tests over the demo municipality.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
source scripts/setup.sh
step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
start=$SECONDS

step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy (native)"
cargo clippy --workspace --all-targets -- -D warnings
step "cargo clippy (wasm32 banner: all languages, and one as shipped)"
cargo clippy -p kapsel-consent --target wasm32-unknown-unknown -- -D warnings
cargo clippy -p kapsel-consent --target wasm32-unknown-unknown --no-default-features --features nn -- -D warnings
step "build the banner"
scripts/build-banner.sh
step "build the kapsel and kapsel-demo binaries"
cargo build --bins
export KAPSEL_BIN="${CARGO_TARGET_DIR:-$repo/target}/debug/kapsel"
step "tests"
cargo test --workspace --no-fail-fast
if [ -d consent-wasm/tests ] || grep -q wasm_bindgen_test consent-wasm/src/*.rs 2>/dev/null; then
  step "banner wasm-bindgen tests in Chromium"
  CHROMEDRIVER=/usr/bin/chromedriver cargo test -p kapsel-consent --target wasm32-unknown-unknown
fi
step "done in $((SECONDS - start)) s"
