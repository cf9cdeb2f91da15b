# --wait SECONDS (every command that connects): retry until the server accepts connections,
# then do the work; exit 3 when it never does. The server comes up late through
# wait_for_server.py, which forwards 127.0.0.1:PORT to the test cluster's socket.
source "$(dirname "$0")/lib.sh"
HELPER=$(dirname "$0")/wait_for_server.py
SOCKET="$CLUSTER_SOCKET/.s.PGSQL.$CLUSTER_PORT"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
tcp_url() { echo "postgresql://postgres@127.0.0.1:$1/$2?sslmode=disable&gssencmode=disable"; }
now() { date +%s.%N; }
# took MIN MAX: the last timed run took between MIN and MAX seconds.
took() {
  python3 -c 'import sys; t=float(sys.argv[2])-float(sys.argv[1]); sys.exit(0 if float(sys.argv[3])<=t<=float(sys.argv[4]) else 1)' \
    "$T0" "$T1" "$1" "$2" || fail "took $(python3 -c "print(round($T1-$T0,2))") s, expected $1..$2 s"
}
timed() { T0=$(now); run "$@"; T1=$(now); }
HELPER_PID=
start_helper() { python3 "$HELPER" "$@" & HELPER_PID=$!; }
# listening PORT: waits (up to 20 s) until something accepts TCP connections on PORT.
listening() {
  python3 -c 'import socket,sys,time
for _ in range(200):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close(); sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)' "$1" || fail "nothing listens on port $1"
}
stop_helper() { [ -z "$HELPER_PID" ] || { kill "$HELPER_PID" 2>/dev/null; wait "$HELPER_PID" 2>/dev/null || true; HELPER_PID=; }; }
trap 'stop_helper; cleanup' EXIT

migration 20240101000000 agents "CREATE TABLE agents (id int);" "DROP TABLE agents;"
db=$(new_db)

# Nothing listening: without --wait it fails at once, with --wait 1 after about a second.
port=$(free_port)
timed "$AGENTPG" --database-url "$(tcp_url "$port" "$db")" migrate
expect_code 3
expect_err "refused"
took 0 3
timed "$AGENTPG" --database-url "$(tcp_url "$port" "$db")" --wait 1 migrate
expect_code 3
expect_err "gave up after 1 s waiting for postgresql://postgres@127.0.0.1:$port/$db"
expect_err "nothing answered"
expect_err "--wait"
took 0.95 4

# The server starts listening after 2 s: init waits, then creates the missing database
# (a server that says "no such database" is up) and migrates it.
port=$(free_port)
fresh="t_${SCENARIO}_$$_fresh"
forget_db_later "$fresh"
start_helper late "$port" 2 "$SOCKET"
timed "$AGENTPG" --wait 20 --database-url "$(tcp_url "$port" "$fresh")" init
expect_code 0
expect_err "waiting up to 20 s for postgresql://postgres@127.0.0.1:$port/$fresh"
took 1.8 15
[ "$(sql_value "$fresh" "SELECT count(*) FROM agentpg.schema_migrations")" = 1 ] || fail "init did not migrate"
stop_helper

# The server answers "starting up" for 4 s: without --wait exit 3 at once; AGENTPG_WAIT
# makes migrate wait, then apply.
port=$(free_port)
start_helper starting "$port" 4 "$SOCKET"
listening "$port"
timed "$AGENTPG" --database-url "$(tcp_url "$port" "$db")" migrate
expect_code 3
expect_err "starting up"
timed env AGENTPG_WAIT=20 "$AGENTPG" --database-url "$(tcp_url "$port" "$db")" migrate
expect_code 0
expect_err "waiting up to 20 s"
expect_out "20240101000000"
took 1 15
[ "$(sql_value "$db" "SELECT count(*) FROM agentpg.schema_migrations")" = 1 ] || fail "migrate did not apply"
stop_helper

# A server that is up but has no such database is not waited for: exit 3 at once.
timed "$AGENTPG" --wait 20 --database-url "$(db_url "t_${SCENARIO}_$$_never")" status
expect_code 3
expect_err "the database does not exist"
took 0 3

# check --wait still means "wait, then check": exit 7 with a migration pending, after the wait.
migration 20240102000000 more "CREATE TABLE more (id int);" "DROP TABLE more;"
port=$(free_port)
start_helper late "$port" 2 "$SOCKET"
timed "$AGENTPG" --database-url "$(tcp_url "$port" "$db")" check --wait 20
expect_code 7
took 1.8 15
timed "$AGENTPG" --wait 20 --database-url "$(tcp_url "$port" "$db")" check
expect_code 7
stop_helper

# Bad values: exit 2 naming the setting.
run "$AGENTPG" --database-url "$(db_url "$db")" --wait soon status
expect_code 2
expect_err "wait"
run env AGENTPG_WAIT=-5 "$AGENTPG" --database-url "$(db_url "$db")" status
expect_code 2
expect_err "AGENTPG_WAIT"
