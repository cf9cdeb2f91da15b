# restore --clean never loses the existing database: the backup is restored into a new
# database and checked there, then swapped in by renaming. A restore that fails leaves the
# original as it was and no copy behind; SIGKILL at any moment leaves the original or the
# complete replacement, never less.
source "$(dirname "$0")/lib.sh"
# What the target holds: "old N" (the rows it had), "new N" (the backup's) or "neither".
content() {
  if [ "$(sql_value "$1" "select to_regclass('public.keep') is not null")" = t ]; then
    echo "old $(sql_value "$1" "select count(*) from public.keep")"
  elif [ "$(sql_value "$1" "select to_regclass('public.fresh') is not null")" = t ]; then
    echo "new $(sql_value "$1" "select count(*) from public.fresh")"
  else
    echo neither
  fi
}
side_databases() { sql_value postgres "select count(*) from pg_database where datname ~ '^${1}_(restore|old)_'"; }

# A backup whose restore fails: a CHECK calls a function whose body calls another one
# without its schema, which pg_dump's empty search_path cannot find while the rows load.
bad_src=$(new_db)
sql_value "$bad_src" "
  create function public.helper(n int) returns boolean language sql immutable as 'select n > 0';
  create function public.is_positive(n int) returns boolean language plpgsql immutable as 'begin return helper(n); end';
  create table public.items (n int check (is_positive(n)));
  insert into public.items values (1), (2);" >/dev/null
