# SIGKILL in the middle of a long migration: nothing of it remains and the next
# migrate completes it.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
migration 1 first "CREATE TABLE first (id int);"
migration 2 slow "CREATE TABLE slow (id int); INSERT INTO slow VALUES (1); SELECT pg_sleep(3);"
migration 3 third "CREATE TABLE third (id int);"

"$AGENTPG" migrate >"$WORK/kill.out" 2>&1 &
victim=$!
wait_for "$db" "select count(*) = 1 from pg_stat_activity where datname = current_database() and query like '%pg_sleep(3)%' and pid <> pg_backend_pid()"
kill -9 "$victim"
wait "$victim" 2>/dev/null || true
[ "$(sql_value "$db" "select string_agg(version, ',') from agentpg.schema_migrations")" = "1" ] || fail "history after kill"

run "$AGENTPG" migrate
expect_code 0
expect_out "applied 2 migrations (1 -> 3)"
[ "$(sql_value "$db" "select count(*) from slow")" = 1 ] || fail "slow applied twice or not at all"
[ "$(sql_value "$db" "select string_agg(version || status, ',' order by version) from agentpg.schema_migrations")" = \
  "1applied,2applied,3applied" ] || fail "history inconsistent"
