# seed: the bundled development data loads, is consistent and idempotent; a failure
# anywhere leaves nothing; every bad input names file and line; CSV goes through COPY;
# --reset is guarded; seeds of uninstalled modules are skipped; init seeds on request.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
export AGENTPG_MIGRATIONS_DIR=$AGENTPG_SOURCE/migrations AGENTPG_SEEDS_DIR=$AGENTPG_SOURCE/seeds
run "$AGENTPG" migrate
expect_code 0

run "$AGENTPG" --json seed
expect_code 0
[ "$(json_get 'sum(t["inserted"] for t in d["tables"]), sum(t["updated"] + t["unchanged"] for t in d["tables"])')" = "(116, 0)" ] ||
  fail "first seed: $(out)"
counts="select (select count(*) from freeagentics.agents), (select count(*) from caracal.ledger_events), (select count(*) from chad.embeddings), (select count(*) from agentpg.seed_history)"
first=$(sql_value "$db" "$counts")
run "$AGENTPG" --json seed
expect_code 0
[ "$(json_get 'sum(t["inserted"] + t["updated"] for t in d["tables"]), sum(t["unchanged"] for t in d["tables"])')" = "(0, 116)" ] ||
  fail "second seed changed rows: $(out)"
second=$(sql_value "$db" "$counts")
[ "${first%|*}" = "${second%|*}" ] || fail "re-seeding changed row counts: $first -> $second"

# The data is what the documents describe, and consistent.
q() { sql_value "$db" "$1"; }
[ "$(q "select string_agg(type || ':' || n, ',' order by type) from (select type, count(*) n from freeagentics.agents group by type) t")" = \
  "coordinator:3,explorer:3,guardian:3,merchant:3,researcher:3" ] || fail "15 agents of the five types"
[ "$(q "select string_agg(distinct type, ',' order by type) from freeagentics.conversations")" = "broadcast,direct,group,system" ] || fail "conversation kinds"
[ "$(q "select string_agg(distinct type, ',' order by type) from freeagentics.knowledge_graphs")" = "global,personal,shared" ] || fail "knowledge kinds"
[ "$(q "select count(*) from caracal.provisional_charges where not released and expires_at < now()")" = 2 ] || fail "expired charges"
[ "$(q "select count(*) from caracal.budget_policies p join caracal.agent_identities a on a.agent_id = p.agent_id where p.delegated_from_agent_id = a.parent_agent_id")" = 6 ] ||
  fail "delegations should follow the hierarchy"
[ "$(q "select step_count, llm_calls, total_tokens from chad.run_stats((select id from chad.runs where trace_id = 'trace-dev-0001'))")" = "3|2|1500" ] ||
  fail "run_stats on the seeded run"
[ "$(q "select count(*) from platform.users")|$(q "select count(*) from platform.agents")|$(q "select count(*) from platform.projects")" = "5|4|3" ] ||
  fail "platform users, agents, projects"
# Every foreign key holds (checked, not only trusted) and every JSON document parses.
fk_check=$(q "select string_agg(format('select %L where exists (select 1 from %s c where (%s) is not null and not exists (select 1 from %s p where (%s) = (%s)))',
                conname, conrelid::regclass, cols_c, confrelid::regclass, cols_p, cols_c_qual), ' union all ')
              from (select k.conname, k.conrelid, k.confrelid,
                      (select string_agg('c.' || quote_ident(attname), ',') from pg_attribute a join unnest(k.conkey) n on a.attnum = n where a.attrelid = k.conrelid) cols_c,
                      (select string_agg('p.' || quote_ident(attname), ',') from pg_attribute a join unnest(k.confkey) n on a.attnum = n where a.attrelid = k.confrelid) cols_p,
                      (select string_agg('c.' || quote_ident(attname), ',') from pg_attribute a join unnest(k.conkey) n on a.attnum = n where a.attrelid = k.conrelid) cols_c_qual
                    from pg_constraint k join pg_namespace s on s.oid = k.connamespace
                    where k.contype = 'f' and s.nspname in ('caracal', 'chad', 'freeagentics', 'platform', 'agency')) f")
[ -z "$(q "$fk_check")" ] || fail "foreign keys broken: $(q "$fk_check")"

# One transaction: a failing last file leaves nothing of the earlier ones.
mkdir -p "$WORK/seeds/broken"
cat >"$WORK/seeds/broken/01_users.yaml" <<'YAML'
table: platform.users
key: [username]
rows:
  - {username: one, email: one@example.com}
YAML
printf -- '-- requires: platform\nINSERT INTO platform.users (username, email) VALUES (%s);\n' "'two', 'two@example.com'" >"$WORK/seeds/broken/02_more.sql"
printf -- 'table: platform.users\nkey: [username]\nrows:\n  - {username: three, email: three@example.com}\n  - {username: four, email: four@example.com, role: wizard}\n' >"$WORK/seeds/broken/03_bad.yaml"
run "$AGENTPG" --seeds-dir "$WORK/seeds" seed --env broken
expect_code 4
expect_err "$WORK/seeds/broken/03_bad.yaml:5: new row for relation \"users\" violates check constraint \"users_role_check\""
[ "$(q "select count(*) from platform.users where username in ('one', 'two', 'three', 'four')")" = 0 ] || fail "a failed seed left rows"

