# Through a real PgBouncer: in transaction mode the migration lock (a session-level advisory
# lock) cannot hold, so migrate refuses (exit 2, nothing changed) unless DATABASE_DIRECT_URL
# names the database itself; then the lock is taken on the direct connection and two
# migrates still serialise. Session mode works without a direct URL.
source "$(dirname "$0")/lib.sh"
PGBOUNCER=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
[ -x "$PGBOUNCER" ] || fail "pgbouncer is not installed (scripts/setup installs it)"

db=$(new_db)
# One PgBouncer on a free port, both modes: database txpool (pool_mode=transaction) and
# sesspool (session), each pointing at $db over the test cluster's socket (trust auth).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
bouncer=$WORK/bouncer
mkdir -p "$bouncer"
server="host=$CLUSTER_SOCKET port=$CLUSTER_PORT dbname=$db"
cat >"$bouncer/pgbouncer.ini" <<INI
[databases]
txpool = $server pool_mode=transaction
sesspool = $server pool_mode=session
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $bouncer/userlist.txt
logfile = $bouncer/pgbouncer.log
pidfile = $bouncer/pgbouncer.pid
default_pool_size = 5
INI
echo '"postgres" ""' >"$bouncer/userlist.txt"
as_owner=()
if [ "$(id -u)" = 0 ]; then # PgBouncer refuses to run as root: as the cluster's owner
  owner=$(stat -c %U "$CLUSTER_SOCKET")
  chown -R "$owner" "$bouncer"
  as_owner=(runuser -u "$owner" --)
fi
"${as_owner[@]}" "$PGBOUNCER" "$bouncer/pgbouncer.ini" >/dev/null 2>&1 &
bouncer_pid=$!
trap 'kill $bouncer_pid 2>/dev/null || true; wait $bouncer_pid 2>/dev/null || true; cleanup' EXIT
tx_url="postgresql://postgres@127.0.0.1:$port/txpool"
session_url="postgresql://postgres@127.0.0.1:$port/sesspool"
for _ in $(seq 100); do
  psql -X -q -At "$tx_url" -c "select 1" >/dev/null 2>&1 && break
  sleep 0.1
done
[ "$(psql -X -At "$tx_url" -c "select current_database()")" = "$db" ] ||
  fail "PgBouncer did not start: $(cat "$bouncer/pgbouncer.log" 2>/dev/null)"

migration 1 first "CREATE TABLE first (id int);"
no_history="select to_regclass('agentpg.schema_migrations') is null and to_regclass('first') is null"

# Transaction mode, no direct URL: refused before anything is changed.
export DATABASE_URL=$tx_url
for command in migrate init baseline\ 1 adopt "--yes rollback" "bundled install core"; do
  run "$AGENTPG" $command
  expect_code 2
  expect_err "agentpg: error: $tx_url goes through a connection pooler in transaction mode"
  expect_err "nothing was changed"
  expect_err "DATABASE_DIRECT_URL"
  [ "$(sql_value "$db" "$no_history")" = t ] || fail "$command changed the database"
done
# Reading is fine through it; check says what it found.
run "$AGENTPG" status
expect_code 0
expect_out "1 pending"
run "$AGENTPG" --json check
expect_code 7
[ "$(json_get 'd["pooler"], d["direct_url"]')" = "('transaction', None)" ] || fail "check: $(out)"
run "$AGENTPG" check
expect_out "transaction mode: migrations need direct_url (DATABASE_DIRECT_URL)"
expect_out "migrate   through this connection"

# A direct URL that is the pooler too is refused, naming the setting.
run env DATABASE_DIRECT_URL="$tx_url" "$AGENTPG" migrate
expect_code 2
expect_err "direct_url (from DATABASE_DIRECT_URL) must name the database itself"

# With the direct URL: the lock is held by the direct connection (its application_name),
# and a second migrate through the same pair waits for it; each migration is applied once.
export DATABASE_DIRECT_URL="postgresql://postgres:s3cret@/$db?host=$CLUSTER_SOCKET&port=$CLUSTER_PORT&application_name=direct"
migration 2 slow "SELECT pg_sleep(3); CREATE TABLE slow (id int);" "DROP TABLE slow;"
"$AGENTPG" migrate >"$WORK/first.out" 2>"$WORK/first.err" &
first=$!
wait_for "$db" "select count(*) = 1 from pg_locks l join pg_stat_activity a using (pid)
                where l.locktype = 'advisory' and l.granted and a.application_name = 'direct'"
run "$AGENTPG" migrate
expect_code 0
expect_err "waiting for the migration lock, held by pid"
expect_err "(direct, local socket)"
wait $first || fail "the first migrate failed: $(cat "$WORK/first.err")"
[ "$(sql_value "$db" "select count(*), count(distinct version) from agentpg.schema_migrations")" = "2|2" ] ||
  fail "history: $(sql_value "$db" "select * from agentpg.schema_migrations")"
[ "$(sql_value "$db" "select count(*) from pg_locks where locktype = 'advisory'")" = 0 ] ||
  fail "the migration lock was left behind"

# status reads through the pooler and names where migrations go, password masked.
run "$AGENTPG" status
expect_code 0
expect_out "database $tx_url"
expect_out "migrations use postgresql://postgres:***@/$db?"
expect_out "(direct_url from DATABASE_DIRECT_URL)"
expect_no "s3cret"
run "$AGENTPG" --json check
expect_code 0
[ "$(json_get 'd["pooler"], d["direct_url"].startswith("postgresql://postgres:***@/")')" = "('transaction', True)" ] ||
  fail "check: $(out)"
expect_no "s3cret"
run "$AGENTPG" --direct-url "$(db_url "$db")" --yes rollback
expect_code 0
[ "$(sql_value "$db" "select to_regclass('slow') is null")" = t ] || fail "rollback did not run"
unset DATABASE_DIRECT_URL

# Session mode: the lock is safe there, no direct URL needed.
export DATABASE_URL=$session_url
run "$AGENTPG" migrate
expect_code 0
expect_out "applied 1 migration"
run "$AGENTPG" --json check
expect_code 0
[ "$(json_get 'd["pooler"]')" = session ] || fail "check: $(out)"

# Straight to the server: nothing in between.
export DATABASE_URL=$(db_url "$db")
run "$AGENTPG" --json check
[ "$(json_get 'd["pooler"]')" = none ] || fail "check: $(out)"

# A direct URL that cannot be read is named as such, its password masked.
run "$AGENTPG" --direct-url 'postgresql://u:Sup3r?x@host:5432/db' migrate
expect_code 2
expect_err "direct_url (from --direct-url): invalid database URL: a port is not a number (in postgresql://u:***@host:5432/db)"
expect_no "Sup3r"
