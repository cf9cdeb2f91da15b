# The 3rd of 5 migrations fails: the first two stay, nothing of the 3rd remains, exit 4,
# and stderr names file:line:column, SQLSTATE, message, detail and hint.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
migration 1 one "CREATE TABLE one (id int PRIMARY KEY);"
migration 2 two "CREATE TABLE two (id int PRIMARY KEY);"
migration 3 three "CREATE TABLE three (id int PRIMARY KEY);
INSERT INTO three VALUES (1);
-- the next statement violates the primary key
INSERT INTO three VALUES (2),
  (1);"
migration 4 four "CREATE TABLE four (id int);"
migration 5 five "SELECT * FROM no_such_table;"

run "$AGENTPG" migrate
expect_code 4
expect_err "migration of 3_three failed and was rolled back"
expect_err "migrations/3_three.sql:5:1: ERROR 23505: duplicate key value violates unique constraint \"three_pkey\""
expect_err "DETAIL: Key (id)=(1) already exists."
expect_err "hint: nothing of this migration was applied"
[ "$(sql_value "$db" "select string_agg(version, ',' order by version) from agentpg.schema_migrations")" = "1,2" ] ||
  fail "history should hold 1,2"
[ "$(sql_value "$db" "select to_regclass('public.three') is null and to_regclass('public.four') is null")" = t ] ||
  fail "parts of migration 3 or 4 exist"

# A position inside a statement maps to the line and column in the file; HINT is shown.
migration 3 three "CREATE TABLE three (id int PRIMARY KEY);
SELECT 1;
  SELECT nope FROM one;"
run "$AGENTPG" migrate
expect_code 4
expect_err "migrations/3_three.sql:4:10: ERROR 42703: column \"nope\" does not exist"
migration 3 three "CREATE TABLE three (id int PRIMARY KEY);"
migration 4 four "CREATE TABLE four (id int);
SELECT * FROM one WHERE id = 'x'::text;"
run "$AGENTPG" migrate
expect_code 4
expect_err "migrations/4_four.sql:3:28: ERROR 42883: operator does not exist: integer = text"
expect_err "HINT: No operator matches the given name and argument types."
[ "$(sql_value "$db" "select string_agg(version, ',' order by version) from agentpg.schema_migrations")" = "1,2,3" ] ||
  fail "history should hold 1,2,3"
