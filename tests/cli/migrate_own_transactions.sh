# Files that carry their own BEGIN/COMMIT (golang-migrate style) run as their transaction
# control says, are recorded exactly once (the row commits in the file's last
# transaction), and a failure names what committed: never "nothing was applied".
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
history() { sql_value "$db" "select coalesce(string_agg(version || ':' || status || ':' || coalesce(failed_statement::text, '-'), ',' order by version), '') from agentpg.schema_migrations"; }

# The file that used to be reported "rolled back, nothing applied" while a1 existed.
mkdir -p migrations
printf -- '-- migrate:up\nBEGIN;\nCREATE TABLE a1(x int);\nCOMMIT;\nCREATE TABLE a1(x int);\n-- migrate:down\nDROP TABLE a1;\n' \
  >migrations/1_own.sql
run "$AGENTPG" status
expect_out "own (own BEGIN/COMMIT)"
run "$AGENTPG" --json status
[ "$(json_get 'd["migrations"][0]["transactions"]')" = own ] || fail "status --json: $(out)"
run "$AGENTPG" migrate --dry-run
expect_code 0
expect_out "-- migrations/1_own.sql (up, its own BEGIN/COMMIT)"
run "$AGENTPG" migrate
expect_code 4
expect_err "migration of 1_own failed at statement 4 (statements 1 to 3 took effect)"
expect_err "migrations/1_own.sql:5:1: ERROR 42P07"
expect_no "nothing of this migration was applied"
[ "$(sql_value "$db" "select to_regclass('public.a1') is not null")" = t ] || fail "a1 should exist: it committed"
[ "$(history)" = "1:failed:4" ] || fail "history after the failure: $(history)"
# Resume after the committed part: statement 4 again, now fixed.
printf -- '-- migrate:up\nBEGIN;\nCREATE TABLE a1(x int);\nCOMMIT;\nCREATE TABLE a2(x int);\n-- migrate:down\nDROP TABLE a1, a2;\n' \
  >migrations/1_own.sql
run "$AGENTPG" migrate --resume
expect_code 0
[ "$(history)" = "1:applied:-" ] || fail "history after resume: $(history)"

# Two transactions of its own, the history row inside the last one; a failure in the
# second rolls back that transaction only, and names it.
printf -- '-- migrate:up\nBEGIN;\nCREATE TABLE b1(x int);\nCOMMIT;\nBEGIN;\nCREATE TABLE b2(x int);\nINSERT INTO b2 VALUES (1/0);\nCOMMIT;\n' \
  >migrations/2_two_blocks.sql
run "$AGENTPG" migrate
expect_code 4
expect_err "migration of 2_two_blocks failed at statement 6 (the transaction it began at statement 4 (line 5) was rolled back; statements 1 to 3 took effect)"
[ "$(sql_value "$db" "select to_regclass('public.b1') is not null and to_regclass('public.b2') is null")" = t ] ||
  fail "b1 committed, b2 rolled back"
[ "$(history)" = "1:applied:-,2:failed:4" ] || fail "a failure in a block resumes from its BEGIN: $(history)"
sed -i 's|1/0|1|' migrations/2_two_blocks.sql
run "$AGENTPG" migrate --resume
expect_code 0
[ "$(history)" = "1:applied:-,2:applied:-" ] || fail "history after resume: $(history)"
[ "$(sql_value "$db" "select count(*) from b2")" = 1 ] || fail "b2 row"

# The finishing history write commits with the file's last transaction: killed between
# the statements of that transaction, nothing of it and no 'applied' row remain.
printf -- '-- migrate:up\nBEGIN;\nCREATE TABLE c1(x int);\nSELECT pg_sleep(30);\nCOMMIT;\n' >migrations/3_sleepy.sql
"$AGENTPG" migrate >"$WORK/kill.out" 2>&1 &
victim=$!
wait_for "$db" "select count(*) = 1 from pg_stat_activity where datname = current_database() and query like '%pg_sleep(30)%' and pid <> pg_backend_pid()"
kill -9 "$victim"
wait "$victim" 2>/dev/null || true
psql_admin -c "select pg_terminate_backend(pid) from pg_stat_activity where datname = '$db' and query like '%pg_sleep(30)%' and pid <> pg_backend_pid()" >/dev/null
wait_for "$db" "select count(*) = 0 from pg_stat_activity where datname = current_database() and query like '%pg_sleep(30)%' and pid <> pg_backend_pid()"
[ "$(sql_value "$db" "select to_regclass('public.c1') is null")" = t ] || fail "c1 must be rolled back"
[ "$(history)" = "1:applied:-,2:applied:-,3:running:1" ] || fail "history after the kill: $(history)"
run "$AGENTPG" migrate
expect_code 5
expect_err "was interrupted while statement 1 of its up section ran"
sed -i 's|pg_sleep(30)|pg_sleep(0)|' migrations/3_sleepy.sql
run "$AGENTPG" migrate --resume-from 1
expect_code 0
[ "$(history)" = "1:applied:-,2:applied:-,3:applied:-" ] || fail "history after resume: $(history)"

# A transaction the file never commits is refused before anything runs.
printf -- '-- migrate:up\nCREATE TABLE d0(x int);\nBEGIN;\nCREATE TABLE d1(x int);\n' >migrations/4_open.sql
run "$AGENTPG" migrate
expect_code 5
expect_err "migrations/4_open.sql:3: the transaction begun here is never committed (nothing was run)"
[ "$(sql_value "$db" "select to_regclass('public.d0') is null")" = t ] || fail "nothing should have run"
rm migrations/4_open.sql

# Rolled back as its down section says: a down with its own transaction.
printf -- '-- migrate:up\nCREATE TABLE e1(x int);\n-- migrate:down\nBEGIN;\nDROP TABLE e1;\nCOMMIT;\n' >migrations/5_down_own.sql
run "$AGENTPG" migrate
expect_code 0
run "$AGENTPG" --yes rollback
expect_code 0
expect_out "reverted 1 migration (5 -> 3)"
[ "$(sql_value "$db" "select to_regclass('public.e1') is null")" = t ] || fail "e1 dropped"
[ "$(history)" = "1:applied:-,2:applied:-,3:applied:-" ] || fail "history after the rollback: $(history)"
