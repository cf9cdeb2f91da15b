# Crash consistency: rounds of `agentpg migrate` or `agentpg rollback --steps N` on a
# private server, each ended at a random moment by SIGKILL of agentpg or by an immediate
# stop of the server (`pg_ctl -m immediate`, a crash); then the server is started again and
#   - every migration agentpg reported applied ("applied  <label>" lines, the summary) is
#     recorded once as applied, and every one it reported reverted is gone (durable once
#     reported);
#   - the history matches the catalog and the data: a transactional migration's table and
#     its row in `events` exist exactly when the history says applied; a transaction:false
#     one may be left 'running' or 'failed' (its statements are idempotent), else the same;
#   - `agentpg migrate`, followed by what its error says when a transaction:false migration
#     was interrupted, converges: exit 0, everything applied, each table and each row once.
# Then 40 small migrations, `agentpg migrate` exits 0 and the server is stopped immediately:
# all 40 must be in the history after the restart (three times).
# The rounds are drawn from a seed (CRASH_SEED to replay one), printed with every failure.
source "$(dirname "$0")/lib.sh"

SEED=${CRASH_SEED:-$(( $(date +%s%N) % 1000000 ))}
RANDOM=$SEED
ROUNDS=${CRASH_ROUNDS:-12}
echo "crash_consistency: seed $SEED, $ROUNDS rounds"

# The private server: stopping it affects no other scenario.
PRIV=$WORK/cluster
PGBIN=${AGENTPG_PG_BINDIR:-/usr/lib/postgresql/15/bin}
"$AGENTPG" --local-dir "$PRIV" local start >/dev/null 2>&1 || fail "cannot start the private server"
trap 'server_ctl -m immediate -s stop >/dev/null 2>&1 || true; cleanup' EXIT
PRIV_PORT=$(cat "$PRIV/port")
PRIV_SOCKET=$("$AGENTPG" --local-dir "$PRIV" --json local status |
              python3 -c 'import json,sys; print(json.load(sys.stdin)["socket_dir"])')
# server_ctl ARGS...: pg_ctl on the private data folder, as the account that owns it.
server_ctl() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$(stat -c %U "$PRIV/data")" -- "$PGBIN/pg_ctl" -D "$PRIV/data" "$@"
  else
    "$PGBIN/pg_ctl" -D "$PRIV/data" "$@"
  fi
}
crash_server() { server_ctl -m immediate -s -w stop >/dev/null; }
start_server() { server_ctl -l "$PRIV/postgres.log" -s -w -t 60 start >/dev/null; }
priv_url() { echo "postgresql://postgres@/$1?host=$PRIV_SOCKET&port=$PRIV_PORT"; }
priv_sql() { local db=$1; shift; psql -X -q -A -t -v ON_ERROR_STOP=1 "$(priv_url "$db")" "$@"; }
# Without fsync the server still writes its WAL to the kernel at each flush, and an
# immediate stop loses only what it had not written: the checks below mean the same, and
# the restarts (crash recovery ends with a checkpoint) take less time.
priv_sql postgres -c "ALTER SYSTEM SET fsync = off" -c "SELECT pg_reload_conf()" >/dev/null
echo "crash_consistency: private server up after $SECONDS s"

violations=()
round_context=""
# violation TEXT: records a broken invariant (with the round's context, once) and goes on.
violation() {
  if [ -n "$round_context" ]; then
    echo "--- $round_context" >&2
    echo "--- agentpg stdout:" >&2; cat "$WORK/round.out" >&2 2>/dev/null || true
    echo "--- agentpg stderr:" >&2; cat "$WORK/round.err" >&2 2>/dev/null || true
    round_context=""
  fi
  violations+=("[seed $SEED] $1")
  echo "VIOLATION [seed $SEED]: $1" >&2
}

# The migrations: 3 and 6 are transaction:false (idempotent statements, so that running an
# interrupted one again from its statement is safe), the others transactional. Every one
# makes table t<k> with two rows and adds k to events; the sleeps make kills land mid-run.
NTX="3 6"
is_ntx() { [[ " $NTX " == *" $1 "* ]]; }
mkdir -p "$WORK/migrations"
for k in 1 2 3 4 5 6 7 8; do
  sleep_s=0.0$((RANDOM % 6 + 3))
  if is_ntx "$k"; then
    cat >"$WORK/migrations/${k}_ntx$k.sql" <<SQL
