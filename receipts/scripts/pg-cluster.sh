#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for kapsel-receipts' tests and bench, under a directory of its own:
#   pg-cluster.sh start DIR   initdb + start on a free port of 127.0.0.1 (socket in DIR), prints the URL
#   pg-cluster.sh stop DIR    stops it (DIR is left for the caller to delete)
# Debian's postgresql (scripts/setup.sh installs it): initdb on PATH or under /usr/lib/postgresql/*/bin.
# As root, PostgreSQL runs as the `postgres` user (it refuses root). Exit 3: PostgreSQL is not installed.
set -euo pipefail
cmd="${1:?start|stop}"
dir="${2:?directory}"
bin=""
for d in "$(dirname "$(command -v initdb 2>/dev/null || echo /none/initdb)")" /usr/lib/postgresql/*/bin; do
  if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then bin="$d"; break; fi
done
if [ -z "$bin" ]; then
  echo "pg-cluster.sh: PostgreSQL's initdb was not found (scripts/setup.sh installs Debian's postgresql)" >&2
  exit 3
fi
as=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  as=(runuser -u postgres --)
fi
case "$cmd" in
  start)
    mkdir -p "$dir"
    if [ "${#as[@]}" -gt 0 ]; then chown postgres "$dir"; fi
    "${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    for _ in 1 2 3 4 5 6 7 8; do
      port=$((20000 + RANDOM % 40000))
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
      if "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
          -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=60" start >/dev/null; then
        echo "postgres://postgres@127.0.0.1:$port/postgres"
        exit 0
      fi
    done
    echo "pg-cluster.sh: PostgreSQL did not start; its log:" >&2
    cat "$dir/postgres.log" >&2 || true
    exit 1
    ;;
  stop)
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    ;;
  *) echo "pg-cluster.sh: start or stop, not $cmd" >&2; exit 2 ;;
esac
