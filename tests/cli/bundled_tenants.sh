# Multi-tenant isolation of the bundled FreeAgentics and Agency schemas, as an application
# sees it: the README's role recipe ("How an application connects") run as written, then
# an application role per tenant that finds the tables by plain name (its search_path) and
# sees, changes and refers to nothing of another tenant's; without app.tenant_id it sees
# and writes nothing; the owner sees all; seeds land in the tenant 'default'.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
export AGENTPG_MIGRATIONS_DIR=$AGENTPG_SOURCE/migrations AGENTPG_SEEDS_DIR=$AGENTPG_SOURCE/seeds
run "$AGENTPG" migrate
expect_code 0
run "$AGENTPG" seed --env development
expect_code 0
q() { sql_value "$db" "$1"; }

# Roles are the cluster's: start from none, and remove them when the scenario ends.
drop_roles() {
  for r in freeagentics_app agency_app; do
    psql_db "$db" -c "DROP OWNED BY $r" >/dev/null 2>&1 || true
    psql_admin -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1 || true
  done
}
drop_roles
trap 'drop_roles; cleanup' EXIT

# The README's block, as written.
python3 - "$AGENTPG_SOURCE/README.md" >"$WORK/recipe.sql" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
for i, line in enumerate(lines):
    if line.startswith("<!-- tested: tests/cli/bundled_tenants.sh"):
        assert lines[i + 1] == "```sql", lines[i + 1]
        end = lines.index("```", i + 2)
        print("\n".join(lines[i + 2:end]))
        break
else:
    sys.exit("README.md has no block for tests/cli/bundled_tenants.sh")
PY
grep -q 'CREATE ROLE freeagentics_app' "$WORK/recipe.sql" || fail "README's recipe not found"
psql_db "$db" -f "$WORK/recipe.sql" >/dev/null
psql_db "$db" >/dev/null <<'SQL'
CREATE ROLE agency_app LOGIN PASSWORD 'change-me';
GRANT USAGE ON SCHEMA core, agency TO agency_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON agency.tasks, agency.task_artifacts, agency.task_progress,
  agency.council_verdicts, agency.waivers, agency.caws_violations, agency.provenance_records,
  agency.git_commits TO agency_app;
ALTER ROLE agency_app SET search_path = agency, public;
SQL

# as ROLE TENANT SQL: runs SQL as the application role (a login of its own, so that its
# search_path applies), with app.tenant_id set when TENANT is not empty; prints the rows.
as() {
  local role=$1 tenant=$2 sql=$3 set=""
  [ -n "$tenant" ] && set="SET app.tenant_id = '$tenant';"
  PGPASSWORD=change-me psql -X -q -A -t -v ON_ERROR_STOP=1 -v VERBOSITY=verbose "$(db_url "$db")&user=$role" -c "$set" -c "$sql"
}
# refused ROLE TENANT SQL STATE: SQL fails with SQLSTATE STATE.
refused() {
  local state
  state=$(as "$1" "$2" "$3" 2>&1 | sed -n 's/^ERROR:  \([0-9A-Z]\{5\}\):.*/\1/p' || true)
  [ "$state" = "$4" ] || fail "as $1/$2, expected SQLSTATE $4 from: $3 (got '$state')"
}
fa() { as freeagentics_app "$@"; }

# The owner's seeds belong to the tenant 'default'.
seeded=$(q "select count(*) from freeagentics.agents")
[ "$seeded" -gt 0 ] || fail "the development seeds wrote no agents"
[ "$(q "select count(*) from freeagentics.agents where tenant_id <> 'default'")" = 0 ] || fail "seeded rows are not the default tenant's"

# acme writes by plain names.
fa acme "INSERT INTO agents (name, type) VALUES ('scout', 'explorer');
  INSERT INTO conversations (title) VALUES ('acme chat');
  INSERT INTO conversation_participants (conversation_id, agent_id) SELECT c.id, a.id FROM conversations c, agents a;
  INSERT INTO messages (conversation_id, sender_id, content) SELECT c.id, a.id, 'hello' FROM conversations c, agents a;
  INSERT INTO coalitions (name) VALUES ('acme guild');
  INSERT INTO coalition_members (coalition_id, agent_id) SELECT c.id, a.id FROM coalitions c, agents a;
  INSERT INTO knowledge_graphs (owner_id, name) SELECT id, 'acme map' FROM agents;
  INSERT INTO system_logs (component, message, agent_id) SELECT 'test', 'acme log', id FROM agents" >/dev/null
for t in agents conversations conversation_participants messages coalitions coalition_members knowledge_graphs system_logs; do
  [ "$(fa acme "select count(*) from $t")" = 1 ] || fail "acme does not see exactly its one row of $t"
  [ "$(fa acme "select count(*) from $t where tenant_id = 'acme'")" = 1 ] || fail "acme's row of $t is not acme's"
  # globex and a session without a tenant see none of it, and none of the seeds.
  [ "$(fa globex "select count(*) from $t")" = 0 ] || fail "globex sees rows of $t"
  [ "$(fa "" "select count(*) from $t")" = 0 ] || fail "a session without app.tenant_id sees rows of $t"
done
acme_conv=$(q "select id from freeagentics.conversations where tenant_id = 'acme'")
acme_agent=$(q "select id from freeagentics.agents where tenant_id = 'acme'")

