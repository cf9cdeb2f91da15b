# What the bundled schemas do in SQL: immutable ledgers and audit logs, releasing expired
# charges, cascades, run_stats, embedding search, the agency audit trigger, row level
# security and the retention windows.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
run "$AGENTPG" --migrations-dir "$AGENTPG_SOURCE/migrations" migrate
expect_code 0
q() { sql_value "$db" "$1"; }
# refused SQL: runs SQL that must fail with SQLSTATE $2.
refused() {
  local state
  state=$(psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose "$(db_url "$db")" -c "$1" 2>&1 | sed -n 's/^ERROR:  \([0-9A-Z]\{5\}\):.*/\1/p' || true)
  [ "$state" = "$2" ] || fail "expected SQLSTATE $2 from: $1 (got '$state')"
}

# caracal: the ledger is append-only; expired charges are released, exactly those.
q "insert into caracal.agent_identities (agent_id, name, owner) values
     ('00000000-0000-0000-0000-000000000001', 'root', 'ops@example.com')" >/dev/null
q "insert into caracal.ledger_events (agent_id, resource_type, quantity, cost)
     values ('00000000-0000-0000-0000-000000000001', 'api.openai.gpt4', 1000, 0.03)" >/dev/null
refused "update caracal.ledger_events set cost = 0" 23001
refused "delete from caracal.ledger_events" 23001
refused "truncate caracal.ledger_events, caracal.provisional_charges" 23001
refused "truncate caracal.agent_identities cascade" 23001
q "insert into caracal.provisional_charges (agent_id, amount, created_at, expires_at, released, released_at) values
     ('00000000-0000-0000-0000-000000000001', 1, now() - interval '2 hours', now() - interval '1 hour', false, null),
     ('00000000-0000-0000-0000-000000000001', 2, now() - interval '2 hours', now() - interval '1 second', false, null),
     ('00000000-0000-0000-0000-000000000001', 3, now() - interval '2 hours', now() - interval '1 hour', true, now() - interval '90 minutes'),
     ('00000000-0000-0000-0000-000000000001', 4, now(), now() + interval '5 minutes', false, null)" >/dev/null
# released and released_at agree, or the row is refused.
refused "insert into caracal.provisional_charges (agent_id, amount, expires_at, released) values ('00000000-0000-0000-0000-000000000001', 5, now() + interval '1 hour', true)" 23514
refused "insert into caracal.provisional_charges (agent_id, amount, expires_at, released_at) values ('00000000-0000-0000-0000-000000000001', 5, now() + interval '1 hour', now())" 23514
[ "$(q "select caracal.release_expired_charges()")" = 2 ] || fail "release_expired_charges released the wrong number"
[ "$(q "select string_agg(amount::text || ':' || released, ',' order by amount) from caracal.provisional_charges")" = \
  "1:true,2:true,3:true,4:false" ] || fail "wrong charges released"
[ "$(q "select count(*) from caracal.provisional_charges where released <> (released_at is not null)")" = 0 ] || fail "release left released_at unset"
[ "$(q "select caracal.release_expired_charges()")" = 0 ] || fail "release is not idempotent"

# platform: audit_logs are immutable, by trigger and by CHECK.
q "insert into platform.audit_logs (event_type, resource_type) values ('task_created', 'task')" >/dev/null
refused "update platform.audit_logs set event_type = 'x'" 23001
refused "delete from platform.audit_logs" 23001
refused "truncate platform.audit_logs" 23001
refused "insert into platform.audit_logs (event_type, resource_type, is_immutable) values ('x', 'y', false)" 23514

# chad: deleting a run cascades; run_stats on known data.
q "insert into chad.runs (id, actor, status, trace_id, created_at, completed_at) values
     ('00000000-0000-0000-0000-0000000000a1', 'u@example.com', 'completed', 't-1', '2024-01-01 10:00:00+00', '2024-01-01 10:00:45.5+00')" >/dev/null
