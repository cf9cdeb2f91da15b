# A waiter names the lock holder once and gives up after --lock-timeout (exit 6);
# migration_lock_timeout makes DDL on a busy table fail fast.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
migration 1 busy "CREATE TABLE busy (id int);"
run "$AGENTPG" migrate
expect_code 0

key=$((0x6167656e74706721))
psql -X "$(db_url "$db")" -c "set application_name = 'holder'" -c "select pg_advisory_lock($key)" -c "select pg_sleep(20)" >/dev/null 2>&1 &
holder=$!
trap 'kill $holder 2>/dev/null || true; cleanup' EXIT
wait_for "$db" "select count(*) = 1 from pg_locks where locktype = 'advisory' and granted"
migration 2 more "CREATE TABLE more (id int);"
start=$(date +%s)
run "$AGENTPG" --lock-timeout 2 migrate
expect_code 6
expect_err "waiting for the migration lock, held by pid"
expect_err "(holder, local socket)"
expect_err "gave up after 2 s waiting for the migration lock"
[ "$(grep -c "agentpg: waiting for the migration lock" "$WORK/err")" = 1 ] || fail "the waiter repeated itself"
[ $(( $(date +%s) - start )) -le 5 ] || fail "lock timeout not honoured"
sql_value "$db" "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'holder'" >/dev/null
wait $holder 2>/dev/null || true

# A session keeps the table busy; the migration gives up after 1 s instead of queueing.
psql -X "$(db_url "$db")" -c "begin" -c "lock table busy in access share mode" -c "select pg_sleep(20)" >/dev/null 2>&1 &
holder=$!
wait_for "$db" "select count(*) >= 1 from pg_locks where relation = 'busy'::regclass and granted"
migration 2 more "ALTER TABLE busy ADD COLUMN x int;"
start=$(date +%s)
run "$AGENTPG" --migration-lock-timeout 1 migrate
expect_code 4
expect_err "ERROR 55P03: canceling statement due to lock timeout"
[ $(( $(date +%s) - start )) -le 5 ] || fail "migration_lock_timeout not honoured"
