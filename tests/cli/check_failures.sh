# check fails with exit 3 and says why: no server, refused, wrong password, missing
# database, a host that never answers (bounded by --connect-timeout). No password shown.
source "$(dirname "$0")/lib.sh"

run "$AGENTPG" --database-url "postgresql://postgres@/x?host=$WORK&port=5999" check
expect_code 3
expect_err "no server is listening on that socket"

run "$AGENTPG" --database-url "postgresql://postgres:s3cret@127.0.0.1:1/x" check
expect_code 3
expect_err "the server refused the connection"
expect_no "s3cret"

psql_admin -c "DROP ROLE IF EXISTS check_user" -c "CREATE ROLE check_user LOGIN PASSWORD 'right-pass'" >/dev/null
run "$AGENTPG" --verbose --database-url "postgresql://check_user:Wr0ngPass@127.0.0.1:$CLUSTER_PORT/postgres" check
expect_code 3
expect_err "authentication failed"
expect_err "postgresql://check_user:***@127.0.0.1:$CLUSTER_PORT/postgres"
expect_no "Wr0ngPass"

run "$AGENTPG" --json --database-url "postgresql://check_user:right-pass@127.0.0.1:$CLUSTER_PORT/no_such_db" check
expect_code 3
expect_err "the database does not exist"
expect_no "right-pass"
[ "$(json_get 'd["error"]["exit_code"], d["error"]["kind"]')" = "(3, 'connection')" ] || fail "JSON error: $(out)"

run "$AGENTPG" --database-url "host=127.0.0.1 port=$CLUSTER_PORT user=check_user password=Wr0ngPass dbname=postgres" check
expect_code 3
expect_no "Wr0ngPass"

# A peer that accepts the TCP connection and never answers: the timeout must bound it.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True); time.sleep(60)' >"$WORK/port" &
silent=$!
trap 'kill $silent 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
start=$(date +%s)
run "$AGENTPG" --connect-timeout 2 --database-url "postgresql://u:p@127.0.0.1:$(cat "$WORK/port")/x" check
elapsed=$(( $(date +%s) - start ))
expect_code 3
expect_err "timed out"
[ "$elapsed" -le 6 ] || fail "took $elapsed s with --connect-timeout 2"

run "$AGENTPG" --database-url "mysql://u:p@h/x" check
expect_code 2
expect_err "unsupported scheme 'mysql'"
