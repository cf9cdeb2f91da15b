# agentpg killed while a transaction:false statement runs: the server finishes the
# statement anyway. Its outcome is called unknown (never assumed), the lock wait says what
# the old session still runs, and --resume-from lets the user say where to go on.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
migration 1 table "CREATE TABLE t (id int);"
migration 2 rows "INSERT INTO t VALUES (1);
INSERT INTO t SELECT 2 FROM pg_sleep(3);
INSERT INTO t VALUES (3);" "" "transaction:false"

"$AGENTPG" migrate >"$WORK/kill.out" 2>&1 &
victim=$!
wait_for "$db" "select count(*) = 1 from pg_stat_activity where datname = current_database() and query like '%pg_sleep(3)%' and pid <> pg_backend_pid()"
kill -9 "$victim"
wait "$victim" 2>/dev/null || true
# While the old backend still runs statement 2 it holds the lock: the wait names it.
run "$AGENTPG" --lock-timeout 1 migrate
expect_code 6
expect_err "running: INSERT INTO t SELECT 2 FROM pg_sleep(3)"
wait_for "$db" "select count(*) = 0 from pg_stat_activity where datname = current_database() and query like '%pg_sleep(3)%' and pid <> pg_backend_pid()"
[ "$(sql_value "$db" "select string_agg(id::text, ',' order by id) from t")" = "1,2" ] ||
  fail "the server was expected to finish statement 2"
[ "$(sql_value "$db" "select status || ':' || failed_statement from agentpg.schema_migrations where version = '2'")" = running:2 ] ||
  fail "history after the kill"

run "$AGENTPG" migrate
expect_code 5
expect_err "was interrupted while statement 2 of its up section ran"
expect_err "whether statement 2 did is unknown"
expect_err "statement 2: INSERT INTO t SELECT 2 FROM pg_sleep(3);"
expect_err "'agentpg migrate --resume-from 3' if it did"
# --resume alone does not guess.
run "$AGENTPG" migrate --resume
expect_code 5
expect_err "whether statement 2 did is unknown"
run "$AGENTPG" status
expect_out "(interrupted at statement 2)"
run "$AGENTPG" --json status
[ "$(json_get 'd["migrations"][1]["outcome_unknown"]')" = True ] || fail "status --json: $(out)"
run "$AGENTPG" migrate --resume-from 9
expect_code 2
expect_err "2_rows has 3 statements in its up section: resume from 1 to 4"
# It did take effect: go on after it. Row 2 exists once.
run "$AGENTPG" migrate --resume-from 3
expect_code 0
expect_out "applied 1 migration (1 -> 2)"
[ "$(sql_value "$db" "select string_agg(id::text, ',' order by id) from t")" = "1,2,3" ] || fail "rows after resume"
[ "$(sql_value "$db" "select string_agg(version || status, ',' order by version) from agentpg.schema_migrations")" = \
  "1applied,2applied" ] || fail "history after resume"