q "insert into chad.steps (id, run_id, step_number, node_name, status) values
     ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000a1', 1, 'plan', 'completed'),
     ('00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-0000000000a1', 2, 'act', 'completed'),
     ('00000000-0000-0000-0000-0000000000b3', '00000000-0000-0000-0000-0000000000a1', 3, 'reflect', 'completed')" >/dev/null
q "insert into chad.llm_calls (run_id, step_id, model, provider, prompt_tokens, completion_tokens, total_tokens) values
     ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000b1', 'gpt-4', 'openai', 700, 300, 1000),
     ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000b2', 'gpt-4', 'openai', 400, 100, 500)" >/dev/null
q "insert into chad.artifacts (run_id, artifact_type, url) values ('00000000-0000-0000-0000-0000000000a1', 'report', 's3://x')" >/dev/null
[ "$(q "select step_count, llm_calls, total_tokens, duration_seconds from chad.run_stats('00000000-0000-0000-0000-0000000000a1')")" = "3|2|1500|45.5" ] ||
  fail "run_stats: $(q "select * from chad.run_stats('00000000-0000-0000-0000-0000000000a1')")"
refused "insert into chad.runs (actor, trace_id) values ('x', 't-1')" 23505
# A run still going (no completed_at) counts up to now: an hour old, its duration is an
# hour and growing, not NULL; once completed it stops at completed_at.
q "insert into chad.runs (id, actor, status, trace_id, created_at) values
     ('00000000-0000-0000-0000-0000000000a2', 'u@example.com', 'running', 't-2', now() - interval '1 hour')" >/dev/null
[ "$(q "select duration_seconds between 3600 and 3600 + 60 from chad.run_stats('00000000-0000-0000-0000-0000000000a2')")" = t ] ||
  fail "run_stats of a running run: $(q "select * from chad.run_stats('00000000-0000-0000-0000-0000000000a2')")"
first=$(q "select duration_seconds from chad.run_stats('00000000-0000-0000-0000-0000000000a2')")
sleep 1
[ "$(q "select duration_seconds > $first from chad.run_stats('00000000-0000-0000-0000-0000000000a2')")" = t ] ||
  fail "the duration of a running run does not grow"
q "update chad.runs set completed_at = created_at + interval '90 seconds' where id = '00000000-0000-0000-0000-0000000000a2'" >/dev/null
[ "$(q "select duration_seconds from chad.run_stats('00000000-0000-0000-0000-0000000000a2')")" = 90 ] ||
  fail "the duration of a completed run is not completed_at - created_at"
q "delete from chad.runs" >/dev/null
[ "$(q "select (select count(*) from chad.steps) + (select count(*) from chad.llm_calls) + (select count(*) from chad.artifacts)")" = 0 ] ||
  fail "deleting the run did not cascade"

