# Eight processes run migrate (then init) at once: all exit 0, each migration applied once.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
migration 1 counter "CREATE TABLE applied (version int);"
for v in $(seq 2 12); do
  migration "$v" "step$v" "INSERT INTO applied VALUES ($v); SELECT pg_sleep(0.02);"
done

race() {
  local pids=()
  for i in $(seq 8); do
    "$AGENTPG" "$@" >"$WORK/race$i.out" 2>"$WORK/race$i.err" &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || { cat "$WORK/race$((i + 1)).err" >&2; fail "process $((i + 1)) of '$*' failed"; }
  done
}
race migrate
[ "$(sql_value "$db" "select count(*), count(distinct version) from applied")" = "11|11" ] || fail "applied twice or not at all"
[ "$(sql_value "$db" "select count(*), count(distinct version) from agentpg.schema_migrations")" = "12|12" ] ||
  fail "history has duplicates"
grep -h "waiting for the migration lock, held by pid" "$WORK"/race*.err >/dev/null || fail "no waiter said who holds the lock"
for f in "$WORK"/race*.err; do
  [ "$(grep -c "waiting for the migration lock" "$f" || true)" -le 1 ] || fail "a waiter repeated itself"
done

# init on a database that does not exist yet, eight at once.
export DATABASE_URL=$(db_url "${db}_init")
forget_db_later "${db}_init"
race init
[ "$(sql_value "${db}_init" "select count(*), count(distinct version) from applied")" = "11|11" ] || fail "init applied twice"
run "$AGENTPG" init
expect_code 0
expect_out "schema at 12: nothing to migrate"
