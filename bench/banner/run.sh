#!/usr/bin/env bash
# Banner benchmark: Kapsel against vanilla-cookieconsent 3.1.0 + @orestbida/iframemanager 1.3.0 on the
# same page (same gated Google Analytics script, same gated Facebook iframe), in the same Chromium.
# Prints the gzip -9 bytes of everything the browser downloads for each banner (JS, wasm, CSS; the
# declaration/configuration apart) and the median navigation-start → banner-visible time over
# LOADS loads (default 20), side by side, with the ratio Kapsel/peer; also for the Kapsel page with
# consent receipts on, and with the guard first in <head> (guard and banner in one file, one tag).
#
# Installs what it needs under target/bench-banner (npm: the two peer packages, playwright-core),
# builds the banner (scripts/build-banner.sh) and the demo server (kapsel-demo), serves both pages
# from one kapsel-demo on 127.0.0.1, and drives Debian's Chromium (/usr/bin/chromium or
# $KAPSEL_CHROMIUM) with playwright-core.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$repo/target/bench-banner"
loads="${LOADS:-20}"
cd "$repo"
say() { printf 'bench/banner: %s\n' "$*" >&2; }

mkdir -p "$work"
if [ ! -d "$work/node_modules/vanilla-cookieconsent" ] || [ ! -d "$work/node_modules/@orestbida/iframemanager" ] \
   || [ ! -d "$work/node_modules/playwright-core" ]; then
  say "installing vanilla-cookieconsent@3.1.0, @orestbida/iframemanager@1.3.0, playwright-core into $work"
  npm install --silent --no-audit --no-fund --prefix "$work" \
    vanilla-cookieconsent@3.1.0 @orestbida/iframemanager@1.3.0 playwright-core@1 >&2
fi

say "building the banner"
./scripts/build-banner.sh
say "building kapsel-demo"
cargo build -q -p kapsel-demo --release
demo_bin="${CARGO_TARGET_DIR:-$repo/target}/release/kapsel-demo"

# The pages, with the peer's files next to them. The guarded page is the Kapsel page with the
# guard's one tag (guard.js, generated from the site's declaration, starting the banner) in place
# of the banner's own.
site="$work/site"
rm -rf "$site"
cp -r bench/banner/site "$site"
mkdir -p "$site/with-guard"
sed 's|<script type="module" src="/kapsel/kapsel.js" data-config="/kapsel.json"></script>|<script src="/kapsel/guard.js" data-config="/kapsel.json"></script>|' \
  "$site/with-kapsel/index.html" >"$site/with-guard/index.html"
grep -q '/kapsel/guard.js' "$site/with-guard/index.html" || { say "with-kapsel/index.html lost the banner's tag"; exit 2; }
mkdir -p "$site/with-peer/lib"
cp "$work/node_modules/vanilla-cookieconsent/dist/cookieconsent.umd.js" \
   "$work/node_modules/vanilla-cookieconsent/dist/cookieconsent.css" \
   "$work/node_modules/@orestbida/iframemanager/dist/iframemanager.js" \
   "$work/node_modules/@orestbida/iframemanager/dist/iframemanager.css" "$site/with-peer/lib/"

env_file="$work/demo.env"
rm -f "$env_file"
"$demo_bin" --site-dir "$site" --env-file "$env_file" >"$work/demo.log" 2>&1 &
demo_pid=$!
trap 'kill "$demo_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  [ -s "$env_file" ] && break
  kill -0 "$demo_pid" 2>/dev/null || { cat "$work/demo.log" >&2; exit 2; }
  sleep 0.1
done
[ -s "$env_file" ] || { say "kapsel-demo did not start"; cat "$work/demo.log" >&2; exit 2; }
# shellcheck disable=SC1090
. "$env_file"

say "measuring ($loads loads each, alternating)"
cp bench/banner/bench.mjs "$work/bench.mjs"
node "$work/bench.mjs" "$KAPSEL_DEMO_URL" "$KAPSEL_DEMO_HOST_RULES" "$loads"
