#!/usr/bin/env bash
# Crawl benchmark: 30 generated sites on 127.0.0.1 scanned by `kapsel crawl` as one shard, then
# as three shards run one after another on the same machine. Checks that both merged overviews
# say the same about every site, and reports page loads per minute and peak memory (PSS of the
# whole process tree, Chromium included) per shard, plus the national estimate's arithmetic.
#
# Usage: bench/crawl/run.sh [SITES] [PAGES]      (default 30 sites, 4 pages a site, 3 phases)
# Needs: cargo, python3, chromium. KAPSEL=path/to/kapsel skips the release build.
# Writes to bench/out/crawl/ (results.md, runs, logs).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
n_sites="${1:-30}"
pages="${2:-4}"
out="$repo/bench/out/crawl"
target="${CARGO_TARGET_DIR:-$repo/target}"
rm -rf "$out" && mkdir -p "$out"

if [ -z "${KAPSEL:-}" ]; then
  echo "== building kapsel (release)" >&2
  (cd "$repo" && cargo build --release -q -p kapsel-scanner)
  KAPSEL="$target/release/kapsel"
fi

python3 "$here/sites.py" "$n_sites" "$pages" "$out/port" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do [ -s "$out/port" ] && break; sleep 0.1; done
port="$(cat "$out/port")"

resolve=()
: >"$out/sites.txt"
for i in $(seq 0 $((n_sites - 1))); do
  host=$(printf 'site-%02d.test' "$i")
  echo "http://$host:$port/" >>"$out/sites.txt"
  resolve+=(--resolve "$host:$port:127.0.0.1")
done
common=(--sites "$out/sites.txt" --max-pages "$pages" --depth 2 --consent all --concurrency 2
        --wait 300 --dwell 500 --site-timeout 600 "${resolve[@]}")

# shard RUNID COUNT INDEX: one shard under peak-mem.py; prints "loads wall_s peak_mb"
shard() {
  local run=$1 count=$2 index=$3 log="$out/$1-shard$3.err"
  python3 "$repo/bench/scan/peak-mem.py" "$KAPSEL" crawl --run-id "$run" --out-dir "$out/runs" \
    --shard-count "$count" --shard-index "$index" "${common[@]}" 2>"$log" \
    || { echo "shard $run $index failed: see $log" >&2; exit 1; }
  local loads
  loads=$(python3 - "$out/runs/$run/sites" "$count" "$index" <<'PY'
import json, os, sys
d, count, index = sys.argv[1], sys.argv[2], sys.argv[3]
n = 0
for f in os.listdir(d):
    if not f.endswith(".json"):
        continue
    r = json.load(open(os.path.join(d, f)))
    if r["header"]["shard"] != f"{index}/{count}" or not r.get("report"):
        continue
    n += sum(1 for p in r["report"].get("pages", []) if not p.get("error"))
print(n)
PY
)
  echo "$loads $(sed -n 's/^WALL_S=//p' "$log") $(sed -n 's/^PEAK_PSS_MB=//p' "$log")"
}

echo "== one shard" >&2
read -r l1 w1 m1 < <(shard one 1 0)
echo "== three shards, one after another" >&2
declare -a l3 w3 m3
for i in 0 1 2; do read -r "l3[$i]" "w3[$i]" "m3[$i]" < <(shard three 3 "$i"); done

for run in one three; do
  "$KAPSEL" report merge --run-dir "$out/runs/$run" --sites "$out/sites.txt" --out "$out/$run.json" \
    --out "$out/$run.html" 2>>"$out/merge.err" || [ $? -eq 3 ]
done
same=$(python3 - "$out/one.json" "$out/three.json" <<'PY'
import json, sys
def view(p):
    keys = ("host", "status", "pages", "banner_found", "banner_pressed", "findings")
    return [{k: r[k] for k in keys} for r in json.load(open(p))["sites"]]
a, b = view(sys.argv[1]), view(sys.argv[2])
diff = [x["host"] for x, y in zip(a, b) if x != y]
print("yes" if a == b else "no (differs for " + ", ".join(diff) + ")")
PY
)

python3 - "$out/results.md" "$n_sites" "$pages" "$same" "$l1" "$w1" "$m1" "${l3[*]}" "${w3[*]}" "${m3[*]}" <<'PY'
import sys
out, n_sites, pages, same, l1, w1, m1 = sys.argv[1:8]
l3, w3, m3 = (list(map(float, s.split())) for s in sys.argv[8:11])
l1, w1, m1 = float(l1), float(w1), float(m1)
rows = [("1 shard", l1, w1, m1)] + [(f"shard {i}/3", l3[i], w3[i], m3[i]) for i in range(3)]
lines = [f"# kapsel crawl benchmark: {n_sites} sites × up to {pages} pages × 3 phases", "",
         f"Same merged result (1 shard vs 3 shards): **{same}**", "",
         "| run | page loads | wall s | page loads/min | peak PSS MB |", "|---|---:|---:|---:|---:|"]
for name, l, w, m in rows:
    lines.append(f"| {name} | {l:.0f} | {w:.1f} | {l / w * 60:.1f} | {m:.0f} |")
rate = l1 / w1 * 60
total = 1000 * 200 * 3
hours = total / rate / 60
lines += ["", "## National estimate (one shard per 2-core machine, rate of the 1-shard run)", "",
          f"- page loads: 1,000 sites × 200 pages × 3 phases = {total:,}",
          f"- one machine: {total:,} / {rate:.1f} loads/min = {total / rate:,.0f} min = {hours:,.1f} h",
          f"- within a 12 h night: ceil({hours:,.1f} / 12) = {-(-hours // 12):.0f} machines",
          f"- within 48 h (a weekend): ceil({hours:,.1f} / 48) = {-(-hours // 48):.0f} machines",
          f"- memory per machine: peak {max([m1] + m3):.0f} MB PSS per shard"]
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
