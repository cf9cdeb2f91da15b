# verify proves migrations reversible on a scratch database (up, down, up again, comparing
# schema dumps): a good migration passes; a down that forgets an index fails naming it; a
# down that drops too much fails naming what it dropped; the scratch database is gone
# afterwards, after a failure too; --pending checks only what the database lacks.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
scratch_left() { sql_value postgres "select count(*) from pg_database where datname ~ '^${db}_verify_'"; }

migration 1 good "CREATE TABLE a (id int PRIMARY KEY, name text); CREATE INDEX a_name ON a (name);" "DROP TABLE a;"
migration 2 more "CREATE TABLE b (id int REFERENCES a); CREATE TYPE mood AS ENUM ('ok');" "DROP TABLE b; DROP TYPE mood;"
run "$AGENTPG" verify
expect_code 0
expect_out "exact      1_good"
expect_out "exact      2_more"
expect_out "all 2 exact; the scratch database ${db}_verify_"
expect_out "was dropped"
[ "$(scratch_left)" = 0 ] || fail "the scratch database is left"
[ "$(sql_value "$db" "select count(*) from pg_tables where schemaname = 'public'")" = 0 ] || fail "verify touched the database"

# --pending: only what the configured database has not applied.
run "$AGENTPG" --no-schema-file migrate --to 1
expect_code 0
run "$AGENTPG" verify --pending
expect_code 0
expect_out "(1 applied before them unchecked)"
expect_out "exact      2_more"
expect_no "1_good"
run "$AGENTPG" --json verify --pending
expect_code 0
[ "$(json_get '[m["version"] for m in d["migrations"]]')" = "['2']" ] || fail "verify --pending --json: $(out)"
run "$AGENTPG" --no-schema-file migrate
run "$AGENTPG" verify --pending
expect_code 0
expect_out "nothing to verify: every migration is applied"

# A down that forgets an index.
migration 3 forgets "CREATE TABLE c (id int); CREATE INDEX a_lower_name ON a (lower(name));" "DROP TABLE c;"
run "$AGENTPG" verify
expect_code 1
expect_out "exact      2_more"
expect_out "NOT EXACT  3_forgets"
expect_out "INDEX public.a_lower_name: only in the schema after down"
expect_out "+CREATE INDEX a_lower_name ON public.a USING btree (lower(name));"
[ "$(scratch_left)" = 0 ] || fail "the scratch database is left after a failure"

# A down that drops too much.
rm migrations/3_forgets.sql
migration 3 greedy "CREATE TABLE c (id int);" "DROP TABLE c; DROP TABLE b;"
run "$AGENTPG" --json verify
expect_code 1
[ "$(json_get 'd["exact"]')" = False ] || fail "verify --json: $(out)"
[ "$(json_get '[o for m in d["migrations"] for p in m["problems"] if p["step"] == "down" for o in p["objects"]]')" = "['TABLE public.b: only in the schema before up', 'FK CONSTRAINT public.b b_id_fkey: only in the schema before up']" ] ||
  fail "the objects the greedy down dropped: $(out)"
[ "$(scratch_left)" = 0 ] || fail "the scratch database is left after a failure"

# A down that fails outright stops there, and the scratch database is dropped all the same.
rm migrations/3_greedy.sql
migration 3 broken "CREATE TABLE c (id int);" "DROP TABLE no_such_table;"
run "$AGENTPG" verify
expect_code 1
expect_out "NOT EXACT  3_broken"
expect_out "no_such_table"
[ "$(scratch_left)" = 0 ] || fail "the scratch database is left after a failed down"
