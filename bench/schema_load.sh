#!/usr/bin/env bash
# Building a database of the five bundled systems from schema.sql (`agentpg load`) against
# replaying all their migrations (`agentpg migrate`), on a throwaway cluster with default
# settings, the two taking turns run by run (as bench/run does). Prints a Markdown section
# for bench/RESULTS.md. Not part of the test suite.
# Usage: bench/schema_load.sh [RUNS]   (default 10)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
work=$here/work
runs=${1:-10}
AGENTPG=${AGENTPG:-$root/build/agentpg}
command -v hyperfine >/dev/null || { echo "bench: hyperfine is missing (scripts/setup installs it)" >&2; exit 1; }
mkdir -p "$work"
cluster=$work/schema-cluster
"$AGENTPG" --yes --local-dir "$cluster" local destroy >/dev/null 2>&1 || true
"$AGENTPG" --local-dir "$cluster" local start >/dev/null
trap '"$AGENTPG" --yes --local-dir "$cluster" local destroy >/dev/null 2>&1 || true' EXIT
port=$(cat "$cluster/port")
socket=$("$AGENTPG" --local-dir "$cluster" --json local status | python3 -c 'import json,sys; print(json.load(sys.stdin)["socket_dir"])')
url() { echo "postgresql://postgres@/$1?host=$socket&port=$port&sslmode=disable"; }
PSQL=$(ls -d /usr/lib/postgresql/*/bin/psql | sort -V | tail -n 1)
# A new, empty database b_build (a CHECKPOINT, so that earlier runs' writes do not land in
# the timed one).
cat >"$work/fresh.sh" <<SH
"$PSQL" -X -q "$(url postgres)" -c 'DROP DATABASE IF EXISTS b_build WITH (FORCE)' -c 'CREATE DATABASE b_build' -c CHECKPOINT
SH

# The schema file of a database migrated to the end.
bash "$work/fresh.sh"
"$AGENTPG" --database-url "$(url b_build)" --migrations-dir "$root/migrations" \
  --schema-file "$work/schema.sql" migrate >/dev/null
migrations=$(grep -c '^-- migration ' "$work/schema.sql")

results=$work/schema_rounds
rm -rf "$results" && mkdir -p "$results"
for round in $(seq 0 "$runs"); do
  hyperfine --runs 1 -N --style none --prepare "bash $work/fresh.sh" --export-json "$results/$round.migrate.json" \
    -n migrate "$AGENTPG --database-url $(url b_build) --migrations-dir $root/migrations --no-schema-file migrate" >/dev/null
  hyperfine --runs 1 -N --style none --prepare "bash $work/fresh.sh" --export-json "$results/$round.load.json" \
    -n load "$AGENTPG --database-url $(url b_build) --migrations-dir $root/migrations load $work/schema.sql" >/dev/null
done
rm -f "$results"/0.*.json # the warm-up round

python3 - "$results" "$runs" "$migrations" "$(wc -c <"$work/schema.sql")" <<'PY'
import glob, json, statistics, sys
results, runs, migrations, size = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
times = {}
for kind in ("migrate", "load"):
    times[kind] = [json.load(open(f))["results"][0]["times"][0] * 1000 for f in glob.glob(f"{results}/*.{kind}.json")]
def cell(t):
    return f"{statistics.median(t):.1f} ms [{min(t):.1f} ms-{max(t):.1f} ms]"
m, l = statistics.median(times["migrate"]), statistics.median(times["load"])
print("## Building a database: schema.sql against replaying the migrations\n")
print(f"`bench/schema_load.sh {runs}`: the five bundled systems ({migrations} migrations; schema.sql {size:,} bytes) "
      f"into a new, empty database on a throwaway cluster (default settings, fsync on), medians of {runs} runs "
      "after one warm-up round, min-max in brackets, the two taking turns.\n")
print("| build | time | against migrate |")
print("|---|---|---|")
print(f"| `agentpg migrate` (every migration, one transaction each, with the history) | {cell(times['migrate'])} | 1.00x |")
print(f"| `agentpg load schema.sql` (psql runs the file in one transaction, then the history in one) | {cell(times['load'])} | {l / m:.2f}x |")
PY
