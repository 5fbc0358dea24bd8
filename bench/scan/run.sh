#!/usr/bin/env bash
# Scan benchmark: pages per minute and peak memory of `kapsel scan` at --concurrency 1, 2 and 4,
# and of The Markup's Blacklight collector (npm @themarkup/blacklight-collector, puppeteer) over
# the same generated 200-page site in the same Debian Chromium, and whether both found the same
# cookies. Everything runs on 127.0.0.1 (the stand-in trackers via host-resolver rules).
#
# Usage: bench/scan/run.sh [PAGES]      (default 200)
#   BASELINE=<path to another kapsel binary>  also runs that build (an earlier commit's, say) at the
#                                             same concurrencies on the same site, in the same run,
#                                             and prints the new/baseline ratio of pages per minute
#   CONCURRENCY="1 2 4"                       the concurrencies to run (default all three)
#   BLACKLIGHT=0                              skips the Blacklight collector
# Needs: cargo, python3, node + npm, chromium. Writes to bench/out/scan/.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
pages="${1:-200}"
out="$repo/bench/out/scan"
chromium="${CHROMIUM:-$(command -v chromium || echo /usr/bin/chromium)}"
target="${CARGO_TARGET_DIR:-$repo/target}"
mkdir -p "$out"

echo "== building kapsel and kapsel-demo (release)" >&2
(cd "$repo" && cargo build --release -q -p kapsel-scanner -p kapsel-demo)
kapsel="$target/release/kapsel"
demo="$target/release/kapsel-demo"

echo "== installing the Blacklight collector (npm, Chromium download skipped)" >&2
if [ ! -d "$out/node/node_modules/@themarkup/blacklight-collector" ]; then
  mkdir -p "$out/node"
  (cd "$out/node" && PUPPETEER_SKIP_DOWNLOAD=1 npm install --silent --no-audit --no-fund \
    @themarkup/blacklight-collector@3.11.0 >/dev/null 2>&1)
fi

echo "== generating a $pages-page site" >&2
rm -rf "$out/site"
python3 "$here/gen-site.py" "$out/site" "$pages"

rm -f "$out/demo.env" "$out"/kapsel-c*.* "$out"/baseline-c*.* "$out"/blacklight.*
"$demo" --site-dir "$out/site" --env-file "$out/demo.env" >"$out/demo.log" 2>&1 &
demo_pid=$!
trap 'kill $demo_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s "$out/demo.env" ] && break; sleep 0.1; done
[ -s "$out/demo.env" ] || { echo "kapsel-demo did not start: see $out/demo.log" >&2; exit 2; }
# shellcheck disable=SC1091
source "$out/demo.env"
url="$KAPSEL_DEMO_URL"
read -r -a scan_args <<<"$KAPSEL_DEMO_SCAN_ARGS"

declare -A ppm mem found
# run_kapsel C [NAME BINARY]: one scan at concurrency C with the binary (default: this build).
run_kapsel() {
  local c=$1 name="${2:-kapsel}" bin="${3:-$kapsel}"
  local log="$out/$name-c$c.err"
  python3 "$here/peak-mem.py" "$bin" scan "$url" --consent none --max-pages "$pages" --depth 1 \
    --concurrency "$c" --wait 500 --dwell 1000 --fail-on never --quiet --browser "$chromium" \
    "${scan_args[@]}" --out "$out/$name-c$c.json" 2>"$log" || echo "$name scan failed: see $log" >&2
  local wall peak visited
  wall=$(sed -n 's/^WALL_S=//p' "$log")
  peak=$(sed -n 's/^PEAK_PSS_MB=//p' "$log")
  visited=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(len([p for p in r['pages'] if not p['error']]))" "$out/$name-c$c.json")
  ppm[$name-c$c]=$(python3 -c "print(f'{$visited / $wall * 60:.0f}')")
  mem[$name-c$c]=$peak
  found[$name-c$c]="$visited pages in ${wall}s"
  python3 -c "
import json,sys
r=json.load(open(sys.argv[1]))
for c in r['cookies']: print(c['name'], c['domain'].lstrip('.'))" "$out/$name-c$c.json" | sort -u >"$out/$name-c$c.cookies"
}