# Each bad input: a clear message naming file and line, the right exit code, nothing written.
bad() { # bad NAME CONTENT EXIT EXPECTED
  rm -rf "$WORK/seeds/bad" && mkdir -p "$WORK/seeds/bad"
  printf '%s' "$2" >"$WORK/seeds/bad/$1"
  run "$AGENTPG" --seeds-dir "$WORK/seeds" seed --env bad
  expect_code "$3"
  expect_err "$4"
}
bad 01_x.yaml $'table: platform.users\nrows:\n  - {username: [unclosed\n' 5 "$WORK/seeds/bad/01_x.yaml:4:1:"
bad 01_x.yaml $'table: platform.nope\nkey: [id]\nrows:\n  - {id: 1}\n' 5 "01_x.yaml:1: unknown table platform.nope"
bad 01_x.yaml $'table: platform.users\nkey: [username]\nrows:\n  - {username: u, email: e, shoe_size: 42}\n' 5 "01_x.yaml:4: platform.users has no column shoe_size"
bad 01_x.yaml $'table: platform.projects\nkey: [slug]\nrows:\n  - {name: P, slug: p, owner_id: {$ref: platform.users, username: nobody}}\n' 5 \
  "01_x.yaml:4: no row in platform.users with username=nobody"
bad 01_x.yaml $'table: platform.projects\nkey: [slug]\nrows:\n  - {name: P, slug: p, owner_id: {$ref: platform.users, username: admin}, test_coverage_percent: lots}\n' 4 \
  "01_x.yaml:4: invalid input syntax for type numeric: \"lots\""
bad platform.users.csv $'username,email\nok,ok@example.com\nragged,r@example.com,extra\n' 4 "platform.users.csv:3: extra data after last expected column"
bad 01_x.yaml $'table: platform.users\nkey: [email, role]\nrows:\n  - {email: e, role: user, username: x}\n' 5 "key (email, role) is not a primary key or unique constraint"
[ "$(q "select count(*) from platform.users")" = 5 ] || fail "bad seeds wrote rows"

# CSV goes through COPY (the server's statement log says so), first straight into the
# empty table, then through an upsert that reports what changed.
mkdir -p "$WORK/seeds/bulk"
python3 -c '
import sys
print("username,email,role")
for i in range(2000):
    print(f"bulk{i},bulk{i}@example.com,user")' >"$WORK/seeds/bulk/platform.users.csv"
sql_value "$db" "delete from platform.users where username like 'bulk%'" >/dev/null
log=$AGENTPG_TEST_CLUSTER/postgres.log
psql_admin -c "alter database \"$db\" set log_statement = 'all'" >/dev/null
start=$(wc -c <"$log")
run "$AGENTPG" --seeds-dir "$WORK/seeds" --json seed --env bulk
expect_code 0
[ "$(json_get 'd["tables"][0]["inserted"], d["tables"][0]["unchanged"]')" = "(2000, 0)" ] || fail "csv into a non-empty table: $(out)"
tail -c +$((start + 1)) "$log" >"$WORK/statements.log"
grep 'COPY agentpg_seed_csv ("username", "email", "role") FROM STDIN' "$WORK/statements.log" >/dev/null || fail "the CSV did not go through COPY"
! grep -i 'insert into "platform"."users" as t ("username", "email", "role") values' "$WORK/statements.log" >/dev/null || fail "CSV rows were inserted one by one"
sed -i 's/bulk7,bulk7@example.com,user/bulk7,bulk7@example.com,manager/' "$WORK/seeds/bulk/platform.users.csv"
run "$AGENTPG" --seeds-dir "$WORK/seeds" --json seed --env bulk
[ "$(json_get 'd["tables"][0]["inserted"], d["tables"][0]["updated"], d["tables"][0]["unchanged"]')" = "(0, 1, 1999)" ] || fail "csv re-run: $(out)"
psql_admin -c "alter database \"$db\" reset log_statement" >/dev/null

# --reset: guarded; refused in production; empties what the environment seeds, then reloads.
run "$AGENTPG" seed --reset
expect_code 8
expect_err "without confirmation"
run "$AGENTPG" --environment production --yes seed --env development --reset
expect_code 8
run "$AGENTPG" --environment production seed --env development
expect_code 8
expect_err "refused to seed the production environment"
sql_value "$db" "update platform.users set full_name = 'changed' where username = 'admin'" >/dev/null
run "$AGENTPG" --yes --json seed --reset
expect_code 0
[ "$(json_get 'd["reset"], sum(t["inserted"] for t in d["tables"])')" = "(True, 116)" ] || fail "reset: $(out)"
# The append-only tables were emptied past their TRUNCATE guards, which are on again.
[ "$(json_get 'd["guards_set_aside"]')" = "['caracal.ledger_events: ledger_events_no_truncate', 'platform.audit_logs: audit_logs_no_truncate']" ] ||
  fail "reset should name the guards it set aside: $(out)"
