#!/usr/bin/env bash
# YAML seeds against COPY: 100,000 generated rows (uuid key, text, numeric, timestamptz,
# jsonb; bench/generate.py) loaded as YAML with `agentpg seed` and as CSV with psql \copy
# into the same keyed, emptied table, the two taking turns; medians, rows/s and the ratio.
# Then agentpg's maximum resident memory (/usr/bin/time -v) for 100,000 and 400,000 YAML
# rows: reading a YAML seed takes the memory of one row, whatever the file's size.
# Prints Markdown for bench/RESULTS.md. Not part of the test suite; needs build/agentpg.
# Usage: bench/seed_yaml.sh [RUNS]   (default 5)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
runs=${1:-5}
AGENTPG=$root/build/agentpg
[ -x "$AGENTPG" ] || { echo "bench: build agentpg first (scripts/setup)" >&2; exit 1; }
PSQL=$(ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1)
PSQL=${PSQL:-psql}
work=$here/work/seed_yaml
rm -rf "$work" && mkdir -p "$work"

cluster=$work/cluster
"$AGENTPG" --local-dir "$cluster" local start >/dev/null
trap '"$AGENTPG" --yes --local-dir "$cluster" local destroy >/dev/null 2>&1 || true' EXIT
port=$(cat "$cluster/port")
socket=$("$AGENTPG" --local-dir "$cluster" --json local status |
         python3 -c 'import json,sys; print(json.load(sys.stdin)["socket_dir"])')
url="postgresql://postgres@/postgres?host=$socket&port=$port&sslmode=disable"
sql() { "$PSQL" -X -q -v ON_ERROR_STOP=1 "$url" -c "$1" >/dev/null; }
sql "CREATE TABLE public.items (id uuid PRIMARY KEY, name text NOT NULL, amount numeric NOT NULL,
     created_at timestamptz NOT NULL, attrs jsonb NOT NULL)"
fresh() { sql "TRUNCATE public.items"; sql "CHECKPOINT"; sync; }

for n in 100000 400000; do
  mkdir -p "$work/seeds/y$n"
  python3 "$here/generate.py" yaml "$n" >"$work/seeds/y$n/items.yaml"
done
python3 "$here/generate.py" csv 100000 >"$work/items.csv"

# seconds CMD...: the wall time of one run, in seconds.
seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  calc "$end - $start"
}
calc() { python3 -c "print($1)"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

yaml_times=() copy_times=()
for round in $(seq 0 "$runs"); do # round 0 warms up
  fresh
  y=$(seconds "$AGENTPG" --database-url "$url" --seeds-dir "$work/seeds" seed --env y100000)
  fresh
  c=$(seconds "$PSQL" -X -q "$url" -c "\\copy public.items FROM $work/items.csv WITH (FORMAT csv, HEADER true)")
  if [ "$round" -gt 0 ]; then
    yaml_times+=("$y") copy_times+=("$c")
  fi
done
[ "$("$PSQL" -X -A -t "$url" -c "SELECT count(*) FROM public.items")" = 100000 ] ||
  { echo "bench: the table does not hold the 100,000 rows" >&2; exit 1; }
yaml=$(printf '%s\n' "${yaml_times[@]}" | median)
copy=$(printf '%s\n' "${copy_times[@]}" | median)

rss() { # ROWS: agentpg's maximum resident set, in KiB
  fresh
  /usr/bin/time -v "$AGENTPG" --database-url "$url" --seeds-dir "$work/seeds" seed --env "y$1" \
    2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}'
}
rss100=$(rss 100000)
rss400=$(rss 400000)

cores=$(nproc)
model=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
memory=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
cat <<MD
## YAML seeds against COPY

Run $(date -u '+%Y-%m-%d %H:%M UTC') by \`bench/seed_yaml.sh\`: 100,000 rows (uuid key, text, numeric, timestamptz, jsonb) into an emptied keyed table, medians of $runs runs taking turns after one warm-up round, on a throwaway cluster with default settings (fsync on).
Machine: $cores cores ($model), $memory memory, load $(cut -d' ' -f1 /proc/loadavg) at the end; $("$PSQL" --version).

| load 100,000 rows | median | rows/s |
|---|---|---|
| agentpg seed (YAML, upserted on the key, counted) | $(printf '%.0f ms' "$(calc "$yaml * 1000")") | $(printf '%.0f' "$(calc "100000 / $yaml")") |
| psql \\copy of the same rows as CSV | $(printf '%.0f ms' "$(calc "$copy * 1000")") | $(printf '%.0f' "$(calc "100000 / $copy")") |

YAML takes $(printf '%.2f' "$(calc "$yaml / $copy")")x the time of \\copy ($(printf '%.2f' "$(calc "$copy / $yaml")") of its speed).
Maximum resident memory of \`agentpg seed\` (/usr/bin/time -v): $rss100 KiB for 100,000 rows, $rss400 KiB for 400,000.
MD
