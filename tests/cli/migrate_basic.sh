# migrate, status, check, rollback, new and --dry-run on a plain dbmate-style folder.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
migration 20240101000001 create_agents "CREATE TABLE agents (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text UNIQUE);" "DROP TABLE agents;"
migration 20240101000002 seed_agent "INSERT INTO agents (name) VALUES ('a;b');" "DELETE FROM agents;"

run "$AGENTPG" status --exit-code
expect_code 1
expect_out "pending  20240101000001  -       create_agents"
# Configured through libpq's PG* variables alone, the header names what libpq resolved.
run env -u DATABASE_URL PGHOST="$CLUSTER_SOCKET" PGPORT="$CLUSTER_PORT" PGUSER=postgres PGDATABASE="$db" \
  "$AGENTPG" status
expect_code 0
expect_out "postgresql://postgres@/$db?host=$CLUSTER_SOCKET&port=$CLUSTER_PORT"
run env -u DATABASE_URL PGHOST="$CLUSTER_SOCKET" PGPORT="$CLUSTER_PORT" PGUSER=postgres PGDATABASE="$db" \
  "$AGENTPG" check
expect_out "connected to postgresql://postgres@/$db?host=$CLUSTER_SOCKET&port=$CLUSTER_PORT"
# The postgres image's POSTGRES_* (the AI-First platform's .env) when no URL is given; a
# PG* variable wins over its POSTGRES_* twin.
run env -u DATABASE_URL POSTGRES_HOST="$CLUSTER_SOCKET" POSTGRES_PORT="$CLUSTER_PORT" POSTGRES_USER=postgres \
  POSTGRES_DB="$db" POSTGRES_PASSWORD=not-needed "$AGENTPG" status
expect_code 0
expect_out "postgresql://postgres:***@/$db?host=$CLUSTER_SOCKET&port=$CLUSTER_PORT"
expect_no "not-needed"
run env -u DATABASE_URL POSTGRES_HOST="$CLUSTER_SOCKET" POSTGRES_PORT="$CLUSTER_PORT" POSTGRES_USER=postgres \
  POSTGRES_DB=no_such_db PGDATABASE="$db" "$AGENTPG" status
expect_code 0
expect_out "postgresql://postgres@/$db?host=$CLUSTER_SOCKET&port=$CLUSTER_PORT"
# Agent Agency's DB_MIGRATION_PATH names the migrations folder.
mkdir -p "$WORK/elsewhere" && cp -r migrations "$WORK/elsewhere/db_migrations"
(cd "$WORK/elsewhere" && env DB_MIGRATION_PATH=./db_migrations "$AGENTPG" --json status >"$WORK/out")
[ "$(json_get '[m["file"] for m in d["migrations"]][0]')" = "./db_migrations/20240101000001_create_agents.sql" ] ||
  fail "DB_MIGRATION_PATH was not used: $(out)"
run "$AGENTPG" check
expect_code 7
expect_err "run 'agentpg migrate' (exit 7)"

# --dry-run prints every statement, history writes included, and changes nothing.
before=$(sql_value "$db" "select count(*) from pg_class")
run "$AGENTPG" migrate --dry-run
expect_code 0
expect_out "CREATE TABLE IF NOT EXISTS agentpg.schema_migrations"
expect_out "CREATE TABLE agents (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text UNIQUE);"
expect_out "INSERT INTO agentpg.schema_migrations (version, name, module, checksum, up_sql, up_transactional, down_sql, down_transactional, execution_ms) VALUES ('20240101000002', 'seed_agent', '', '"
[ "$(sql_value "$db" "select count(*) from pg_class")" = "$before" ] || fail "--dry-run changed the catalog"
[ "$(sql_value "$db" "select count(*) from pg_namespace where nspname = 'agentpg'")" = 0 ] || fail "dry run made the schema"

run "$AGENTPG" migrate
expect_code 0
expect_out "applied 2 migrations (empty -> 20240101000002)"
[ "$(sql_value "$db" "select name from agents")" = "a;b" ] || fail "data missing"
[ "$(sql_value "$db" "select string_agg(version || ':' || status, ',' order by version) from agentpg.schema_migrations")" = \
  "20240101000001:applied,20240101000002:applied" ] || fail "history wrong"