run "$AGENTPG" --database-url "$(db_url "$bad_src")" backup --output "$WORK/bad"
expect_code 0
bad=$(ls "$WORK"/bad/*.dump)

target=$(new_db)
sql_value "$target" "create table public.keep (id int); insert into public.keep select generate_series(1, 42)" >/dev/null
export DATABASE_URL=$(db_url "$target")
run "$AGENTPG" --yes restore "$bad" --clean
expect_code 4
expect_err "function helper(integer) does not exist"
expect_err "database $target was not touched; the copy ${target}_restore_"
expect_err "was dropped"
[ "$(content "$target")" = "old 42" ] || fail "the failed restore lost the original's rows"
[ "$(side_databases "$target")" = 0 ] || fail "a copy was left behind"
# The same into a database that does not exist: it is not created.
run "$AGENTPG" --yes restore "$bad" --target-db "${target}_new"
expect_code 4
expect_err "database ${target}_new was not created"
[ "$(sql_value postgres "select count(*) from pg_database where datname like '${target}\_new%'")" = 0 ] || fail "a failed restore left a database"

# A good backup replaces the content; the prompt says what is replaced and for how long.
good_src=$(new_db)
sql_value "$good_src" "create table public.fresh as select i, md5(i::text) as t from generate_series(1, 200000) i; create index on public.fresh (t)" >/dev/null
run "$AGENTPG" --database-url "$(db_url "$good_src")" backup --output "$WORK/good"
expect_code 0
good=$(ls "$WORK"/good/*.dump)
run "$AGENTPG" restore "$good" --clean
expect_code 8
expect_err "refused to replace database $target with the backup $good (restored into a new database first, then swapped in by renaming: $target is unavailable only for that moment, and the sessions connected to it are ended) without confirmation"
AGENTPG_ENV=production run "$AGENTPG" --yes restore "$good" --clean
expect_code 8
expect_err "in the production environment"
# A session on the target is ended by the swap, not waited for.
psql_db "$target" -c "select pg_sleep(60)" >/dev/null 2>&1 &
sleeper=$!
wait_for postgres "select count(*) = 1 from pg_stat_activity where datname = '$target' and query like '%pg_sleep%'"
run "$AGENTPG" --yes restore "$good" --clean
expect_code 0
expect_out "restored $good into database $target (replacing the old one)"
wait "$sleeper" && fail "the session on the replaced database was not ended" || true
[ "$(content "$target")" = "new 200000" ] || fail "the content was not replaced: $(content "$target")"
[ "$(side_databases "$target")" = 0 ] || fail "side databases left after a good restore"

# A target whose name needs quotes and leaves no room for the suffix, with --jobs (no single
# transaction): the copy's name is cut to fit, and the swap quotes every name.
odd="It's \"Odd\" é ${target}_"
odd="$odd$(printf 'x%.0s' $(seq $((63 - $(printf '%s' "$odd" | wc -c)))))"  # 63 bytes, the most
[ "$(printf '%s' "$odd" | wc -c)" = 63 ] || fail "the odd name is not 63 bytes"
psql_admin -c "create database \"${odd//\"/\"\"}\"" >/dev/null
forget_db_later "$odd"
run "$AGENTPG" --yes restore "$good" --clean --target-db "$odd" --jobs 2
expect_code 0
[ "$(psql -X -A -t "$(db_url postgres)" -c "select count(*) from pg_database where datname ~ '_(restore|old)_[0-9a-f]{8}\$'")" = 0 ] || fail "side databases left for a long quoted name"

# SIGKILL at moments spread over the restore: the target is always there, whole, either
# the last content or the new one. A copy (or the old one set aside) may stay behind.
states=""
for delay in 0.05 0.2 0.4 0.6 0.8 1.0 1.3 1.6 2.0 2.5; do
  sql_value postgres "drop database if exists \"$target\" with (force)" >/dev/null
  sql_value postgres "create database \"$target\"" >/dev/null
  sql_value "$target" "create table public.keep (id int); insert into public.keep select generate_series(1, 42)" >/dev/null
  "$AGENTPG" --yes restore "$good" --clean >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ "$(sql_value postgres "select count(*) from pg_database where datname = '$target'")" = 1 ] ||
    fail "after SIGKILL at $delay s the target is gone"
  states="$states $delay:$(content "$target")"
  case "$(content "$target")" in "old 42"|"new 200000") ;; *) fail "after SIGKILL at $delay s the target holds: $(content "$target")" ;; esac
  pgrep -f "pg_restore.*${target}_restore_" >/dev/null && fail "pg_restore outlived the killed agentpg"
  # What a kill leaves beside it is named for the target, and dropped by hand.
  for leftover in $(sql_value postgres "select datname from pg_database where datname ~ '^${target}_(restore|old)_'"); do
    psql_admin -c "drop database if exists \"$leftover\" with (force)" >/dev/null
  done
done
echo "the target after each SIGKILL:$states" >&2

# SIGTERM and SIGINT while pg_restore runs: pg_restore is stopped, the copy dropped, the
# target untouched, exit 143/130. A pg_restore that restores, then lingers.
real=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
mkdir "$WORK/bin"
cat >"$WORK/bin/pg_restore" <<SH
#!/bin/bash
$real/pg_restore "\$@" || exit \$?
case "\$*" in *--dbname=*) echo \$\$ >"$WORK/restore.pid"; exec sleep 60 ;; esac
SH
chmod +x "$WORK/bin/pg_restore"
for signal in TERM INT; do
  sql_value postgres "drop database if exists \"$target\" with (force)" >/dev/null
  sql_value postgres "create database \"$target\"" >/dev/null
  sql_value "$target" "create table public.keep (id int); insert into public.keep select generate_series(1, 42)" >/dev/null
  rm -f "$WORK/restore.pid"
  # python starts it with SIGINT not ignored (a background job of bash ignores it).
  CODE=0
  python3 - "$signal" "$AGENTPG" "$WORK" "$good" <<'PY' || CODE=$?
import os, signal, subprocess, sys, time
name, agentpg, work, good = sys.argv[1:5]
env = dict(os.environ, AGENTPG_PG_BINDIR=work + "/bin")
with open(work + "/out", "w") as out, open(work + "/err", "w") as err:
    p = subprocess.Popen([agentpg, "--yes", "restore", good, "--clean"], stdout=out, stderr=err,
                         env=env, restore_signals=True)
    for _ in range(400):
        if os.path.exists(work + "/restore.pid"):
            break
        time.sleep(0.05)
    else:
        sys.exit(99)
    p.send_signal(getattr(signal, "SIG" + name))
    sys.exit(p.wait(timeout=60))
PY
  [ "$CODE" -ne 99 ] || fail "pg_restore never started"
  expect_code $([ "$signal" = TERM ] && echo 143 || echo 130)
  expect_err "restore interrupted by SIG$signal"
  expect_err "database $target was not touched; the copy ${target}_restore_"
  [ "$(content "$target")" = "old 42" ] || fail "SIG$signal during the restore changed the target: $(content "$target")"
  [ "$(side_databases "$target")" = 0 ] || fail "SIG$signal left the copy behind"
  ! kill -0 "$(cat "$WORK/restore.pid")" 2>/dev/null || fail "pg_restore outlived SIG$signal"
done
# backup verify --restore: the scratch database is dropped on SIGTERM too.
rm -f "$WORK/restore.pid"
AGENTPG_PG_BINDIR=$WORK/bin "$AGENTPG" backup verify "$good" --restore >"$WORK/out" 2>"$WORK/err" &
pid=$!
for _ in $(seq 400); do [ -e "$WORK/restore.pid" ] && break; sleep 0.05; done
[ -e "$WORK/restore.pid" ] || fail "pg_restore of verify --restore never started"
kill -TERM "$pid"
CODE=0; wait "$pid" || CODE=$?
expect_code 143
[ "$(sql_value postgres "select count(*) from pg_database where datname ~ '_verify_[0-9a-f]{8}\$'")" = 0 ] || fail "SIGTERM left the scratch database"

# A copy a killed restore left is named on the next restore of that database.
psql_admin -c "create database \"${target}_restore_0123abcd\"" >/dev/null
forget_db_later "${target}_restore_0123abcd"
run "$AGENTPG" --yes restore "$good" --clean
expect_code 0
expect_err "databases left beside $target by an earlier restore that was interrupted (or one still running): ${target}_restore_0123abcd; drop them with DROP DATABASE"

# A template is never replaced (CREATE DATABASE would copy the backup into every new one).
run "$AGENTPG" --yes restore "$good" --clean --target-db template1
expect_code 8
expect_err "database template1 is a template"
[ "$(sql_value template1 "select to_regclass('public.fresh') is null")" = t ] || fail "template1 was replaced"
[ "$(sql_value postgres "select datistemplate from pg_database where datname = 'template1'")" = t ] || fail "template1 is no template any more"

# A name over 63 bytes is refused, not cut short to replace the 63-byte database it becomes.
long63=$(printf 'r%.0s' $(seq 63))
psql_admin -c "create database $long63" >/dev/null
forget_db_later "$long63"
sql_value "$long63" "create table public.keep (id int); insert into public.keep select generate_series(1, 42)" >/dev/null
run "$AGENTPG" --yes restore "$good" --clean --target-db "${long63}rrrrrrr"
expect_code 2
expect_err "is 70 bytes long: PostgreSQL names are at most 63 bytes"
[ "$(content "$long63")" = "old 42" ] || fail "a 70-byte target name replaced the 63-byte database"
DATABASE_URL=$(db_url "${long63}rrrrrrr") run "$AGENTPG" status
expect_code 2
expect_err "is 70 bytes long"
