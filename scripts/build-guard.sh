#!/usr/bin/env bash
# Minifies the guard's readable template (guard/js/guard.js) into guard/js/guard.min.js, which the
# kapsel-guard crate embeds (the generator fills in a site's host map). terser comes from
# target/tools (scripts/setup.sh). The crate's tests fail when the two drift apart.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$repo/scripts/setup.sh" wasm
terser "$repo/guard/js/guard.js" --ecma 2020 -c passes=2 -m -o "$repo/guard/js/guard.min.js"
printf 'guard template: %s B, %s B gzip -9 (before the host map)\n' \
  "$(wc -c < "$repo/guard/js/guard.min.js")" "$(gzip -9 -c "$repo/guard/js/guard.min.js" | wc -c)"