# chad: search_embeddings in both modes (pgvector, which the suite's server has, and the
# portable real[]): the same order and similarities, whatever the caller's search_path,
# and pgvector's own errors for a malformed query vector.
vec() { echo "array_cat(array[$1]::real[], array_fill(0::real, array[1533]))"; }
search_error() { # search_error DB QUERY_ARRAY: "SQLSTATE: message" of a search with it
  psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose "$(db_url "$1")" -c "select * from chad.search_embeddings($2, 3)" 2>&1 |
    sed -n 's/^ERROR:  \([0-9A-Z]\{5\}\): \(.*\)/\1: \2/p' || true
}
portable=$(new_db)
psql_admin -c "alter database \"$portable\" set chad.embeddings = 'portable'" >/dev/null
run "$AGENTPG" --migrations-dir "$AGENTPG_SOURCE/migrations" --database-url "$(db_url "$portable")" --modules core,chad migrate
expect_code 0
for mode_db in "$db" "$portable"; do
  mode=$([ "$mode_db" = "$db" ] && echo pgvector || echo portable)
  [ "$(sql_value "$mode_db" "select format_type(atttypid, atttypmod) from pg_attribute where attrelid = 'chad.embeddings'::regclass and attname = 'embedding'")" = \
    "$([ $mode = pgvector ] && echo 'vector(1536)' || echo 'real[]')" ] || fail "chad.embeddings is not in $mode mode"
  sql_value "$mode_db" "insert into chad.embeddings (content, embedding) values
     ('east', $(vec '1, 0, 0')), ('north-east', $(vec '1, 1, 0')), ('north', $(vec '0, 1, 0')), ('up', $(vec '0, 0, 1'))" >/dev/null
  for path in public chad pg_catalog; do
    [ "$(psql_db "$mode_db" -c "set search_path = $path" -c "select string_agg(content || '=' || round(similarity::numeric, 3), ',') from chad.search_embeddings($(vec '1, 0.2, 0'), 3)")" = \
      "east=0.981,north-east=0.832,north=0.196" ] || fail "search ($mode, search_path $path) gave the wrong order or failed"
  done
  # pgvector names the two lengths in the order of its comparison, which depends on the plan.
  [[ "$(search_error "$mode_db" "array[1, 2, 3]::real[]")" =~ ^"22000: different vector dimensions "("1536 and 3"|"3 and 1536")$ ]] ||
    fail "a 3-value query ($mode): $(search_error "$mode_db" "array[1, 2, 3]::real[]")"
  [ "$(search_error "$mode_db" "array[[1, 2], [3, 4]]::real[]")" = "22000: array must be 1-D" ] ||
    fail "a 2-D query ($mode): $(search_error "$mode_db" "array[[1, 2], [3, 4]]::real[]")"
  [ "$(search_error "$mode_db" "array[]::real[]")" = "22000: vector must have at least 1 dimension" ] || fail "an empty query ($mode)"
  [ "$(search_error "$mode_db" "array[1, null]::real[]")" = "22004: array must not contain nulls" ] || fail "a query with NULL ($mode)"
done
refused "insert into chad.embeddings (content, embedding) values ('short', array[1,2,3]::real[])" 22000
[ "$(psql_db "$portable" -c "insert into chad.embeddings (content, embedding) values ('short', array[1,2,3]::real[])" 2>&1 | grep -c embeddings_embedding_check || true)" = 1 ] ||
  fail "the portable mode stored a 3-value embedding"
# pgvector: the function is inlined into the caller's query, so the HNSW index serves it.
sql_value "$db" "insert into chad.embeddings (content, embedding) select 'filler ' || i, $(vec "i, 1, 0") from generate_series(1, 200) i" >/dev/null
plan=$(psql_db "$db" -c "set enable_seqscan = off" -c "explain (costs off) select * from chad.search_embeddings($(vec '1, 0.2, 0'), 3)")
grep -q "Index Scan using ix_embeddings_embedding_hnsw on embeddings" <<<"$plan" || fail "the search does not use the HNSW index: $plan"

# agency: the audit trigger records INSERT, UPDATE and DELETE with old and new values.
q "insert into agency.tasks (task_id, description) values ('T-1', 'write tests')" >/dev/null
q "update agency.tasks set status = 'running' where task_id = 'T-1'" >/dev/null
q "delete from agency.tasks where task_id = 'T-1'" >/dev/null
[ "$(q "select string_agg(operation || ':' || coalesce(old_values->>'status', '-') || '>' || coalesce(new_values->>'status', '-'), ',' order by id) from agency.audit_log where table_name = 'tasks'")" = \
  "INSERT:->pending,UPDATE:pending>running,DELETE:running>-" ] || fail "audit trail wrong: $(q "select operation, old_values, new_values from agency.audit_log")"

