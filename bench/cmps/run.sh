#!/usr/bin/env bash
# bench/cmps: every consent-library and dark-pattern fixture (cmp-fixtures/) through `kapsel scan
# --consent all` and through the peer @slashgear/gdpr-cookie-scanner (its CLI, with Debian's
# Chromium), side by side: banners found, accept right, reject right, seconds.
# Usage: bench/cmps/run.sh [kapsel|peer|both]   (default both; one tool reruns only its rows).
# Output: bench/out/cmps/ (reports per tool and fixture, rows-*.jsonl, table.md).
# Everything is served on 127.0.0.1; the peer is installed into target/tools/cmps-peer.
set -euo pipefail
which="${1:-both}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
source scripts/setup.sh
out="$repo/bench/out/cmps"
mkdir -p "$out"
[ "$which" = peer ] || rm -rf "$out/kapsel" "$out/rows-kapsel.jsonl"
[ "$which" = kapsel ] || rm -rf "$out/peer" "$out/rows-peer.jsonl"
bin="${CARGO_TARGET_DIR:-$repo/target}/debug"
kapsel="${KAPSEL_BIN:-$bin/kapsel}"
if [ -z "${KAPSEL_BIN:-}" ]; then cargo build -q --bin kapsel; fi
cargo build -q -p kapsel-cmp-fixtures --bin kapsel-cmp-fixtures

if [ "$which" != kapsel ]; then
  peer="$repo/target/tools/cmps-peer"
  if [ ! -x "$peer/node_modules/.bin/gdpr-scan" ]; then
    echo "bench: installing @slashgear/gdpr-cookie-scanner@3.8.2 into $peer" >&2
    npm install --prefix "$peer" --no-audit --no-fund --silent @slashgear/gdpr-cookie-scanner@3.8.2 >/dev/null
  fi
  # Its Playwright looks for a headless shell build of its own: point that path at Debian's
  # Chromium (Playwright is never allowed to download a browser here).
  rev="$(node -p "require('$peer/node_modules/playwright-core/browsers.json').browsers.find(b => b.name === 'chromium-headless-shell').revision")"
  shell_dir="$peer/browsers/chromium_headless_shell-$rev/chrome-headless-shell-linux64"
  mkdir -p "$shell_dir" && ln -sf /usr/lib/chromium/chromium "$shell_dir/chrome-headless-shell"
  export PLAYWRIGHT_BROWSERS_PATH="$peer/browsers"
fi

# The fixture server: reads its URLs until `ready`, stops when its stdin closes.
coproc FIX { "$bin/kapsel-cmp-fixtures"; }
declare -A url kinds
while read -r name u k <&"${FIX[0]}"; do
  [ "$name" = ready ] && break
  url[$name]="$u"; kinds[$name]="$k"
done
fix_pid=$FIX_PID
trap 'kill "$fix_pid" 2>/dev/null || true' EXIT

for name in $(printf '%s\n' "${!url[@]}" | sort); do
  kind="${kinds[$name]}"
  if [ "$which" != peer ]; then
    d="$out/kapsel/$name"; mkdir -p "$d"
    t0=$(date +%s.%N)
    "$kapsel" scan "${url[$name]}" --consent all --max-pages 1 --concurrency 1 --fail-on never \
      --format json --out "$d/report.html" >"$d/kapsel.json" 2>"$d/stderr.txt" || true
    t1=$(date +%s.%N)
    python3 bench/cmps/score.py kapsel "$name" "$kind" "$d" "$(echo "$t1 - $t0" | bc)" >>"$out/rows-kapsel.jsonl"
  fi
  if [ "$which" != kapsel ]; then
    d="$out/peer/$name"; mkdir -p "$d"
    t0=$(date +%s.%N)
    timeout 180 "$peer/node_modules/.bin/gdpr-scan" scan "${url[$name]}" --output "$d" --format json --locale nb-NO \
      >"$d/stdout.txt" 2>"$d/stderr.txt" || true
    t1=$(date +%s.%N)
    python3 bench/cmps/score.py gdpr-cookie-scanner "$name" "$kind" "$d" "$(echo "$t1 - $t0" | bc)" >>"$out/rows-peer.jsonl"
  fi
done
cat "$out"/rows-*.jsonl >"$out/rows.jsonl"
python3 bench/cmps/table.py "$out/rows.jsonl" | tee "$out/table.md"
