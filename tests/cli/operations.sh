# check --report finds a freshly bloated table, a session blocked by an open transaction
# and a never-scanned index, with --fail-on exit codes; maintain releases exactly the
# expired charges and deletes exactly what is past each retention window, --dry-run
# changes nothing, and a second run does nothing.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
export AGENTPG_MIGRATIONS_DIR=$AGENTPG_SOURCE/migrations AGENTPG_SEEDS_DIR=$AGENTPG_SOURCE/seeds
run "$AGENTPG" init
expect_code 0
run "$AGENTPG" seed
expect_code 0
q() { sql_value "$db" "$1"; }
finding() { json_get "[f['severity'] for f in d['report']['findings'] if f['subject'] == '$1' and '$2' in f['message']]"; }

run "$AGENTPG" --json check --report --fail-on warning
expect_code 0
[ "$(json_get 'd["report"]["findings"]')" = "[]" ] || fail "a fresh seeded database has findings: $(json_get 'd["report"]["findings"]')"
[ "$(json_get 'd["report"]["top_statements"]')" = "None" ] || fail "top statements without pg_stat_statements"
run "$AGENTPG" check --report
expect_out "pg_stat_statements is not installed in this database"
expect_out "largest tables"

q "create table public.busy (id int primary key, v int, note text);
   insert into public.busy select i, i, 'row ' || i from generate_series(1, 20000) i;
   create index busy_v on public.busy (v);
   update public.busy set note = note || '!';" >/dev/null
# A transaction holds the table; another session waits behind it.
psql -X "$(db_url "$db")" -c "begin" -c "lock table public.busy in access exclusive mode" -c "select pg_sleep(30)" >/dev/null 2>&1 &
holder=$!
wait_for "$db" "select count(*) >= 1 from pg_locks where relation = 'public.busy'::regclass and granted"
psql -X "$(db_url "$db")" -c "select count(*) from public.busy" >/dev/null 2>&1 &
waiter=$!
trap 'kill $holder $waiter 2>/dev/null || true; cleanup' EXIT
wait_for "$db" "select count(*) >= 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'"
sleep 1.5

AGENTPG_REPORT_BLOCKING_SECONDS=1 run "$AGENTPG" --json check --report --fail-on critical
expect_code 1
[ "$(finding public.busy 'dead rows')" = "['warning']" ] || fail "the bloated table is not flagged: $(json_get 'd["report"]["findings"]')"
[ "$(finding public.busy_v 'never scanned')" = "['warning']" ] || fail "the unused index is not flagged"
[ "$(json_get "[f['severity'] for f in d['report']['findings'] if 'blocks pid' in f['message']]")" = "['critical']" ] ||
  fail "the blocking session is not flagged"
[ "$(json_get 'len(d["report"]["blocked_sessions"]) >= 1, d["ok"], d["exit_code"]')" = "(True, False, 1)" ] || fail "report: $(out)"
AGENTPG_REPORT_BLOCKING_SECONDS=1 run "$AGENTPG" check --report --fail-on critical
expect_code 1
expect_out "blocked sessions"
expect_err "findings at or above 'critical': exit 1"
run "$AGENTPG" check --report
expect_code 0

q "select pg_terminate_backend(pid) from pg_stat_activity where query like '%pg_sleep(30)%' and pid <> pg_backend_pid()" >/dev/null
wait $holder $waiter 2>/dev/null || true
run "$AGENTPG" check --report --fail-on critical
expect_code 0
run "$AGENTPG" check --report --fail-on warning
expect_code 1

# maintain: rows just past and just inside each window.
q "insert into agency.tasks (id, task_id, description, status, completed_at) values
     ('00000000-0000-4000-8000-0000000000f1', 'OLD', 'old', 'completed', now() - interval '91 days'),
     ('00000000-0000-4000-8000-0000000000f2', 'NEW', 'new', 'completed', now() - interval '89 days');
   insert into agency.task_progress (task_id, phase, created_at) values
     ('00000000-0000-4000-8000-0000000000f1', 'old', now() - interval '91 days'), ('00000000-0000-4000-8000-0000000000f2', 'new', now() - interval '89 days');
   delete from agency.system_metrics; delete from agency.slo_measurements;
   insert into agency.system_metrics (metric_name, metric_value, collected_at) values ('m', 1, now() - interval '31 days'), ('m', 2, now() - interval '29 days');
   insert into agency.audit_log (table_name, operation, created_at) values ('x', 'INSERT', now() - interval '366 days'), ('x', 'INSERT', now() - interval '364 days');
   update agency.tasks set completed_at = now() where task_id like 'TASK-%' and completed_at is not null;
   update agency.task_progress set created_at = now() where phase <> 'old';
   update agency.task_artifacts set created_at = now()" >/dev/null