# agency: row level security hides provenance, audit and inactive waivers from a role
# without access; membership in agency_auditor grants it.
reader="t_reader_$$"
auditor_member="t_auditor_$$"
q "create role $reader login; create role $auditor_member login;
   do \$\$ begin if not exists (select 1 from pg_roles where rolname = 'agency_auditor') then create role agency_auditor; end if; end \$\$;
   grant agency_auditor to $auditor_member;
   grant usage on schema agency, core to $reader, $auditor_member;
   grant select on all tables in schema agency to $reader, $auditor_member" >/dev/null
trap 'q "drop owned by '$reader', '$auditor_member'; drop role '$reader'; drop role '$auditor_member'" >/dev/null 2>&1; cleanup' EXIT

# agency: the audit trigger records the acting role (SET ROLE), as the document's
# current_user does, though it runs as its owner; the login role when none is set.
q "grant insert, update on agency.tasks to $reader" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 "$(db_url "$db")" -c "set role $reader" -c "set app.tenant_id = 'acme'" \
  -c "insert into agency.tasks (task_id, description) values ('T-role', 'by the reader')" \
  -c "update agency.tasks set status = 'running' where task_id = 'T-role'" >/dev/null || fail "the reader cannot write tasks"
[ "$(q "select string_agg(operation || ':' || user_id, ',' order by id) from agency.audit_log where new_values->>'task_id' = 'T-role'")" = \
  "INSERT:$reader,UPDATE:$reader" ] || fail "audit rows do not name the acting role: $(q "select operation, user_id from agency.audit_log where new_values->>'task_id' = 'T-role'")"
q "update agency.tasks set status = 'completed' where task_id = 'T-role'" >/dev/null
[ "$(q "select user_id from agency.audit_log where new_values->>'status' = 'completed' and new_values->>'task_id' = 'T-role'")" = postgres ] ||
  fail "audit row of the login role"
q "insert into agency.provenance_records (verdict_id, task_id, decision_type, decision_data, consensus_score, caws_compliance, git_trailer, signature)
     values (gen_random_uuid(), gen_random_uuid(), 'merge', '{}', 0.9, '{}', 'Verdict: x', 'sig')" >/dev/null
q "insert into agency.waivers (title, reason, description, gates, approved_by, mitigation_plan, expires_at, status) values
     ('active one', 'r', 'd', '{lint}', 'lead', 'm', now() + interval '1 day', 'active'),
     ('revoked one', 'r', 'd', '{lint}', 'lead', 'm', now() + interval '1 day', 'revoked')" >/dev/null
# As a role in the tenant 'default', whose rows the owner writes (tests/cli/bundled_tenants.sh
# covers the tenants themselves).
as_role() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$(db_url "$db")" -c "set role $1" -c "set app.tenant_id = 'default'" -c "$2"; }
[ "$(as_role "$reader" "select (select count(*) from agency.provenance_records), (select count(*) from agency.audit_log), (select count(*) from agency.waivers)")" = "0|0|1" ] ||
  fail "RLS let a reader without access see rows"
[ "$(as_role "$auditor_member" "select (select count(*) from agency.provenance_records) > 0, (select count(*) from agency.audit_log) > 0, (select count(*) from agency.waivers)")" = "t|t|2" ] ||
  fail "RLS hid rows from an agency_auditor member"

# agency: each retention function deletes only what is older than its window.
q "insert into agency.tasks (id, task_id, description, status, completed_at) values
     ('00000000-0000-0000-0000-0000000000c1', 'old', 'old task', 'completed', now() - interval '91 days'),
     ('00000000-0000-0000-0000-0000000000c2', 'new', 'new task', 'completed', now() - interval '89 days')" >/dev/null
q "insert into agency.task_progress (task_id, phase, created_at) values
     ('00000000-0000-0000-0000-0000000000c1', 'old', now() - interval '91 days'), ('00000000-0000-0000-0000-0000000000c2', 'new', now() - interval '89 days')" >/dev/null