-- migrate:up transaction:false
CREATE TABLE IF NOT EXISTS t$k (id int PRIMARY KEY);
SELECT pg_sleep($sleep_s);
INSERT INTO t$k VALUES (1) ON CONFLICT DO NOTHING;
DO \$\$ BEGIN CREATE TYPE mood$k AS ENUM ('ok'); EXCEPTION WHEN duplicate_object THEN NULL; END \$\$;
ALTER TYPE mood$k ADD VALUE IF NOT EXISTS 'good';
SELECT pg_sleep($sleep_s);
INSERT INTO t$k VALUES (2) ON CONFLICT DO NOTHING;
INSERT INTO events SELECT $k WHERE NOT EXISTS (SELECT 1 FROM events WHERE m = $k);
-- migrate:down transaction:false
DELETE FROM events WHERE m = $k;
SELECT pg_sleep($sleep_s);
DROP TABLE IF EXISTS t$k;
DROP TYPE IF EXISTS mood$k;
SQL
  else
    {
      echo "-- migrate:up"
      [ "$k" = 1 ] && echo "CREATE TABLE events (m int NOT NULL);"
      echo "CREATE TABLE t$k (id int);"
      echo "INSERT INTO t$k VALUES (1), (2);"
      echo "SELECT pg_sleep($sleep_s);"
      echo "INSERT INTO events VALUES ($k);"
      echo "-- migrate:down"
      echo "DELETE FROM events WHERE m = $k;"
      echo "SELECT pg_sleep($sleep_s);"
      echo "DROP TABLE t$k;"
      [ "$k" = 1 ] && echo "DROP TABLE events;"
    } >"$WORK/migrations/${k}_tx$k.sql"
  fi
done
ALL_APPLIED="1:applied 2:applied 3:applied 4:applied 5:applied 6:applied 7:applied 8:applied"

