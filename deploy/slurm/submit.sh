#!/bin/bash
# Submits the national crawl to Slurm: an array of SHARDS tasks (0..SHARDS-1) and a merge that
# runs after all of them, whatever their outcome. Prints the two job ids.
#
# Usage: submit.sh SITES OUT-DIR RUN-ID SHARDS [extra kapsel crawl args…]
# Resubmit one failed shard:  KAPSEL_SITES=… KAPSEL_OUT=… KAPSEL_RUN_ID=… KAPSEL_SHARD_COUNT=N \
#                             sbatch --export=ALL --array=I crawl.sbatch
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ $# -lt 4 ]; then
  sed -n '2,7p' "$0" >&2
  exit 2
fi
export KAPSEL_SITES="$1" KAPSEL_OUT="$2" KAPSEL_RUN_ID="$3" KAPSEL_SHARD_COUNT="$4"
shift 4
export KAPSEL_CRAWL_ARGS="$*"
array=$(sbatch --parsable --export=ALL --array="0-$((KAPSEL_SHARD_COUNT - 1))" \
  --output="$KAPSEL_OUT/slurm-%A_%a.log" "$here/crawl.sbatch")
merge=$(sbatch --parsable --export=ALL --dependency="afterany:${array%%;*}" \
  --output="$KAPSEL_OUT/slurm-merge-%j.log" "$here/merge.sbatch")
echo "$array $merge"