q "insert into agency.task_artifacts (task_id, artifact_type, content, created_at) values
     ('00000000-0000-0000-0000-0000000000c1', 'log', '{}', now() - interval '91 days'), ('00000000-0000-0000-0000-0000000000c2', 'log', '{}', now() - interval '89 days')" >/dev/null
q "insert into agency.system_metrics (metric_name, metric_value, collected_at) values ('cpu', 1, now() - interval '31 days'), ('cpu', 2, now() - interval '29 days')" >/dev/null
q "insert into agency.slo_measurements (slo_name, measured_at) values ('latency', now() - interval '31 days'), ('latency', now() - interval '29 days')" >/dev/null
q "insert into agency.audit_log (table_name, operation, created_at) values ('x', 'INSERT', now() - interval '366 days'), ('x', 'INSERT', now() - interval '364 days')" >/dev/null
[ "$(q "select * from agency.cleanup_old_tasks()")" = "1|1|1" ] || fail "cleanup_old_tasks counts"
[ "$(q "select string_agg(task_id || ':' || status, ',' order by task_id) from agency.tasks where task_id in ('old', 'new')")" = "new:completed,old:archived" ] ||
  fail "cleanup_old_tasks archived the wrong task"
[ "$(q "select * from agency.cleanup_old_metrics()")" = "1|1" ] || fail "cleanup_old_metrics counts"
[ "$(q "select (select count(*) from agency.system_metrics), (select count(*) from agency.slo_measurements)")" = "1|1" ] || fail "metrics left"
before=$(q "select count(*) from agency.audit_log")
[ "$(q "select agency.cleanup_old_audit_logs()")" = 1 ] || fail "cleanup_old_audit_logs count"
[ "$(q "select count(*) from agency.audit_log")" = $((before - 1)) ] || fail "audit log rows left"
[ "$(q "select * from agency.cleanup_old_tasks()")" = "0|0|0" ] || fail "cleanup_old_tasks is not idempotent"

# agency: audit-log retention works for an auditor granted DELETE, not for a role without
# access (row level security lets it delete nothing), and writing audit rows by hand is
# for the owner alone.
q "insert into agency.audit_log (table_name, operation, created_at) values ('old', 'INSERT', now() - interval '400 days'), ('old', 'DELETE', now() - interval '400 days')" >/dev/null
q "grant delete on agency.audit_log to $reader, $auditor_member" >/dev/null
[ "$(as_role "$reader" "select agency.cleanup_old_audit_logs()")" = 0 ] || fail "a role without access deleted audit rows"
[ "$(as_role "$auditor_member" "select agency.cleanup_old_audit_logs()")" = 2 ] || fail "an auditor with DELETE could not apply the retention"
[ "$(q "select count(*) from agency.audit_log where table_name = 'old'")" = 0 ] || fail "old audit rows left"
state=$(psql -X -q -v VERBOSITY=verbose "$(db_url "$db")" -c "set role $auditor_member" -c "insert into agency.audit_log (table_name, operation, user_id) values ('x', 'INSERT', 'someone')" 2>&1 | sed -n 's/^ERROR:  \([0-9A-Z]\{5\}\):.*/\1/p' || true)
[ "$state" = 42501 ] || fail "an auditor could write an audit row by hand (got '$state')"

# Value sets: a column takes any value where its document leaves the set open (free text,
# "etc.", examples), and only the stated values where the document states the set.
q "insert into chad.runs (id, actor, status) values ('00000000-0000-0000-0000-0000000000d1', 'u@example.com', 'queued')" >/dev/null
q "insert into chad.steps (run_id, step_number, node_name, status) values ('00000000-0000-0000-0000-0000000000d1', 1, 'plan', 'skipped')" >/dev/null
q "insert into freeagentics.agents (name, type, status, energy_level) values ('Scout', 'scout', 'hibernating', 1.5)" >/dev/null
q "insert into freeagentics.conversations (type) values ('group')" >/dev/null
q "insert into freeagentics.conversation_participants (conversation_id, agent_id, role)
     select c.id, a.id, 'moderator' from freeagentics.conversations c, freeagentics.agents a where a.name = 'Scout'" >/dev/null
