# history_table (DB_MIGRATION_TABLE): the history lives in agentpg.<name>, and every
# command reads and writes that table; invalid names are refused before anything runs.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
migration 20240101000000 agents "CREATE TABLE agents (id int);" "DROP TABLE agents;"
migration 20240102000000 runs "CREATE TABLE runs (id int);" "DROP TABLE runs;"
q() { sql_value "$db" "$1"; }
tables() { q "select coalesce(string_agg(relname, ',' order by relname), '') from pg_class where relnamespace = 'agentpg'::regnamespace and relkind = 'r'"; }

# Agent Agency's name, from its environment variable.
DB_MIGRATION_TABLE=__migrations__ run "$AGENTPG" migrate
expect_code 0
[ "$(tables)" = __migrations__ ] || fail "history tables: $(tables)"
[ "$(q "select string_agg(version, ',' order by version) from agentpg.__migrations__")" = "20240101000000,20240102000000" ] ||
  fail "the history is not in agentpg.__migrations__"
DB_MIGRATION_TABLE=__migrations__ run "$AGENTPG" --json status --exit-code
expect_code 0
[ "$(json_get 'd["counts"]["applied"], d["counts"]["pending"]')" = "(2, 0)" ] || fail "status under the configured name: $(out)"
DB_MIGRATION_TABLE=__migrations__ run "$AGENTPG" check
expect_code 0
expect_out "agentpg.__migrations__"
DB_MIGRATION_TABLE=__migrations__ run "$AGENTPG" --yes rollback
expect_code 0
[ "$(q "select count(*) from agentpg.__migrations__")" = 1 ] || fail "rollback did not use the configured table"
# Under the default name the same database has no history: nothing is applied there.
run "$AGENTPG" --json status
[ "$(json_get 'd["counts"]["applied"], d["counts"]["pending"]')" = "(0, 2)" ] || fail "the default name should see no history: $(out)"

# agentpg.yaml, with the schema written out; the flag wins over it; a mixed-case name is
# quoted, never folded.
cat >"$WORK/agentpg.yaml" <<'YAML'
history_table: agentpg.project_history
YAML
run "$AGENTPG" migrate --dry-run
expect_code 0
expect_out "INSERT INTO agentpg.project_history"
db2=$(new_db)
run "$AGENTPG" --database-url "$(db_url "$db2")" --history-table MigrationHistory migrate
expect_code 0
[ "$(sql_value "$db2" "select count(*) from agentpg.\"MigrationHistory\"")" = 2 ] || fail "the flag's mixed-case name"
[ "$(sql_value "$db2" "select string_agg(relname, ',') from pg_class where relnamespace = 'agentpg'::regnamespace and relkind = 'r'")" = MigrationHistory ] ||
  fail "the flag did not win over agentpg.yaml"
rm "$WORK/agentpg.yaml"

# Refused before connecting: another schema, SQL, the seed history's name, too long.
for bad in public.history 'x; DROP TABLE agents' seed_history 9lives "$(printf 'h%.0s' {1..64})"; do
  DB_MIGRATION_TABLE=$bad run "$AGENTPG" migrate
  expect_code 2
  expect_err "DB_MIGRATION_TABLE"
  expect_err "must be a table name of letters, digits and '_'"
done
[ "$(tables)" = __migrations__ ] || fail "a refused name created something: $(tables)"