concurrency="${CONCURRENCY:-1 2 4}"
for c in $concurrency; do
  echo "== kapsel scan --concurrency $c" >&2
  run_kapsel "$c"
  if [ -n "${BASELINE:-}" ]; then
    echo "== baseline ($BASELINE) scan --concurrency $c" >&2
    run_kapsel "$c" baseline "$BASELINE"
  fi
done

if [ "${BLACKLIGHT:-1}" != 0 ]; then
  echo "== blacklight-collector" >&2
  rm -rf "$out/bl"
  (cd "$out/node" && NODE_PATH="$out/node/node_modules" PUPPETEER_EXECUTABLE_PATH="$chromium" python3 "$here/peak-mem.py" \
    node "$here/blacklight.js" "$url" "$pages" "$KAPSEL_DEMO_HOST_RULES" "$out/bl" \
    >"$out/blacklight.out" 2>"$out/blacklight.err") || { echo "blacklight failed: see $out/blacklight.err" >&2; }
  bl_json=$(grep '^{' "$out/blacklight.out" | tail -1 || true)
  bl_wall=$(sed -n 's/^WALL_S=//p' "$out/blacklight.err")
  bl_mem=$(sed -n 's/^PEAK_PSS_MB=//p' "$out/blacklight.err")
  bl_pages=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['pages'])" "$bl_json")
  python3 -c "import json,sys; [print(c) for c in json.loads(sys.argv[1])['cookies']]" "$bl_json" | sort -u >"$out/blacklight.cookies"
  ppm[blacklight]=$(python3 -c "print(f'{$bl_pages / $bl_wall * 60:.0f}')")
  mem[blacklight]=$bl_mem
  found[blacklight]="$bl_pages pages in ${bl_wall}s"
fi

echo
echo "Scan benchmark: $pages-page site on 127.0.0.1, Chromium $("$chromium" --version 2>/dev/null | awk '{print $2}'), $(nproc) cores"
printf '%-20s %12s %16s  %s\n' "scanner" "pages/min" "peak PSS (MB)" "run"
for k in "${!ppm[@]}"; do echo "$k"; done | sort | while read -r k; do
  printf '%-20s %12s %16s  %s\n' "$k" "${ppm[$k]}" "${mem[$k]}" "${found[$k]}"
done
if [ -n "${BASELINE:-}" ]; then
  for c in $concurrency; do
    echo "this build / baseline, pages per minute at concurrency $c: $(python3 -c "print(f'{${ppm[kapsel-c$c]} / max(${ppm[baseline-c$c]}, 1):.2f}')")"
  done
fi
[ "${BLACKLIGHT:-1}" != 0 ] && [[ " $concurrency " == *" 4 "* ]] || exit 0
ratio=$(python3 -c "print(f'{${ppm[kapsel-c4]} / max(${ppm[blacklight]}, 1):.1f}')")
echo "kapsel --concurrency 4 / blacklight pages per minute: ${ratio}x (target >= 2x)"
missing=$(comm -13 "$out/kapsel-c4.cookies" "$out/blacklight.cookies" || true)
extra=$(comm -23 "$out/kapsel-c4.cookies" "$out/blacklight.cookies" || true)
echo "cookies (name domain): kapsel $(wc -l <"$out/kapsel-c4.cookies"), blacklight $(wc -l <"$out/blacklight.cookies")"
if [ -z "$missing" ]; then
  echo "no cookie blacklight found is missing from kapsel's report"
else
  echo "found by blacklight but not by kapsel:"; echo "$missing" | sed 's/^/  /'
fi
if [ -n "$extra" ]; then
  echo "found by kapsel only:"; echo "$extra" | sed 's/^/  /'
fi
