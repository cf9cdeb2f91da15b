#!/usr/bin/env bash
# `agentpg lint` on 1,000 generated migration files (ten statements each: tables, indexes,
# columns, constraints, a function; findings of many rules), timed with hyperfine: its CPU
# time (user + system) must stay well under a second. Not part of the test suite.
# Usage: bench/lint.sh [AGENTPG] [FILES]   (default: build/agentpg, 1000)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
agentpg=$(realpath "${1:-$here/../build/agentpg}")
files=${2:-1000}
command -v hyperfine >/dev/null || { echo "bench/lint.sh: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
work=$(mktemp -d /tmp/agentpg-bench-lint-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/migrations"
for ((i = 1; i <= files; i++)); do
  printf -- '-- migrate:up
CREATE TABLE t%d (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name varchar(100) NOT NULL,
  payload jsonb DEFAULT %s, created_at timestamptz DEFAULT now());
CREATE INDEX t%d_name ON t%d (name);
ALTER TABLE t%d ADD COLUMN owner_id bigint REFERENCES t%d (id);
ALTER TABLE t%d ADD COLUMN note text DEFAULT gen_random_uuid()::text;
ALTER TABLE t%d ALTER COLUMN name SET NOT NULL;
CREATE INDEX t%d_created ON t%d (created_at);
ALTER TABLE t%d ADD CONSTRAINT t%d_name_len CHECK (length(name) > 0) NOT VALID;
CREATE OR REPLACE FUNCTION f%d(n bigint) RETURNS bigint LANGUAGE sql AS $$ SELECT n + 1 $$;
COMMENT ON TABLE t%d IS %s;

-- migrate:down
DROP FUNCTION f%d(bigint);
ALTER TABLE t%d DROP COLUMN note;
DROP TABLE t%d;
' "$i" "'{}'::jsonb" "$i" "$i" "$((i > 1 ? i - 1 : 1))" "$i" "$((i > 1 ? i - 1 : 1))" "$((i > 1 ? i - 1 : 1))" \
    "$i" "$((i > 1 ? i - 1 : 1))" "$((i > 1 ? i - 1 : 1))" "$((i > 1 ? i - 1 : 1))" "$i" "$i" "'generated'" \
    "$i" "$((i > 1 ? i - 1 : 1))" "$i" >"$work/migrations/$(printf '%06d' "$i")_m$i.sql"
done
cd "$work"
# Findings make lint exit 1: the run is timed all the same (--ignore-failure).
"$agentpg" --json lint >lint.json || true
python3 -c 'import json; d = json.load(open("lint.json")); print(d["migrations"], "migrations,", len(d["findings"]), "findings:", d["counts"])'
hyperfine --warmup 2 --runs 10 --ignore-failure --export-json times.json "$agentpg lint --quiet" >/dev/null
python3 - <<'PY'
import json
r = json.load(open("times.json"))["results"][0]
median, low, high = r["median"], r["min"], r["max"]
cpu = r["user"] + r["system"]
print(f"agentpg lint of the files: median {median * 1000:.0f} ms wall (min {low * 1000:.0f}, max {high * 1000:.0f}); "
      f"{cpu * 1000:.0f} ms of CPU (user {r['user'] * 1000:.0f} + system {r['system'] * 1000:.0f}), mean")
# The CPU time is what lint costs; the wall time also counts the waits of a shared machine.
raise SystemExit(0 if cpu < 1.0 else 1)
PY