q "insert into freeagentics.messages (conversation_id, content, type) select id, 'hi', 'emote' from freeagentics.conversations" >/dev/null
q "insert into freeagentics.knowledge_graphs (name, type) values ('orphan notes', 'personal')" >/dev/null
q "insert into freeagentics.coalitions (name, status) values ('Guild', 'paused')" >/dev/null
q "insert into freeagentics.system_logs (level, component, message) values ('TRACE', 'engine', 'tick')" >/dev/null
refused "insert into freeagentics.conversations (type) values ('private')" 23514
refused "insert into freeagentics.knowledge_graphs (name, type) values ('team notes', 'team')" 23514
q "insert into caracal.budget_policies (agent_id, limit_amount, time_window, currency) values
     ('00000000-0000-0000-0000-000000000001', 100, 'quarterly', 'USDC')" >/dev/null
q "insert into platform.users (user_id, username, email) values ('00000000-0000-0000-0000-0000000000e1', 'vals', 'vals@example.com')" >/dev/null
q "insert into platform.projects (project_id, name, slug, owner_id, status) values
     ('00000000-0000-0000-0000-0000000000e2', 'Values', 'Values_Project', '00000000-0000-0000-0000-0000000000e1', 'planning')" >/dev/null
q "insert into platform.evidence (project_id, source_type, title, credibility_score) values
     ('00000000-0000-0000-0000-0000000000e2', 'security_scan', 'scan', 0.5)" >/dev/null
refused "insert into platform.users (username, email, role) values ('o', 'o@example.com', 'owner')" 23514
refused "insert into platform.tasks (project_id, title, type) values ('00000000-0000-0000-0000-0000000000e2', 't', 'epic')" 23514
refused "insert into platform.tasks (project_id, title, status) values ('00000000-0000-0000-0000-0000000000e2', 't', 'done')" 23514
refused "insert into platform.tasks (project_id, title, priority) values ('00000000-0000-0000-0000-0000000000e2', 't', 'urgent')" 23514
refused "insert into platform.evidence (project_id, source_type, title, credibility_score) values ('00000000-0000-0000-0000-0000000000e2', 'x', 'x', 1.5)" 23514
q "insert into platform.agents (agent_id, name, agent_type, model_provider, model_name) values
     ('00000000-0000-0000-0000-0000000000e3', 'coder', 'coder', 'openai', 'gpt-4')" >/dev/null
refused "insert into platform.agent_executions (agent_id, status) values ('00000000-0000-0000-0000-0000000000e3', 'succeeded')" 23514
q "insert into agency.tasks (id, task_id, description, status, execution_mode, risk_tier) values
     ('00000000-0000-0000-0000-0000000000f1', 'T-values', 'open values', 'blocked', 'batch', 4)" >/dev/null
q "insert into agency.task_progress (task_id, phase, progress_percentage) values ('00000000-0000-0000-0000-0000000000f1', 'p', 120)" >/dev/null
q "insert into agency.council_verdicts (task_id, judge_type, verdict, confidence_score) values ('00000000-0000-0000-0000-0000000000f1', 'ethics', 'escalate', 1.5)" >/dev/null
q "insert into agency.waivers (title, reason, description, gates, approved_by, impact_level, mitigation_plan, expires_at, status) values
     ('open', 'r', 'd', '{lint}', 'lead', 'minimal', 'm', now() + interval '1 day', 'superseded')" >/dev/null
q "insert into agency.caws_violations (task_id, rule, severity) values ('00000000-0000-0000-0000-0000000000f1', 'R1', 'blocker')" >/dev/null
q "insert into agency.alerts (alert_type, severity, title, status) values ('slo', 'warning', 'slow', 'snoozed')" >/dev/null