# globex changes nothing of acme's.
[ "$(fa globex "UPDATE agents SET name = 'taken' RETURNING id" | wc -l)" = 0 ] || fail "globex updated rows"
[ "$(fa globex "DELETE FROM conversations RETURNING id" | wc -l)" = 0 ] || fail "globex deleted rows"
[ "$(fa globex "DELETE FROM agents WHERE id = $acme_agent RETURNING id" | wc -l)" = 0 ] || fail "globex deleted acme's agent by id"
# ... nor writes into acme's tenant, nor attaches rows to acme's.
refused freeagentics_app globex "INSERT INTO agents (name, type, tenant_id) VALUES ('mole', 'spy', 'acme')" 42501
refused freeagentics_app globex "INSERT INTO messages (conversation_id, content) VALUES ($acme_conv, 'sneaky')" 42501
refused freeagentics_app globex "INSERT INTO conversation_participants (conversation_id, agent_id) VALUES ($acme_conv, $acme_agent)" 42501
refused freeagentics_app globex "INSERT INTO knowledge_graphs (owner_id, name) VALUES ($acme_agent, 'stolen')" 42501
refused freeagentics_app globex "INSERT INTO system_logs (component, message, conversation_id) VALUES ('x', 'y', $acme_conv)" 42501
# ... nor moves its own rows into acme's tenant.
fa globex "INSERT INTO agents (name, type) VALUES ('trader', 'merchant')" >/dev/null
refused freeagentics_app globex "UPDATE agents SET tenant_id = 'acme'" 42501
# A session without a tenant writes nothing.
refused freeagentics_app "" "INSERT INTO agents (name, type) VALUES ('ghost', 'x')" 42501
refused freeagentics_app "" "INSERT INTO agents (name, type, tenant_id) VALUES ('ghost', 'x', 'default')" 42501

# The owner sees every tenant; acme's rows are as acme wrote them.
[ "$(q "select string_agg(tenant_id || ':' || name, ',' order by tenant_id) from freeagentics.agents where tenant_id <> 'default'")" = \
  "acme:scout,globex:trader" ] || fail "the owner's view of the tenants: $(q "select tenant_id, name from freeagentics.agents")"
[ "$(q "select count(*) from freeagentics.messages where tenant_id = 'acme' and content = 'hello'")" = 1 ] || fail "acme's message changed"
[ "$(q "select count(*) from freeagentics.agents where tenant_id = 'default'")" = "$seeded" ] || fail "the seeded agents changed"

# Agency: the same for tasks and what refers to them; waivers and provenance keep their own
# rules and are narrowed to the tenant.
ag() { as agency_app "$@"; }
ag acme "INSERT INTO tasks (task_id, description) VALUES ('ACME-1', 'acme work');
  INSERT INTO task_progress (task_id, phase) SELECT id, 'plan' FROM tasks;
  INSERT INTO waivers (title, reason, description, gates, approved_by, mitigation_plan, expires_at)
    VALUES ('acme waiver', 'r', 'd', '{lint}', 'someone', 'm', now() + interval '1 day')" >/dev/null
[ "$(ag acme "select count(*) from tasks")" = 1 ] || fail "acme does not see its task"
[ "$(ag acme "select count(*) from waivers")" = 1 ] || fail "acme does not see its active waiver"
[ "$(ag globex "select count(*) from tasks")" = 0 ] || fail "globex sees acme's tasks"
[ "$(ag globex "select count(*) from task_progress")" = 0 ] || fail "globex sees acme's progress"
[ "$(ag globex "select count(*) from waivers")" = 0 ] || fail "globex sees acme's (active) waiver"
[ "$(ag "" "select count(*) from tasks")" = 0 ] || fail "no tenant sees tasks"
acme_task=$(q "select id from agency.tasks where task_id = 'ACME-1'")
refused agency_app globex "INSERT INTO task_progress (task_id, phase) VALUES ('$acme_task', 'sabotage')" 42501
refused agency_app globex "INSERT INTO council_verdicts (task_id, judge_type, verdict) VALUES ('$acme_task', 'j', 'fail')" 42501
[ "$(ag globex "UPDATE tasks SET status = 'failed' RETURNING id" | wc -l)" = 0 ] || fail "globex updated acme's task"
[ "$(q "select status from agency.tasks where task_id = 'ACME-1'")" = pending ] || fail "acme's task changed"
# The audit trigger still records the application's changes (it writes as its owner).
[ "$(q "select count(*) from agency.audit_log where table_name = 'tasks' and new_values->>'task_id' = 'ACME-1' and new_values->>'tenant_id' = 'acme' and user_id = 'agency_app'")" = 1 ] ||
  fail "the audit log lacks acme's task insert"

# Rolled back to base and migrated again, the schemas come back with the policies.
drop_roles
run "$AGENTPG" --yes rollback --to base
expect_code 0
[ "$(q "select count(*) from pg_namespace where nspname in ('freeagentics', 'agency')")" = 0 ] || fail "rollback left the schemas"
run "$AGENTPG" migrate
expect_code 0
[ "$(q "select count(*) from pg_policies where policyname = 'tenant_isolation'")" = 16 ] || fail "the tenant policies did not come back"
[ "$(q "select count(*) from pg_class where relrowsecurity and relnamespace::regnamespace::text in ('freeagentics', 'agency')")" = 17 ] ||
  fail "row level security is not on for the 16 tenant tables and agency.audit_log"
