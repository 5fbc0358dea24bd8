#!/usr/bin/env bash
# Guard benchmark: which insertion ways leak a request to a tracker before any choice, with no
# blocker, with the peer library yett (npm, pinned) and with Kapsel's guard, on the same fixture
# (tests/fixtures/guard: every way a CMS, theme, plugin or tag manager inserts a tracker, with the
# stand-in trackers under their real host names), in the same Chromium. Each page is loaded LOADS
# times (default 5; a first visit, then repeat visits) per blocker; prints a Markdown table of the
# loads in which each way reached its tracker, and the bytes a page downloads with guard and banner.
#
# yett is given the same tracker domains the guard's host map names for the fixture's hosts
# (YETT_BLACKLIST, its documented configuration, set inline before it as its README shows).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$repo/target/bench-guard"
loads="${LOADS:-5}"
cd "$repo"
say() { printf 'bench/guard: %s\n' "$*" >&2; }

mkdir -p "$work"
if [ ! -f "$work/node_modules/yett/dist/yett.min.js" ]; then
  say "installing yett@0.1.13 into $work"
  npm install --silent --no-audit --no-fund --prefix "$work" yett@0.1.13 >&2
fi
say "building the banner and the driver"
./scripts/build-banner.sh >&2
cargo build -q -p kapsel-e2e --example guard_leaks
cargo build -q --bin kapsel

fixture="$repo/tests/fixtures/guard"
site() { rm -rf "$work/site-$1"; cp -r "$fixture" "$work/site-$1"; }
site none
: > "$work/site-none/_partials/blocker.html"
site yett
cp "$work/node_modules/yett/dist/yett.min.js" "$work/site-yett/assets/yett.min.js"
cat > "$work/site-yett/_partials/blocker.html" <<'HTML'
<script>window.YETT_BLACKLIST = [/(^|\.)facebook\.com(:|\/|$)/, /(^|\.)facebook\.net(:|\/|$)/, /(^|\.)vimeo\.com(:|\/|$)/, /(^|\.)google-analytics\.com(:|\/|$)/, /(^|\.)googletagmanager\.com(:|\/|$)/];</script>
<script src="/assets/yett.min.js"></script>
HTML
site guard

"${CARGO_TARGET_DIR:-$repo/target}/debug/examples/guard_leaks" "$loads" \
  "no blocker=$work/site-none" "yett 0.1.13=$work/site-yett" "Kapsel guard=$work/site-guard"

# The guard's bytes for the fixture and for the demo, and what a Bokmål page of the demo downloads
# with the banner only, with guard and banner in one file (guard.js ending with kapsel-classic.js,
# one tag) and with both apart (two tags).
kapsel="${CARGO_TARGET_DIR:-$repo/target}/debug/kapsel"
"$kapsel" catalogue resolve "$fixture/declaration.json" --out /dev/null --guard "$work/guard-fixture.js"
"$kapsel" catalogue resolve demo-site/site/declaration.json --out /dev/null --guard "$work/guard-demo.js"
"$kapsel" catalogue resolve demo-site/site/declaration.json --out /dev/null --guard "$work/guard-demo-banner.js" \
  --banner-js target/banner/kapsel-classic.js
gz() { gzip -9 -c <"$1" | wc -c; }
wasm=$(gz target/banner/kapsel_nb.wasm)
echo
echo "| page | files | bytes gzip -9 | budget |"
echo "|---|---|---|---|"
echo "| banner only | kapsel.js + kapsel_nb.wasm | $(( $(gz target/banner/kapsel.js) + wasm )) | 15,360 |"
echo "| guard and banner, one tag | guard.js (guard + kapsel-classic.js) + kapsel_nb.wasm | $(( $(gz "$work/guard-demo-banner.js") + wasm )) | 16,384 |"
echo "| guard and banner, two tags | guard.js + kapsel.js + kapsel_nb.wasm | $(( $(gz "$work/guard-demo.js") + $(gz target/banner/kapsel.js) + wasm )) | |"
echo "| the guard alone (demo; fixture $(gz "$work/guard-fixture.js")) | guard.js | $(gz "$work/guard-demo.js") | 2,048 |"
