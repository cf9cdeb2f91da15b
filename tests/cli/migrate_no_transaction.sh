# transaction:false: three CREATE INDEX CONCURRENTLY work; a failure is recorded with its
# statement, migrate refuses to go on and says how to resolve it; --resume finishes it.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
migration 1 table "CREATE TABLE t (a int, b int, c int);"
migration 2 indexes "CREATE INDEX CONCURRENTLY t_a ON t (a);
CREATE INDEX CONCURRENTLY t_b ON t (b);
CREATE INDEX CONCURRENTLY t_c ON t (c);" "DROP INDEX CONCURRENTLY t_a; DROP INDEX CONCURRENTLY t_b; DROP INDEX CONCURRENTLY t_c;" "transaction:false"
run "$AGENTPG" migrate
expect_code 0
[ "$(sql_value "$db" "select count(*) from pg_indexes where tablename = 't'")" = 3 ] || fail "indexes missing"

migration 3 enum "CREATE TYPE mood AS ENUM ('ok');
ALTER TYPE mood ADD VALUE 'good';
CREATE INDEX CONCURRENTLY t_missing ON t (no_such_column);
ALTER TYPE mood ADD VALUE 'great';" "" "transaction:false"
migration 4 after "CREATE TABLE after_three (id int);"
run "$AGENTPG" migrate
expect_code 4
expect_err "migration of 3_enum failed at statement 3 (statements 1 to 2 took effect"
expect_err "migrations/3_enum.sql:4:1: ERROR 42703: column \"no_such_column\" does not exist"
expect_err "'agentpg migrate --resume' runs it again from statement 3"
[ "$(sql_value "$db" "select status || ':' || failed_statement from agentpg.schema_migrations where version = '3'")" = "failed:3" ] ||
  fail "failure not recorded"

run "$AGENTPG" migrate
expect_code 5
expect_err "migration migrations/3_enum.sql failed at statement 3 of its up section, which does not run in one transaction"
expect_err "'agentpg migrate --resume'"
expect_err "'agentpg migrate --forget-failed'"
run "$AGENTPG" status
expect_out "failed   3"
run "$AGENTPG" check
expect_code 5

# Fix the file and resume from the failed statement: the first two are not run again.
migration 3 enum "CREATE TYPE mood AS ENUM ('ok');
ALTER TYPE mood ADD VALUE 'good';
CREATE INDEX CONCURRENTLY t_c2 ON t (c);
ALTER TYPE mood ADD VALUE 'great';" "" "transaction:false"
run "$AGENTPG" migrate --resume
expect_code 0
expect_out "resuming"
expect_out "applied 2 migrations (2 -> 4)"
[ "$(sql_value "$db" "select string_agg(e::text, ',' order by e) from unnest(enum_range(null::mood)) e")" = "ok,good,great" ] ||
  fail "enum values wrong"
[ "$(sql_value "$db" "select string_agg(status, ',' order by version) from agentpg.schema_migrations")" = "applied,applied,applied,applied" ] ||
  fail "history wrong after resume"