run "$AGENTPG" migrate
expect_code 0
expect_out "nothing to migrate: the schema is at 20240101000002"
# With nothing to do, one read of the history tells so, without the lock, after the one
# query that tells a transaction pooler from the server itself (the server log shows every
# statement of that run).
psql_admin -c "ALTER DATABASE \"$db\" SET log_statement = 'all'"
log=$AGENTPG_TEST_CLUSTER/postgres.log
lines=$(wc -l <"$log")
run "$AGENTPG" migrate
expect_code 0
sleep 0.2
statements=$(tail -n +"$((lines + 1))" "$log" | grep -E "(statement|execute <unnamed>): " || true)
grep -q "execution_ms" <<<"$statements" || fail "no history read in the server log: $statements"
! grep -q "advisory_lock" <<<"$statements" || fail "the no-op took the lock: $statements"
grep -q "SELECT pg_catalog.pg_backend_pid()" <<<"$statements" || fail "no pooler check in the server log: $statements"
[ "$(grep -c . <<<"$statements")" = 2 ] || fail "more than the pooler check and one history read for a no-op: $statements"
psql_admin -c "ALTER DATABASE \"$db\" RESET log_statement"
run "$AGENTPG" check
expect_code 0
run "$AGENTPG" --json status
expect_code 0
[ "$(json_get 'd["current_version"], d["counts"]["applied"], d["migrations"][0]["state"]')" = "('20240101000002', 2, 'applied')" ] ||
  fail "status JSON: $(out)"

run "$AGENTPG" --json migrate --to 20240101000001
expect_code 0
[ "$(json_get 'len(d["applied"])')" = 0 ] || fail "--to applied something"

run "$AGENTPG" --yes rollback --dry-run
expect_code 0
expect_out "DELETE FROM agents;"
expect_out "DELETE FROM agentpg.schema_migrations WHERE version = '20240101000002'"
[ "$(sql_value "$db" "select count(*) from agents")" = 1 ] || fail "rollback --dry-run changed data"

run "$AGENTPG" --yes rollback --to base
expect_code 0
expect_out "reverted 2 migrations (20240101000002 -> empty)"
[ "$(sql_value "$db" "select count(*) from agentpg.schema_migrations")" = 0 ] || fail "history not empty"
[ "$(sql_value "$db" "select to_regclass('public.agents') is null")" = t ] || fail "agents table left behind"

run "$AGENTPG" new "../Bad-Name"
expect_code 2
expect_err "migration name '../Bad-Name' holds a path separator"
run "$AGENTPG" new add_tasks --module core
expect_code 0
ls migrations/core/*_add_tasks.sql >/dev/null || fail "new wrote no file"
run "$AGENTPG" new add_more --module core
ls migrations/core/*_add_tasks.sql migrations/core/*_add_more.sql | sed 's/.*\///; s/_.*//' | sort -u | wc -l | grep -qx 2 ||
  fail "two new files share a version"

# A malformed file is reported before a server that cannot be reached.
mkdir -p broken && printf 'SELECT 1;\n' >broken/1_broken.sql
for command in migrate status "--yes rollback"; do
  # shellcheck disable=SC2086  # the command's words
  run "$AGENTPG" --database-url "postgresql://u@127.0.0.1:1/x?connect_timeout=2" --migrations-dir broken $command
  expect_code 5
  expect_err "broken/1_broken.sql:1: SQL before '-- migrate:up'"
done

# A file that cannot be read says why.
run "$AGENTPG" --config broken status
expect_code 2
expect_err "agentpg: error: cannot read broken: is a directory"
if [ "$(id -u)" != 0 ]; then  # root reads a file whatever its mode
  chmod 000 broken/1_broken.sql
  run "$AGENTPG" --migrations-dir broken status
  expect_code 5
  expect_err "agentpg: error: cannot read broken/1_broken.sql: permission denied"
fi
