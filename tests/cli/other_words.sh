# Other tools' words: dbmate/golang-migrate/Alembic/Flyway aliases run the same command
# (up = migrate, down = rollback one, current/history/info = status, create/drop = create-db/
# drop-db, generate/revision = new, wait, Flyway's repair = accept); words that mean something else point to the right
# command (exit 2); unknown words keep a sensible suggestion; dbmate's db/migrations is found.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
migration 1 one "CREATE TABLE one (id int);" "DROP TABLE one;"
migration 2 two "CREATE TABLE two (id int);" "DROP TABLE two;"

run "$AGENTPG" up
expect_code 0
[ "$(sql_value "$db" "SELECT count(*) FROM agentpg.schema_migrations")" = 2 ] || fail "up did not migrate"
for word in current history info; do
  run "$AGENTPG" "$word"
  expect_code 0
  expect_out "current version: 2"
done
run "$AGENTPG" down --yes
expect_code 0
[ "$(sql_value "$db" "SELECT to_regclass('two') IS NULL AND to_regclass('one') IS NOT NULL")" = t ] ||
  fail "down did not revert exactly one migration"
run "$AGENTPG" generate add_three
expect_code 0
ls migrations/*_add_three.sql >/dev/null || fail "generate wrote no migration"
run "$AGENTPG" revision add_four
expect_code 0
ls migrations/*_add_four.sql >/dev/null || fail "revision wrote no migration"

# repair (Flyway) is accept: an unchanged migration needs nothing.
run "$AGENTPG" repair 1 --dry-run
expect_code 0
expect_out "-- nothing to do"

# create / drop on a database of their own.
other="${db}_x"
forget_db_later "$other"
run "$AGENTPG" --database-url "$(db_url "$other")" create
expect_code 0
[ "$(sql_value postgres "SELECT count(*) FROM pg_database WHERE datname = '$other'")" = 1 ] || fail "create made no database"
run "$AGENTPG" --database-url "$(db_url "$other")" drop --yes
expect_code 0
[ "$(sql_value postgres "SELECT count(*) FROM pg_database WHERE datname = '$other'")" = 0 ] || fail "drop left the database"

# wait: 0 when the server accepts logins, 3 when nothing listens.
run "$AGENTPG" wait 5
expect_code 0
expect_out "ready: "
run "$AGENTPG" --connect-timeout 1 --database-url "postgresql://postgres@127.0.0.1:1/x" wait 1
expect_code 3
run "$AGENTPG" wait soon
expect_code 2

pointer() { # pointer WORD TEXT: exit 2 with TEXT in the hint, nothing run
  run "$AGENTPG" "$@"
  expect_code 2
}
# dump, load and verify are commands of their own (schema_file.sh, verify.sh): verify
# takes no file.
run "$AGENTPG" verify backups/x.dump; expect_code 2
pointer clean; expect_err "refused"; expect_err "agentpg drop-db"; expect_err "rollback --to base"
[ "$(sql_value "$db" "SELECT to_regclass('one') IS NOT NULL")" = t ] || fail "a pointer changed the database"

# Typos keep a suggestion, from the aliases too; a word like nothing gets none.
run "$AGENTPG" histroy
expect_code 2; expect_err "did you mean 'agentpg history'?"
run "$AGENTPG" frobnicate
expect_code 2; expect_no "did you mean"

# A dbmate project: db/migrations when migrations/ does not exist; said once, on stderr.
mkdir -p "$WORK/dbmate/db/migrations" && cd "$WORK/dbmate"
printf -- '-- migrate:up\nCREATE TABLE dbmate_t (id int);\n\n-- migrate:down\nDROP TABLE dbmate_t;\n' \
  >db/migrations/20240101000000_create_t.sql
db2=$(new_db)
run "$AGENTPG" --database-url "$(db_url "$db2")" migrate
expect_code 0
expect_err "using dbmate's db/migrations"
[ "$(grep -c "db/migrations" "$WORK/err")" = 1 ] || fail "the notice is not said once"
[ "$(sql_value "$db2" "SELECT to_regclass('dbmate_t') IS NOT NULL")" = t ] || fail "db/migrations not applied"
run "$AGENTPG" --database-url "$(db_url "$db2")" --json status
expect_json
mkdir migrations
run "$AGENTPG" --database-url "$(db_url "$db2")" status
expect_no "dbmate"
