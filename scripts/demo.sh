#!/usr/bin/env bash
# README's main command: the whole of Kapsel on the demo municipality "Eksempel kommune".
#   1. installs what is missing (scripts/setup.sh), builds the banner (scripts/build-banner.sh)
#   2. builds the release binaries `kapsel` and `kapsel-demo`
#   3. serves the demo on 127.0.0.1 (site over HTTP, stand-in trackers over HTTPS under their real
#      host names, reached through --resolve; nothing leaves the machine)
#   4. runs `kapsel-receipts` beside it (SQLite under target/demo/), and the site's declaration
#      points the banner at it
#   5. runs `kapsel scan` in every consent phase (none, accept, reject) against the site's
#      declaration, prints the report on the terminal and writes the HTML report
#   6. says where the report is and how many consent receipts the scan's choices left, and stops.
# Options: --keep (leave the demo running after the scan, until Ctrl-C), --out FILE (HTML report;
# default target/demo/kapsel-report.html). Exit status 0 when the scan ran (the demo's findings are
# expected), 2 when something could not be built, started or scanned.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

keep=0
out="$repo/target/demo/kapsel-report.html"
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) keep=1 ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "demo.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

step "installing what is missing"
source scripts/setup.sh
set -euo pipefail

step "building the banner"
scripts/build-banner.sh

step "building kapsel, kapsel-demo and kapsel-receipts (release)"
cargo build --release --bin kapsel --bin kapsel-demo --bin kapsel-receipts
bin="${CARGO_TARGET_DIR:-$repo/target}/release"

work="$repo/target/demo"
mkdir -p "$work" "$(dirname "$out")"
env_file="$work/demo.env"
rm -f "$env_file"

free_port() {
  for _ in $(seq 50); do
    local p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}
site_port="$(free_port)"
receipts_port="$(free_port)"
receipts_db="$work/receipts.sqlite"
rm -f "$receipts_db" "$receipts_db-wal" "$receipts_db-shm"

step "starting the receipt service (kapsel-receipts, $receipts_db)"
"$bin/kapsel-receipts" serve --listen "127.0.0.1:$receipts_port" --db "$receipts_db" \
  --allow-origin "http://127.0.0.1:$site_port" > "$work/kapsel-receipts.log" 2>&1 &
receipts_pid=$!
stop_receipts() { kill "$receipts_pid" 2>/dev/null || true; wait "$receipts_pid" 2>/dev/null || true; }
trap stop_receipts EXIT

step "starting the demo municipality"
KAPSEL_DEMO_RECEIPTS="http://127.0.0.1:$receipts_port/v1/receipts" \
  "$bin/kapsel-demo" --port "$site_port" --env-file "$env_file" > "$work/kapsel-demo.log" 2>&1 &
demo_pid=$!
stop_demo() { kill "$demo_pid" 2>/dev/null || true; wait "$demo_pid" 2>/dev/null || true; stop_receipts; }
trap stop_demo EXIT
for _ in $(seq 1 100); do
  [ -f "$env_file" ] && break
  if ! kill -0 "$demo_pid" 2>/dev/null; then
    cat "$work/kapsel-demo.log" >&2
    echo "demo.sh: kapsel-demo did not start" >&2
    exit 2
  fi
  sleep 0.1
done
# shellcheck disable=SC1090
source "$env_file"
echo "Eksempel kommune: $KAPSEL_DEMO_URL" >&2

json="$work/kapsel-report.json"
rm -f "$out" "$json"

step "kapsel scan $KAPSEL_DEMO_URL --consent all (phases none, accept, reject)"
set +e
# shellcheck disable=SC2086 # KAPSEL_DEMO_SCAN_ARGS is a list of words
"$bin/kapsel" scan "$KAPSEL_DEMO_URL" --consent all --declared "$KAPSEL_DEMO_DECLARATION" \
  $KAPSEL_DEMO_SCAN_ARGS --format table --out "$out" --out "$json"
status=$?
set -e
if [ "$status" -ge 2 ] || [ ! -s "$out" ]; then
  echo "demo.sh: the scan could not be done (exit status $status); the demo's log: $work/kapsel-demo.log" >&2
  exit 2
fi

# The scan's accept and reject phases each made a choice: each left a receipt.
sleep 1
receipts="$("$bin/kapsel-receipts" export --db "$receipts_db" --format csv | tail -n +2)"
receipts_count="$(printf '%s' "$receipts" | grep -c . || true)"
methods="$(printf '%s\n' "$receipts" | cut -d, -f7 | grep . | sort | uniq -c | awk '{printf "%s%s %s", sep, $1, $2; sep=", "}')"
echo "Consent receipts stored by kapsel-receipts: $receipts_count (${methods:-none}) in $receipts_db" >&2
echo "  (kapsel-receipts export --db $receipts_db --format csv)" >&2

cat >&2 <<MSG

The HTML report is at: $out
Open it in a browser (file://$out). The same report as JSON: $json

What to look for: nothing that needs consent is stored before a choice or after "reject all";
after "accept all" the analytics, Facebook and Vimeo cookies appear, all declared but one:
__cf_bm, the Cloudflare cookie Vimeo's player brings, which the municipality's declaration
(demo-site/site/declaration.json) does not list — reported as "undeclared".
MSG

if [ "$keep" = 1 ]; then
  echo "The demo keeps running at $KAPSEL_DEMO_URL (see $work/kapsel-demo.log); Ctrl-C stops it." >&2
  wait "$demo_pid" || true
fi
# The demo worked: the scan ran and found what it should (kapsel's own status was $status).
exit 0
