#!/usr/bin/env bash
# bench/cmps: every consent-library and dark-pattern fixture (cmp-fixtures/) through `kapsel scan
# --consent all` and through the peer @slashgear/gdpr-cookie-scanner (its CLI, with Debian's
# Chromium), side by side: banners found, accept right, reject right, seconds.
# Usage: bench/cmps/run.sh [kapsel|peer|both]   (default both). Output: bench/out/cmps/.
# Everything is served on 127.0.0.1; the peer is installed into target/tools/cmps-peer.
set -euo pipefail
which="${1:-both}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
source scripts/setup.sh
out="$repo/bench/out/cmps"
rm -rf "$out" && mkdir -p "$out"
cargo build -q --bin kapsel
cargo build -q -p kapsel-cmp-fixtures --bin kapsel-cmp-fixtures
bin="${CARGO_TARGET_DIR:-$repo/target}/debug"

if [ "$which" != kapsel ]; then
  peer="$repo/target/tools/cmps-peer"
  if [ ! -x "$peer/node_modules/.bin/gdpr-scan" ]; then
    echo "bench: installing @slashgear/gdpr-cookie-scanner@3.8.2 into $peer" >&2
    npm install --prefix "$peer" --no-audit --no-fund --silent @slashgear/gdpr-cookie-scanner@3.8.2 >/dev/null
  fi
fi

# The fixture server: reads its URLs until `ready`, stops when its stdin closes.
coproc FIX { "$bin/kapsel-cmp-fixtures"; }
declare -A url
while read -r name u <&"${FIX[0]}"; do
  [ "$name" = ready ] && break
  url[$name]="$u"
done
fix_pid=$FIX_PID
trap 'kill "$fix_pid" 2>/dev/null || true' EXIT

kind_of() { case "$1" in dark-*) echo dark ;; no-banner) echo no-banner ;; *) echo library ;; esac; }
rows="$out/rows.jsonl"
for name in $(printf '%s\n' "${!url[@]}" | sort); do
  kind="$(kind_of "$name")"
  if [ "$which" != peer ]; then
    d="$out/kapsel/$name"; mkdir -p "$d"
    t0=$(date +%s.%N)
    "$bin/kapsel" scan "${url[$name]}" --consent all --max-pages 1 --concurrency 1 --fail-on never \
      --format json --out "$d/report.html" >"$d/kapsel.json" 2>"$d/stderr.txt" || true
    t1=$(date +%s.%N)
    python3 bench/cmps/score.py kapsel "$name" "$kind" "$d" "$(echo "$t1 - $t0" | bc)" >>"$rows"
  fi
  if [ "$which" != kapsel ]; then
    d="$out/peer/$name"; mkdir -p "$d"
    t0=$(date +%s.%N)
    PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH=/usr/lib/chromium/chromium \
      timeout 180 "$peer/node_modules/.bin/gdpr-scan" "${url[$name]}" --output "$d" --format json \
      >"$d/stdout.txt" 2>"$d/stderr.txt" || true
    t1=$(date +%s.%N)
    python3 bench/cmps/score.py gdpr-cookie-scanner "$name" "$kind" "$d" "$(echo "$t1 - $t0" | bc)" >>"$rows"
  fi
done
python3 bench/cmps/table.py "$rows" | tee "$out/table.md"
