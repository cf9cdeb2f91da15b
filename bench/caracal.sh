#!/usr/bin/env bash
# Caracal's query shapes against its document's targets (p99: agent lookup < 5 ms, an
# agent's active policies < 10 ms, an agent's ledger events in a time range < 50 ms), on
# 10,000 agents and 1,000,000 ledger events, with the plans that show index use.
set -euo pipefail
agentpg=$1 url=$2 results=$3 runs=$4
here=$(cd "$(dirname "$0")" && pwd)
psql_bin=$(ls -d /usr/lib/postgresql/*/bin/psql | sort -V | tail -n 1)
pgbench=$(dirname "$psql_bin")/pgbench
admin_url=${url/\/b_caracal?/\/postgres?}
"$psql_bin" -X -q "$admin_url" -c "DROP DATABASE IF EXISTS b_caracal WITH (FORCE)" -c "CREATE DATABASE b_caracal"
"$agentpg" --database-url "$url" --migrations-dir "$here/../migrations" --modules core,caracal migrate >/dev/null
"$psql_bin" -X -q -v ON_ERROR_STOP=1 "$url" <<'SQL'
INSERT INTO caracal.agent_identities (name, owner) SELECT 'agent-' || i, 'owner-' || (i % 100) FROM generate_series(1, 10000) i;
INSERT INTO caracal.budget_policies (agent_id, limit_amount, time_window, active)
  SELECT agent_id, 100, 'daily', n % 3 <> 0 FROM caracal.agent_identities, generate_series(1, 3) n;
INSERT INTO caracal.ledger_events (agent_id, "timestamp", resource_type, quantity, cost)
  SELECT (SELECT agent_id FROM caracal.agent_identities WHERE name = 'agent-' || (1 + i % 10000)),
         timestamptz '2025-01-01' + (i || ' seconds')::interval * 30, 'api.model', 100, 0.001
    FROM generate_series(1, 1000000) i;
VACUUM ANALYZE caracal.agent_identities, caracal.budget_policies, caracal.ledger_events;
SQL
cat >"$results/q_by_id.sql" <<'SQL'
\set n random(1, 10000)
SELECT * FROM caracal.agent_identities WHERE agent_id = (SELECT agent_id FROM caracal.agent_identities WHERE name = 'agent-' || :n);
SQL
cat >"$results/q_by_name.sql" <<'SQL'
\set n random(1, 10000)
SELECT * FROM caracal.agent_identities WHERE name = 'agent-' || :n;
SQL
cat >"$results/q_policies.sql" <<'SQL'
\set n random(1, 10000)
SELECT p.* FROM caracal.budget_policies p JOIN caracal.agent_identities a ON a.agent_id = p.agent_id WHERE a.name = 'agent-' || :n AND p.active;
SQL
cat >"$results/q_ledger.sql" <<'SQL'
\set n random(1, 10000)
\set d random(0, 340)
SELECT e.* FROM caracal.ledger_events e JOIN caracal.agent_identities a ON a.agent_id = e.agent_id
 WHERE a.name = 'agent-' || :n AND e."timestamp" >= timestamptz '2025-01-01' + (:d || ' days')::interval
   AND e."timestamp" < timestamptz '2025-01-01' + ((:d + 7) || ' days')::interval;
SQL
for q in q_by_id q_by_name q_policies q_ledger; do
  (cd "$results" && rm -f "$q".log* && "$pgbench" -n -M prepared -c 1 -t 3000 -f "$q.sql" -l --log-prefix="$q" "$url" >/dev/null 2>&1)
done
{
  echo "-- agent by id"
  "$psql_bin" -X -A -t "$url" -c "EXPLAIN SELECT * FROM caracal.agent_identities WHERE agent_id = '00000000-0000-0000-0000-000000000000'"
  echo "-- agent by name"
  "$psql_bin" -X -A -t "$url" -c "EXPLAIN SELECT * FROM caracal.agent_identities WHERE name = 'agent-42'"
  echo "-- active policies of an agent"
  "$psql_bin" -X -A -t "$url" -c "EXPLAIN SELECT * FROM caracal.budget_policies WHERE agent_id = '00000000-0000-0000-0000-000000000000' AND active"
  echo "-- an agent's ledger events in a week"
  "$psql_bin" -X -A -t "$url" -c "EXPLAIN SELECT * FROM caracal.ledger_events WHERE agent_id = '00000000-0000-0000-0000-000000000000' AND \"timestamp\" >= '2025-03-01' AND \"timestamp\" < '2025-03-08'"
} >"$results/caracal_plans.txt"
