#!/usr/bin/env bash
# kapsel-receipts under load on 127.0.0.1, bounded in time (stops by itself), with SQLite and with
# PostgreSQL (a throw-away cluster from receipts/scripts/pg-cluster.sh):
#   1. load: CONNECTIONS (default 16) clients post receipts for SECONDS (default 60) as the banner does;
#      prints receipts/s, p50/p99 latency, and how many receipts answered 2xx are missing from the
#      store (must be 0);
#   2. crash: the same load, the server killed with SIGKILL after CRASH_AFTER (default 10) s,
#      restarted on the same store: it must open cleanly and hold every acknowledged receipt.
# Release build of kapsel-receipts and of the load generator (receipts/examples/load.rs);
# PROFILE=debug uses the debug build instead (quicker to build, slower to run).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
seconds="${SECONDS_PER_RUN:-60}"
conns="${CONNECTIONS:-16}"
crash_after="${CRASH_AFTER:-10}"
work="$repo/target/bench-receipts"
origin="http://site.test"
say() { printf 'bench/receipts: %s\n' "$*" >&2; }

profile="${PROFILE:-release}"
if [ "$profile" = release ]; then
  cargo build --release -q -p kapsel-receipts --bin kapsel-receipts --example load
else
  cargo build -q -p kapsel-receipts --bin kapsel-receipts --example load
fi
target="${CARGO_TARGET_DIR:-$repo/target}/$profile"
bin="$target/kapsel-receipts"
load="$target/examples/load"
rm -rf "$work"
mkdir -p "$work"

server_pid=""
pg_dir="$work/pg"
cleanup() {
  if [ -n "$server_pid" ]; then kill -9 "$server_pid" 2>/dev/null || true; fi
  if [ -d "$pg_dir/data" ]; then receipts/scripts/pg-cluster.sh stop "$pg_dir"; fi
}
trap cleanup EXIT

# Starts the server on DB; sets server_pid and base.
start_server() {
  local log="$work/server.$RANDOM.log"
  # Made before the server starts: the shell opens the redirection only once the child runs, and
  # a first look at a log that is not there yet must not end the script (set -e).
  : >"$log"
  "$bin" serve --listen 127.0.0.1:0 --db "$1" --allow-origin "$origin" --rate-per-minute 0 >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 200); do
    base="$(sed -n 's/^kapsel-receipts: listening on //p' "$log")"
    [ -n "$base" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  cat "$log" >&2
  say "the server did not start on $1"
  exit 2
}

stop_server() {
  kill -TERM "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

# Prints how many acknowledged ids (file $2) are not in store $1.
lost() {
  "$bin" export --db "$1" --format csv | tail -n +2 | cut -d, -f1 | sort -u >"$work/stored"
  sort -u "$2" | comm -23 - "$work/stored" | wc -l
}

run() {
  local name="$1" db="$2"
  start_server "$db"
  say "$name: $conns clients for $seconds s"
  local out
  out="$("$load" "$base" "$origin" "$seconds" "$conns" "$work/acked.$name")"
  stop_server
  printf '%-10s load   %s lost %s\n' "$name" "$out" "$(lost "$db" "$work/acked.$name")"
}

crash() {
  local name="$1" db="$2"
  start_server "$db"
  say "$name: kill -9 after $crash_after s of load"
  "$load" "$base" "$origin" "$((crash_after + 30))" "$conns" "$work/acked.crash.$name" >"$work/crash.$name.out" &
  local load_pid=$!
  sleep "$crash_after"
  kill -9 "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  wait "$load_pid"
  start_server "$db"
  local health
  health="$(curl -s -o /dev/null -w '%{http_code}' "$base/healthz")"
  stop_server
  printf '%-10s crash  %s; after restart: health %s, lost %s\n' "$name" "$(cat "$work/crash.$name.out")" \
    "$health" "$(lost "$db" "$work/acked.crash.$name")"
}

url="$(receipts/scripts/pg-cluster.sh start "$pg_dir")"
run sqlite "$work/receipts.sqlite"
run postgres "$url"
crash sqlite "$work/crash.sqlite"
crash postgres "$url"
