# rollback is guarded, refuses a migration without down before touching anything, and a
# failing down keeps what was already reverted reverted.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
migration 1 no_down "CREATE TABLE one (id int);"
migration 2 noop_down "CREATE TABLE two (id int);" ""
migration 3 bad_down "CREATE TABLE three (id int);" "DROP TABLE three; SELECT 1/0;"
migration 4 good "CREATE TABLE four (id int);" "DROP TABLE four;"
run "$AGENTPG" migrate
expect_code 0

run "$AGENTPG" rollback
expect_code 8
expect_err "refused to roll back 1 migration of database $db without confirmation"
expect_err "pass --yes"
run "$AGENTPG" --environment production --yes rollback
expect_code 8
expect_err "in the production environment"

run "$AGENTPG" --yes rollback --to base
expect_code 5
expect_err "1_no_down.sql: has no down section, so it cannot be rolled back (nothing was rolled back)"
[ "$(sql_value "$db" "select count(*) from agentpg.schema_migrations")" = 4 ] || fail "something was rolled back"

run "$AGENTPG" --yes rollback --steps 3
expect_code 4
expect_err "rollback of 3_bad_down failed and was rolled back"
expect_err "migrations/3_bad_down.sql:4:19: ERROR 22012: division by zero"
[ "$(sql_value "$db" "select string_agg(version, ',' order by version) from agentpg.schema_migrations")" = "1,2,3" ] ||
  fail "4 should be reverted, 3 still applied"
[ "$(sql_value "$db" "select to_regclass('public.three') is not null and to_regclass('public.four') is null")" = t ] ||
  fail "catalog after failed rollback"

migration 3 bad_down "CREATE TABLE three (id int);" "DROP TABLE three;"
run "$AGENTPG" --allow-drift --yes --environment production --allow-production rollback --to 1
expect_code 0
expect_out "reverted 2 migrations (3 -> 1)"
[ "$(sql_value "$db" "select to_regclass('public.two') is not null")" = t ] || fail "the empty down should leave two"
