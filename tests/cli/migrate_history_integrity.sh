# The history is written only as parameters and every write is checked: a crafted file
# name cannot inject SQL, a role without the rights is told before anything runs, a
# session a migration left read-only cannot make agentpg lie. Also: files with a NUL byte
# are refused, init reads the files before it creates anything, multi-line details are
# indented.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
history() { sql_value "$db" "select coalesce(string_agg(version || ':' || status, ',' order by version), '') from agentpg.schema_migrations"; }

# A file name made to break out of a string literal when backslashes escape quotes.
mkdir -p migrations
name="x\\', now()); DROP TABLE agentpg.schema_migrations; --"
printf -- '-- migrate:up\nCREATE TABLE injected(x int);\n' >"migrations/1_$name.sql"
run "$AGENTPG" --database-url "$(db_url "$db")&options=-c%20standard_conforming_strings%3Doff" migrate
expect_code 0
[ "$(history)" = "1:applied" ] || fail "history: $(history)"
[ "$(sql_value "$db" "select name from agentpg.schema_migrations")" = "$name" ] || fail "name not stored as written"

# A role that may read and insert but not update or delete the history: told before
# anything runs, nothing applied.
psql_admin -c "DROP ROLE IF EXISTS apg_limited" -c "CREATE ROLE apg_limited LOGIN" >/dev/null
forget_role() { psql_admin -c "DROP OWNED BY apg_limited" -c "DROP ROLE IF EXISTS apg_limited" >/dev/null 2>&1 || true; }
trap 'forget_role; cleanup' EXIT
sql_value "$db" "GRANT USAGE ON SCHEMA agentpg TO apg_limited; GRANT SELECT, INSERT ON agentpg.schema_migrations TO apg_limited; GRANT CREATE ON SCHEMA public TO apg_limited" >/dev/null
limited_url="postgresql://apg_limited@/$db?host=$CLUSTER_SOCKET&port=$CLUSTER_PORT"
migration 2 ntx "CREATE TABLE ntx_one (id int);
CREATE TABLE ntx_two (id int);" "" "transaction:false"
run "$AGENTPG" --database-url "$limited_url" migrate
expect_code 4
expect_err "the user apg_limited may not UPDATE and DELETE agentpg.schema_migrations: nothing was run"
[ "$(sql_value "$db" "select to_regclass('public.ntx_one') is null")" = t ] || fail "a statement ran without the rights"
[ "$(history)" = "1:applied" ] || fail "history: $(history)"
rm migrations/2_ntx.sql

# A transaction:false section that leaves the session read-only: its history is still
# written (its own read-write transaction), and the next migration fails honestly.
migration 3 readonly "CREATE TABLE ro_one (id int);
SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY;" "" "transaction:false"
migration 4 after "CREATE TABLE after_ro (id int);"
run "$AGENTPG" migrate
expect_code 4
expect_out "applied  3_readonly"
expect_err "migration of 4_after failed and was rolled back"
expect_err "ERROR 25006"
[ "$(history)" = "1:applied,3:applied" ] || fail "history: $(history)"
run "$AGENTPG" migrate
expect_code 0
[ "$(history)" = "1:applied,3:applied,4:applied" ] || fail "history: $(history)"

# A NUL byte: refused with file and line, nothing runs.
printf -- '-- migrate:up\nCREATE TABLE nul1(x int);\n\0CREATE TABLE nul2(x int);\n' >migrations/5_nul.sql
run "$AGENTPG" migrate
expect_code 5
expect_err "migrations/5_nul.sql:3: the file contains a NUL byte (SQL after it would never run)"
[ "$(sql_value "$db" "select to_regclass('public.nul1') is null")" = t ] || fail "nul1 applied"
rm migrations/5_nul.sql

# COPY ... FROM STDIN with inline rows (psql's feature): a clear error in either mode,
# never a hang or a broken connection; nothing of it stays.
for mode in "" "transaction:false"; do
  printf -- '-- migrate:up %s\nCREATE TABLE copied (a int, b text);\nCOPY copied FROM stdin;\n1\tx\n\\.\n' "$mode" \
    >migrations/5_copy.sql
  run timeout 30 "$AGENTPG" migrate
  expect_code 4
  expect_err "COPY from stdin failed: agentpg sends no COPY data"
  expect_err "migrations/5_copy.sql:3:1"
  if [ -z "$mode" ]; then
    [ "$(sql_value "$db" "select to_regclass('public.copied') is null")" = t ] || fail "copied rolled back"
  else
    # Statement 1 took effect: undo it by hand, then forget the failure.
    sql_value "$db" "DROP TABLE copied" >/dev/null
    rm migrations/5_copy.sql
    run "$AGENTPG" migrate --forget-failed
    expect_code 0
    expect_out "forgot the failed migration 5"
  fi
done

# A multi-line DETAIL keeps its lines indented under the error.
migration 6 detail "DO \$\$ BEGIN RAISE EXCEPTION 'boom' USING DETAIL = E'first line\nsecond line'; END \$\$;"
run "$AGENTPG" migrate
expect_code 4
expect_err "  DETAIL: first line"
expect_err "    second line"
rm migrations/6_detail.sql

# init reads and checks the migration files before it creates the database.
fresh="t_${SCENARIO}_$$_fresh"
forget_db_later "$fresh"
printf -- 'CREATE TABLE before_marker(x int);\n-- migrate:up\n' >migrations/7_bad.sql
run "$AGENTPG" --database-url "$(db_url "$fresh")" init
expect_code 5
expect_err "migrations/7_bad.sql:1: SQL before '-- migrate:up'"
[ "$(psql_admin -A -t -c "select count(*) from pg_database where datname = '$fresh'")" = 0 ] ||
  fail "init created the database before checking the files"