# snapshot DB: writes $WORK/snap: the history ("version:status ..." in version order, empty
# without a history table) on its first line, then one line per migration k:
# k|t<k> exists|rows in t<k>|rows of k in events|labels of type mood<k>.
snapshot() {
  priv_sql "$1" -c "select 'history ' || case when to_regclass('agentpg.schema_migrations') is null then '' else
      coalesce((xpath('/row/h/text()', query_to_xml('select string_agg(version || '':'' || status, '' ''
      order by version::int) as h from agentpg.schema_migrations where version ~ ''^[0-9]+\$''',
      false, true, '')))[1]::text, '') end" \
    -c "select k, to_regclass('public.t' || k) is not null,
      case when to_regclass('public.t' || k) is null then 0 else (xpath('/row/c/text()',
        query_to_xml(format('select count(*) as c from public.%I', 't' || k), false, true, '')))[1]::text::int end,
      case when to_regclass('public.events') is null then 0 else (xpath('/row/c/text()',
        query_to_xml(format('select count(*) as c from public.events where m = %s', k), false, true, '')))[1]::text::int end,
      (select string_agg(enumlabel, ',' order by enumsortorder) from pg_enum where enumtypid = to_regtype('public.mood' || k))
      from generate_series(1, 8) k order by k" >"$WORK/snap"
  SNAP_HISTORY=$(sed -n '1s/^history //p' "$WORK/snap")
}
status_of() {
  local w
  for w in $SNAP_HISTORY; do [ "${w%%:*}" = "$1" ] && echo "${w#*:}"; done
  return 0
}
version_count() { status_of "$1" | grep -c . || true; }

# check_consistent WHEN: in the last snapshot, the history agrees with the catalog and data.
check_consistent() {
  local when=$1 h=$SNAP_HISTORY k present rows events labels st
  while IFS='|' read -r k present rows events labels; do
    [ "$(version_count "$k")" -le 1 ] || violation "$when: version $k recorded more than once: $h"
    st=$(status_of "$k")
    if [ -n "$st" ] && [ "$st" != applied ] && is_ntx "$k"; then
      [[ "$st" == running || "$st" == failed ]] || violation "$when: version $k has status '$st'"
      continue
    fi
    if [ "$st" = applied ]; then
      [ "$present" = t ] && [ "$rows" = 2 ] && [ "$events" = 1 ] && { ! is_ntx "$k" || [ "$labels" = ok,good ]; } ||
        violation "$when: version $k recorded applied but t$k exists=$present rows=$rows events=$events type=$labels (history: $h)"
    elif [ -z "$st" ]; then
      [ "$present" = f ] && [ "$events" = 0 ] ||
        violation "$when: version $k not recorded but t$k exists=$present rows=$rows events=$events (history: $h)"
    else
      violation "$when: transactional version $k has status '$st' (history: $h)"
    fi
  done < <(sed 1d "$WORK/snap")
}

# check_reported: in the last snapshot, what agentpg said in $WORK/round.out holds.
check_reported() {
  local h=$SNAP_HISTORY label v st summary to
  while read -r label; do
    v=${label%%_*}
    st=$(status_of "$v")
    [ "$st" = applied ] || violation "reported 'applied  $label' but version $v is '${st:-not recorded}' (history: $h)"
  done < <(sed -n 's/^applied  \([0-9][^ ]*_[^ ]*\) .*/\1/p' "$WORK/round.out")
  while read -r label; do
    v=${label%%_*}
    st=$(status_of "$v")
    [ -z "$st" ] || violation "reported 'reverted $label' but version $v is still '$st' (history: $h)"
  done < <(sed -n 's/^reverted \([0-9][^ ]*_[^ ]*\) .*/\1/p' "$WORK/round.out")
  summary=$(grep -E '^(applied|reverted) [0-9]+ migrations? \(' "$WORK/round.out" || true)
  if [ -n "$summary" ]; then
    to=$(sed -E 's/.* -> ([^)]*)\).*/\1/' <<<"$summary")
    for v in 1 2 3 4 5 6 7 8; do
      st=$(status_of "$v")
      if [ "$to" != empty ] && [ "$v" -le "$to" ]; then
        [ "$st" = applied ] || violation "reported '$summary' but version $v is '${st:-not recorded}' (history: $h)"
      elif [[ "$summary" == reverted* ]]; then
        [ -z "$st" ] || violation "reported '$summary' but version $v is still '$st' (history: $h)"
      fi
    done
  fi
}

# converge DB: migrate until done, doing what its error message says when a
# transaction:false migration was interrupted: the first command it suggests that runs
# statements again (all are idempotent here; --forget-failed wants work by hand first, so
# it is never taken); then everything is applied, each row once.
converge() {
  local db=$1 attempt args=(migrate) suggestion
  for attempt in 1 2 3 4 5; do
    run "$AGENTPG" --database-url "$(priv_url "$db")" --migrations-dir "$WORK/migrations" --lock-timeout 30 "${args[@]}"
    if [ "$CODE" -eq 0 ]; then
      [ "${args[0]}" = migrate ] && break
      args=(migrate)
      continue
    fi
    suggestion=$(grep -oE "'agentpg (migrate|rollback)( --?[a-z-]+( [0-9]+)?)*'" "$WORK/err" |
                 grep -v -e --forget-failed | head -1 | tr -d "'" || true)
    if [ "$CODE" -ne 5 ] || [ -z "$suggestion" ]; then
      violation "converging: 'agentpg ${args[*]}' exit $CODE without a way on: $(head -c 500 "$WORK/err")"
      return
    fi
    read -r -a args <<<"${suggestion#agentpg }"
    [ "${args[0]}" = rollback ] && args=(rollback --yes "${args[@]:1}")
  done
  [ "$CODE" -eq 0 ] && [ "${args[0]}" = migrate ] ||
    { violation "converging: no success after 5 runs: $(head -c 500 "$WORK/err")"; return; }
  snapshot "$db"
  [ "$SNAP_HISTORY" = "$ALL_APPLIED" ] || violation "after converging, history is '$SNAP_HISTORY'"
  check_consistent "after converging"
  run "$AGENTPG" --database-url "$(priv_url "$db")" --migrations-dir "$WORK/migrations" status --exit-code
  [ "$CODE" -eq 0 ] || violation "after converging, status --exit-code exits $CODE: $(out)"
}

# wait_idle DB: until no session of an earlier agentpg is left on DB (a killed client's
# statement runs on until the server notices).
wait_idle() {
  for _ in $(seq 200); do
    [ "$(priv_sql "$1" -c "select count(*) from pg_stat_activity where datname = current_database()
         and pid <> pg_backend_pid() and backend_type = 'client backend'")" = 0 ] && return 0
    sleep 0.1
  done
  violation "a session of the killed agentpg stayed on $1 for 20 s"
}

start=$SECONDS
db=crash
psql -X -q "$(priv_url postgres)" -c "CREATE DATABASE $db" >/dev/null
for round in $(seq "$ROUNDS"); do
  priv_sql "$db" -c "DROP SCHEMA IF EXISTS agentpg CASCADE; DROP SCHEMA public CASCADE; CREATE SCHEMA public" 2>/dev/null
  # (the draws happen in this shell: a subshell would not continue the seeded sequence)
  mode=migrate action=crash
  [ $((RANDOM % 3)) = 0 ] && mode=rollback
  [ $((RANDOM % 2)) = 0 ] && action=kill
  delay_ms=$((RANDOM % 1300))
  steps=$((RANDOM % 7 + 1))
  cmd=(migrate)
  if [ "$mode" = rollback ]; then
    run "$AGENTPG" --database-url "$(priv_url "$db")" --migrations-dir "$WORK/migrations" migrate
    [ "$CODE" -eq 0 ] || fail "round $round (seed $SEED): the migrate before the rollback failed"
    cmd=(--yes rollback --steps "$steps")
  fi
  round_context="round $round of seed $SEED: agentpg ${cmd[*]}, $action after $delay_ms ms"
  "$AGENTPG" --database-url "$(priv_url "$db")" --migrations-dir "$WORK/migrations" "${cmd[@]}" \
    >"$WORK/round.out" 2>"$WORK/round.err" </dev/null &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  if [ "$action" = kill ]; then
    kill -9 "$pid" 2>/dev/null || true
    code=0; wait "$pid" 2>/dev/null || code=$?
  else
    crash_server
    code=0; wait "$pid" || code=$?
    start_server
  fi
  round_context="$round_context (agentpg exit $code)"
  wait_idle "$db"
  snapshot "$db"
  check_reported
  check_consistent "after the $action"
  converge "$db"
  round_context=""
done
echo "crash_consistency: $ROUNDS rounds in $((SECONDS - start)) s"

# Durable once reported: exit 0, then a crash the next instant, three times.
start=$SECONDS
mkdir -p "$WORK/forty"
for i in $(seq 40); do
  printf -- '-- migrate:up\nCREATE TABLE m%d (id int);\nINSERT INTO m%d VALUES (%d);\n' "$i" "$i" "$i" \
    >"$WORK/forty/$(printf '%03d' "$i")_m$i.sql"
done
for attempt in 1 2 3; do
  db=forty$attempt
  psql -X -q "$(priv_url postgres)" -c "CREATE DATABASE $db" >/dev/null
  run "$AGENTPG" --database-url "$(priv_url "$db")" --migrations-dir "$WORK/forty" migrate
  crash_server
  start_server
  [ "$CODE" -eq 0 ] || { violation "forty ($attempt): migrate exit $CODE: $(head -c 300 "$WORK/err")"; continue; }
  grep -qF "applied 40 migrations" "$WORK/out" || violation "forty ($attempt): summary: $(tail -1 "$WORK/out")"
  rows=$(priv_sql "$db" -c "select count(*) from agentpg.schema_migrations where status = 'applied' and version ~ '^[0-9]+\$'")
  tables=$(priv_sql "$db" -c "select count(*) from pg_class where relkind = 'r' and relname ~ '^m[0-9]+\$'")
  [ "$rows" = 40 ] && [ "$tables" = 40 ] ||
    violation "forty ($attempt): agentpg exited 0, then a crash: $rows history rows and $tables tables of 40"
done

echo "crash_consistency: the forty-migration crashes in $((SECONDS - start)) s"

if [ "${#violations[@]}" -gt 0 ]; then
  echo "FAIL [$SCENARIO]: ${#violations[@]} violation(s), seed $SEED (CRASH_SEED=$SEED replays the draws):" >&2
  printf '  - %s\n' "${violations[@]}" >&2
  exit 1
fi