snapshot="select (select count(*) from caracal.provisional_charges where released), (select count(*) from agency.task_progress),
                 (select count(*) from agency.tasks where status = 'archived'), (select count(*) from agency.system_metrics), (select count(*) from agency.audit_log)"
before=$(q "$snapshot")
run "$AGENTPG" --json maintain --dry-run
expect_code 0
[ "$(json_get 'd["jobs"][0]["would_release"], d["jobs"][1]["would_delete"]["task_progress"], d["jobs"][1]["would_delete"]["tasks_archived"], d["jobs"][1]["would_delete"]["system_metrics"], d["jobs"][1]["would_delete"]["audit_log"]')" = \
  "(2, 1, 1, 1, 1)" ] || fail "dry run: $(out)"
[ "$(q "$snapshot")" = "$before" ] || fail "maintain --dry-run changed something"

run "$AGENTPG" --environment production maintain
expect_code 8
expect_err "needs --yes"
run "$AGENTPG" --json --environment production --yes maintain
expect_code 0
[ "$(json_get 'd["jobs"][0]["released"], d["jobs"][1]["deleted"]["task_progress"], d["jobs"][1]["deleted"]["tasks_archived"], d["jobs"][1]["deleted"]["system_metrics"], d["jobs"][1]["deleted"]["audit_log"]')" = \
  "(2, 1, 1, 1, 1)" ] || fail "maintain: $(out)"
[ "$(q "select string_agg(task_id || ':' || status, ',' order by task_id) from agency.tasks where task_id in ('OLD', 'NEW')")" = "NEW:completed,OLD:archived" ] ||
  fail "the wrong task was archived"
[ "$(q "select count(*) from caracal.provisional_charges where not released and expires_at < now()")" = 0 ] || fail "expired charges left"
[ "$(q "select count(*) from caracal.provisional_charges where not released")" = 2 ] || fail "unexpired charges were released"
[ "$(q "select count(*) from agency.system_metrics")|$(q "select count(*) from agency.audit_log where table_name = 'x'")" = "1|1" ] ||
  fail "rows inside the windows did not survive"

run "$AGENTPG" --json maintain
expect_code 0
[ "$(json_get 'd["jobs"][0]["released"], sum(d["jobs"][1]["deleted"].values()), len(d["jobs"][2]["analyzed"])')" = "(0, 0, 0)" ] ||
  fail "a second maintain did something: $(out)"

# Windows come from the configuration; one job alone; pg_cron scheduling needs pg_cron.
AGENTPG_MAINTAIN_METRICS_RETENTION="10 days" run "$AGENTPG" --json maintain --only retention
expect_code 0
[ "$(json_get 'len(d["jobs"]), d["jobs"][0]["deleted"]["system_metrics"]')" = "(1, 1)" ] || fail "configured window: $(out)"
AGENTPG_MAINTAIN_AUDIT_RETENTION="a while" run "$AGENTPG" maintain --only retention
expect_code 2
expect_err "maintain.audit_retention must be a length of time with its unit, such as '90 days', not 'a while'"
run "$AGENTPG" maintain --schedule
expect_code 2
expect_err "pg_cron is not installed"

# Re-seeding after maintain released the expired charges puts them back as the seed says,
# released and released_at agreeing (a CHECK ties them; the seed sets both).
[ "$(q "select count(*) from caracal.provisional_charges where released and released_at is not null")" -ge 2 ] || fail "nothing released before the re-seed"
run "$AGENTPG" seed
expect_code 0
[ "$(q "select count(*) from caracal.provisional_charges where released <> (released_at is not null)")" = 0 ] ||
  fail "re-seeding left charges with released and released_at disagreeing"
[ "$(q "select count(*) from caracal.provisional_charges where not released and expires_at < now()")" = 2 ] ||
  fail "re-seeding did not restore the two expired, unreleased charges"

# An unindexed foreign key in any schema is a finding whose fix is the index, which works.
q "create table public.run_notes (id bigint primary key, run_id uuid references chad.runs (id), note text)" >/dev/null
run "$AGENTPG" --json check --report
expect_code 0
[ "$(json_get "[(f['severity'], f['fix']) for f in d['report']['findings'] if f['subject'] == 'public.run_notes']")" = \
  "[('warning', 'CREATE INDEX CONCURRENTLY ON public.run_notes (run_id);')]" ] || fail "unindexed foreign key: $(json_get 'd["report"]["findings"]')"
run "$AGENTPG" check --report
expect_out "foreign key run_notes_run_id_fkey (run_id) to chad.runs has no index"
expect_out "  public.run_notes: CREATE INDEX CONCURRENTLY ON public.run_notes (run_id);"
psql_db "$db" -c "CREATE INDEX CONCURRENTLY ON public.run_notes (run_id);" >/dev/null
run "$AGENTPG" --json check --report
[ "$(json_get "[f for f in d['report']['findings'] if f['subject'] == 'public.run_notes']")" = "[]" ] || fail "the index did not settle the finding"
