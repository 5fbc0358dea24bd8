#!/usr/bin/env bash
# Hostile-web benchmark: wall time and peak memory (PSS of the whole process tree, Kapsel and
# Chromium, sampled from /proc every 100 ms) of `kapsel scan` over the hostile site
# (crate kapsel-hostile: cookie bomb, redirect loop, dialog and pop-up storms, 20,000 links,
# 30 nested iframes, a body that never ends, 40 MB, an endless script, a memory eater, a service
# worker, beforeunload, endless scrolling, 10,000 storage keys, malformed Set-Cookie, a 45 s hang,
# ordinary pages between them) at --concurrency 1, 2 and 4, each run killed after BOUND seconds.
# For each run: how many pages the report lists, how many ordinary cookies it recorded, and
# whether the report was complete, partial (killed) or missing.
#
# Usage: bench/hostile/run.sh [CONCURRENCY...]    (default 1 2 4)
# Env:   KAPSEL_BIN (default: a release build), BOUND (default 300 s), TIMEOUT (default 10 s),
#        EXTRA (extra `kapsel scan` arguments, e.g. "--browser-arg=--renderer-process-limit=2")
# Writes to bench/out/hostile/.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$repo/bench/out/hostile"
target="${CARGO_TARGET_DIR:-$repo/target}"
bound="${BOUND:-300}"
timeout_s="${TIMEOUT:-10}"
read -r -a extra <<<"${EXTRA:-}"
levels=("$@")
[ ${#levels[@]} -gt 0 ] || levels=(1 2 4)
mkdir -p "$out"

if [ -z "${KAPSEL_BIN:-}" ]; then
  echo "== building kapsel and kapsel-hostile (release)" >&2
  (cd "$repo" && cargo build --release -q -p kapsel-scanner -p kapsel-hostile)
  kapsel="$target/release/kapsel"
  hostile="$target/release/kapsel-hostile"
else
  (cd "$repo" && cargo build -q -p kapsel-hostile)
  kapsel="$KAPSEL_BIN"
  hostile="$target/debug/kapsel-hostile"
fi

"$hostile" >"$out/site.url" 2>"$out/site.log" &
site_pid=$!
tmp="$(mktemp -d "$out/tmp.XXXXXX")"
cleanup() {
  kill "$site_pid" 2>/dev/null || true
  # Processes a killed scan left behind: only ours, found by the tag in their environment.
  python3 "$here/leftovers.py" "$tmp" --kill >/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
for _ in $(seq 1 100); do [ -s "$out/site.url" ] && break; sleep 0.1; done
url="$(head -1 "$out/site.url")"
[ -n "$url" ] || { echo "kapsel-hostile did not start: see $out/site.log" >&2; exit 2; }

summary() {
  python3 - "$1" <<'PY'
import json, sys
ordinary = {"front", "bad_cookies_ok"} | {f"plain_{n}" for n in range(1, 9)} | {f"plain_js_{n}" for n in range(1, 9)}
try:
    r = json.load(open(sys.argv[1]))
except Exception:
    print("missing 0 0"); sys.exit()
names = {c["name"] for c in r.get("cookies", [])}
state = "complete" if r.get("complete") else "partial"
print(state, len(r.get("pages", [])), len(ordinary & names))
PY
}

declare -A row
for c in "${levels[@]}"; do
  echo "== kapsel scan --concurrency $c (killed after ${bound} s)" >&2
  report="$out/kapsel-c$c.json"
  rm -f "$report"
  start=$(date +%s.%N)
  KAPSEL_BENCH_TAG="$tmp" TMPDIR="$tmp" python3 "$repo/bench/scan/peak-mem.py" timeout -s KILL "$bound" "$kapsel" scan "$url" \
    --consent none --max-pages 40 --depth 1 --concurrency "$c" --timeout "$timeout_s" \
    --fail-on never --quiet --out "$report" "${extra[@]}" 2>"$out/kapsel-c$c.err" >/dev/null || true
  wall=$(sed -n 's/^WALL_S=//p' "$out/kapsel-c$c.err")
  peak=$(sed -n 's/^PEAK_PSS_MB=//p' "$out/kapsel-c$c.err")
  sleep 2
  left=$(python3 "$here/leftovers.py" "$tmp" --kill)
  read -r state pages cookies <<<"$(summary "$report")"
  row[$c]="$(printf '%8s %14s %10s %8s %10s %12s' "$wall" "$peak" "$state" "$pages" "$cookies/18" "$left")"
done

echo
echo "Hostile-site benchmark: $url, Chromium $(chromium --version 2>/dev/null | awk '{print $2}'), $(nproc) cores, --timeout $timeout_s, killed after $bound s ${EXTRA:+, extra: $EXTRA}"
printf '%-12s %8s %14s %10s %8s %10s %12s\n' "concurrency" "wall s" "peak PSS MB" "report" "pages" "ordinary" "orphans"
for c in "${levels[@]}"; do
  printf '%-12s %s\n' "$c" "${row[$c]}"
done