[ "$(q "select string_agg(tgname || ':' || tgenabled::text, ',' order by tgname) from pg_trigger where tgname like '%_no_truncate'")" = \
  "audit_logs_no_truncate:O,ledger_events_no_truncate:O" ] || fail "a TRUNCATE guard is still off after the reset"
state=$(psql -X -q -v VERBOSITY=verbose "$(db_url "$db")" -c "truncate caracal.ledger_events cascade" 2>&1 | sed -n 's/^ERROR:  \([0-9A-Z]\{5\}\):.*/\1/p' || true)
[ "$state" = 23001 ] || fail "the ledger can be truncated after a reset (got '$state')"
[ "$(q "select full_name from platform.users where username = 'admin'")" = "Ada Admin" ] || fail "reset did not restore the row"
# A role that may write and truncate the seeded tables but does not own them cannot set
# the guards aside: the reset fails as a whole, with the server's reason, and empties nothing.
writer=seed_writer_$$
psql_admin -c "CREATE ROLE $writer LOGIN" >/dev/null
trap 'psql_db "$db" -c "DROP OWNED BY $writer" >/dev/null 2>&1 || true; psql_admin -c "DROP ROLE IF EXISTS $writer" >/dev/null 2>&1 || true; cleanup' EXIT
q "GRANT USAGE ON SCHEMA core, caracal, chad, freeagentics, platform, agency, agentpg TO $writer;
   GRANT ALL ON ALL TABLES IN SCHEMA caracal, chad, freeagentics, platform, agency, agentpg TO $writer;
   GRANT ALL ON ALL SEQUENCES IN SCHEMA caracal, chad, freeagentics, platform, agency, agentpg TO $writer;
   GRANT CREATE, TEMPORARY ON DATABASE \"$db\" TO $writer; GRANT CREATE ON SCHEMA agentpg TO $writer" >/dev/null
before=$(q "select (select count(*) from caracal.ledger_events) || '/' || (select count(*) from platform.users) || '/' || (select count(*) from agentpg.seed_history)")
run "$AGENTPG" --database-url "$(db_url "$db")&user=$writer" --yes seed --reset
[ "$CODE" -ne 0 ] || fail "a reset by a role that does not own the append-only tables succeeded"
expect_err "must be owner of table"
[ "$(q "select (select count(*) from caracal.ledger_events) || '/' || (select count(*) from platform.users) || '/' || (select count(*) from agentpg.seed_history)")" = "$before" ] ||
  fail "the failed reset changed rows"
[ "$(q "select string_agg(tgname || ':' || tgenabled::text, ',' order by tgname) from pg_trigger where tgname like '%_no_truncate'")" = \
  "audit_logs_no_truncate:O,ledger_events_no_truncate:O" ] || fail "a TRUNCATE guard is off after the failed reset"

# Seeds of modules that are not installed are skipped; init seeds when asked to.
only=$(new_db)
run "$AGENTPG" --database-url "$(db_url "$only")" --modules core,caracal migrate
run "$AGENTPG" --database-url "$(db_url "$only")" --json seed
expect_code 0
expect_err "skipped 20_chad.runs.yaml: module chad is not installed"
[ "$(json_get 'len(d["tables"])')" = 3 ] || fail "only caracal's tables should be seeded: $(out)"
fresh="${db}_init"
forget_db_later "$fresh"
DATABASE_SEED_DATA=true AGENTPG_INIT_SEED_ENV=demo run "$AGENTPG" --database-url "$(db_url "$fresh")" init
expect_code 0
expect_out "seeded demo from"
[ "$(sql_value "$fresh" "select count(*) from freeagentics.agents where name in ('Resource Optimizer', 'Market Maker', 'Information Broker')")" = 3 ] ||
  fail "init did not seed the demo"

# Production migrates by hand: init creates the database and says how to migrate; it
# migrates when auto_migrate is set explicitly, or with --migrate.
prod="${db}_prod"
forget_db_later "$prod"
AGENTPG_ENV=production run "$AGENTPG" --database-url "$(db_url "$prod")" --json init
expect_code 0
expect_err "production: init does not migrate unless told to"
[ "$(json_get 'd["created"], d.get("applied"), d["migrate_skipped"]')" = "(True, None, 'production')" ] || fail "production init: $(out)"
[ "$(sql_value "$prod" "select to_regclass('agentpg.schema_migrations') is null")" = t ] || fail "production init migrated"
DATABASE_AUTO_MIGRATE=true AGENTPG_ENV=production run "$AGENTPG" --database-url "$(db_url "$prod")" --json init
expect_code 0
[ "$(json_get 'd["applied"]')" = 15 ] || fail "DATABASE_AUTO_MIGRATE=true did not migrate in production: $(out)"
prod2="${db}_prod2"
forget_db_later "$prod2"
AGENTPG_ENV=production run "$AGENTPG" --database-url "$(db_url "$prod2")" init --migrate
expect_code 0
expect_out "applied 15 migrations"
expect_no "does not migrate"
