# check with REDIS_URL: a real redis-server that this scenario starts on a port of its own
# (its files in a temporary folder, stopped on exit). Persistence on (RDB, AOF) and off
# (a warning finding with its fix, in text, --json and --html), AUTH with a password and
# with a user (a wrong one: exit 3, the secret never printed), a database number, Redis not
# running (exit 3), rediss:// refused (exit 2), and REDIS_URL from .env and agentpg.yaml.
source "$(dirname "$0")/lib.sh"
command -v redis-server >/dev/null ||
  fail "redis-server is missing: scripts/setup installs it (the redis-server package)"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
REDIS_PID=
stop_redis() {
  if [ -n "$REDIS_PID" ]; then
    kill "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
    REDIS_PID=
  fi
}
trap 'stop_redis; cleanup' EXIT
# start_redis ARGS...: a fresh redis-server on $REDIS_PORT with its files in its own folder.
start_redis() {
  stop_redis
  REDIS_PORT=$(free_port)
  local dir=$WORK/redis-$REDIS_PORT
  mkdir -p "$dir"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$dir" --daemonize no \
    --logfile "$dir/log" "$@" &
  REDIS_PID=$!
  for _ in $(seq 100); do
    redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q -e PONG -e NOAUTH && return 0
    sleep 0.05
  done
  fail "redis-server did not start: $(cat "$dir/log")"
}
rcli() { redis-cli -p "$REDIS_PORT" "$@" >/dev/null; }

# Persistence on: a save policy (RDB), AOF off. No finding.
start_redis --save "3600 1 300 100" --appendonly no
export REDIS_URL=redis://127.0.0.1:$REDIS_PORT
run "$AGENTPG" check --report
expect_code 0
expect_out "redis        Redis 7."
expect_out "at redis://127.0.0.1:$REDIS_PORT/0"
expect_out "persistence  RDB on (save 3600 1 300 100), last save 20"
expect_out "AOF off"
expect_no "persistence is off"
run "$AGENTPG" --json check
expect_code 0
[ "$(json_get 'd["redis"]["persistence"]["rdb"], d["redis"]["persistence"]["aof"], d["redis"]["persistence"]["off"], d["redis"]["used_memory_bytes"] > 0, d["redis"]["version"][:2]')" = "(True, False, False, True, '7.')" ] ||
  fail "unexpected JSON: $(out)"

# Persistence off: check passes (exit 0), the report has a warning with the fix.
rcli config set save ""
run "$AGENTPG" check
expect_code 0
expect_out "persistence  OFF: no RDB snapshots, no AOF (a restart loses every key)"
run "$AGENTPG" check --report
expect_code 0
expect_out "warning   redis"
expect_out "persistence is off (no RDB save policy, AOF off)"
expect_out "redis: CONFIG SET appendonly yes (or a save policy: CONFIG SET save \"3600 1 300 100 60 10000\")"
run "$AGENTPG" --json check --report --fail-on warning
expect_code 1
[ "$(json_get '[(f["severity"], f["fix"].split(" (")[0]) for f in d["report"]["findings"] if f["subject"] == "redis"]')" = "[('warning', 'CONFIG SET appendonly yes')]" ] ||
  fail "no Redis finding in --json: $(out)"
[ "$(json_get 'd["redis"]["persistence"]["off"], d["redis"]["persistence"]["save"]')" = "(True, None)" ] ||
  fail "unexpected JSON: $(out)"
run "$AGENTPG" check --html page.html
expect_code 0
grep -q "persistence is off" page.html || fail "the HTML page lacks the Redis finding"
grep -q "CONFIG SET appendonly yes" page.html || fail "the HTML page lacks the Redis fix"

# AOF on is persistence too.
rcli config set appendonly yes
run "$AGENTPG" check --report
expect_code 0
expect_out "persistence  RDB off; AOF on"
expect_no "persistence is off"

# A password: right (shown masked), wrong (exit 3, not printed), missing (exit 3).
start_redis --requirepass 'pw-S3cret!' --save "" --appendonly no
export REDIS_URL="redis://:pw-S3cret%21@127.0.0.1:$REDIS_PORT/2"
run "$AGENTPG" check
expect_code 0
expect_out "at redis://:***@127.0.0.1:$REDIS_PORT/2"
expect_no "S3cret"
export REDIS_URL="redis://:wrong-pw-S3cret@127.0.0.1:$REDIS_PORT/0"
run "$AGENTPG" check
expect_code 3
expect_err "agentpg: error: Redis at redis://:***@127.0.0.1:$REDIS_PORT/0 refused the login: WRONGPASS"
expect_no "wrong-pw"
run "$AGENTPG" --json check
expect_code 3
[ "$(json_get 'd["error"]["exit_code"], d["error"]["kind"]')" = "(3, 'connection')" ] || fail "unexpected JSON: $(out)"
expect_no "wrong-pw"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
run "$AGENTPG" check
expect_code 3
expect_err "refused: NOAUTH Authentication required"
expect_err "this Redis needs a password"
# A user of Redis 6's ACLs, and a database number the server does not have.
rcli -a 'pw-S3cret!' --no-auth-warning acl setuser app on '>app-S3cret' '~*' '+@all'
export REDIS_URL="redis://app:app-S3cret@127.0.0.1:$REDIS_PORT/99"
run "$AGENTPG" check
expect_code 3
expect_err "Redis at redis://app:***@127.0.0.1:$REDIS_PORT/99 refused database 99"
expect_no "app-S3cret"
export REDIS_URL="redis://app:app-S3cret@127.0.0.1:$REDIS_PORT/1"
run "$AGENTPG" check
expect_code 0
expect_out "at redis://app:***@127.0.0.1:$REDIS_PORT/1"

# Not running: exit 3, saying where it looked.
port=$REDIS_PORT
stop_redis
export REDIS_URL="redis://:pw-S3cret@127.0.0.1:$port/0"
run "$AGENTPG" check
expect_code 3
expect_err "agentpg: error: cannot connect to Redis at redis://:***@127.0.0.1:$port/0: Connection refused"
expect_no "S3cret"

# rediss:// is refused before anything connects; a bad URL is a configuration error.
export REDIS_URL="rediss://:pw-S3cret@127.0.0.1:$port/0"
run "$AGENTPG" check
expect_code 2
expect_err "rediss:// (Redis over TLS) is not supported"
expect_no "S3cret"
export REDIS_URL="http://127.0.0.1:$port"
run "$AGENTPG" check
expect_code 2
expect_err "REDIS_URL must start with redis://"

# From .env and from agentpg.yaml.
unset REDIS_URL
start_redis --save "" --appendonly yes
echo "REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0" >.env
run "$AGENTPG" check
expect_code 0
expect_out "persistence  RDB off; AOF on"
rm .env
echo "redis_url: redis://127.0.0.1:$REDIS_PORT/3" >agentpg.yaml
run "$AGENTPG" check
expect_code 0
expect_out "at redis://127.0.0.1:$REDIS_PORT/3"
rm agentpg.yaml
# Without REDIS_URL, check says nothing of Redis.
run "$AGENTPG" --json check
expect_code 0
[ "$(json_get '"redis" in d')" = "False" ] || fail "redis reported without REDIS_URL: $(out)"
