# TLS in production: over TCP without TLS and no sslmode given, production refuses (exit 2)
# before anything runs; allow_plaintext or an explicit sslmode=disable|allow|prefer turns
# that into one warning; a unix socket is local and fine; check reports the transport.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
psql_admin -c "drop role if exists tls_user" -c "create role tls_user login superuser password 'TlsPw1'" >/dev/null
# The scenario's databases go first: the role owns what it migrated there.
trap 'cleanup; psql_admin -c "drop role if exists tls_user" >/dev/null 2>&1 || true' EXIT
tcp_url="postgresql://tls_user:TlsPw1@127.0.0.1:$CLUSTER_PORT/$db"
export AGENTPG_MIGRATIONS_DIR=$WORK/migrations
migration 20240101000000 t "create table t (x int);" "drop table t;"

# Not production: nothing said.
DATABASE_URL=$tcp_url run "$AGENTPG" status
expect_code 0
expect_no "not encrypted"

# A socket folder as host= with hostaddr= (URL or PGHOSTADDR) connects over TCP: not a socket.
sock_tcp_url="postgresql://tls_user:TlsPw1@/$db?host=$CLUSTER_SOCKET&hostaddr=127.0.0.1&port=$CLUSTER_PORT"
AGENTPG_ENV=production DATABASE_URL=$sock_tcp_url run "$AGENTPG" status
expect_code 2
expect_no "TlsPw1"
PGHOSTADDR=127.0.0.1 AGENTPG_ENV=production DATABASE_URL="postgresql://tls_user:TlsPw1@/$db?host=$CLUSTER_SOCKET&port=$CLUSTER_PORT" run "$AGENTPG" status
expect_code 2
AGENTPG_ENV=production DATABASE_URL="postgresql://tls_user:TlsPw1@/$db?host=$CLUSTER_SOCKET&port=$CLUSTER_PORT" run "$AGENTPG" status
expect_code 0

# Production over TCP, no sslmode: refused, and nothing was migrated.
for command in migrate status check "backup --output $WORK/b" create-db; do
  # shellcheck disable=SC2086
  AGENTPG_ENV=production DATABASE_URL=$tcp_url run "$AGENTPG" $command
  expect_code 2
  expect_err "production: the connection to postgresql://tls_user:***@127.0.0.1:$CLUSTER_PORT/$db is not encrypted"
  expect_err "AGENTPG_ALLOW_PLAINTEXT=1"
  expect_no "TlsPw1"
done
[ "$(sql_value "$db" "select to_regclass('public.t') is null")" = t ] || fail "a refused migrate ran"
[ ! -e "$WORK/b" ] || [ -z "$(ls "$WORK/b")" ] || fail "a refused backup wrote $(ls "$WORK/b")"
# The database a refused create-db names does not exist either.
AGENTPG_ENV=production DATABASE_URL="postgresql://tls_user:TlsPw1@127.0.0.1:$CLUSTER_PORT/${db}_new" run "$AGENTPG" create-db
expect_code 2
expect_err "is not encrypted"
[ "$(sql_value postgres "select count(*) from pg_database where datname = '${db}_new'")" = 0 ] || fail "a refused create-db created"

# The overrides: one warning per command, and the command runs.
one_warning() {
  [ "$(grep -c "warning: production: the connection to .* is not encrypted" "$WORK/err")" = 1 ] ||
    fail "$1: not exactly one warning"
}
AGENTPG_ALLOW_PLAINTEXT=1 AGENTPG_ENV=production DATABASE_URL=$tcp_url run "$AGENTPG" status
expect_code 0
one_warning allow_plaintext
AGENTPG_ENV=production DATABASE_URL="$tcp_url?sslmode=prefer" run "$AGENTPG" status
expect_code 0
one_warning sslmode=prefer
expect_err "is not encrypted (sslmode=prefer was chosen)"
AGENTPG_ENV=production DATABASE_URL=$tcp_url run "$AGENTPG" --allow-plaintext migrate
expect_code 0
expect_err "is not encrypted (allow_plaintext is set)"
PGSSLMODE=disable AGENTPG_ENV=production DATABASE_URL=$tcp_url run "$AGENTPG" status
expect_code 0
expect_err "is not encrypted (sslmode=\$PGSSLMODE was chosen)"
AGENTPG_ENV=production DATABASE_URL="$tcp_url?sslmode=require" run "$AGENTPG" status
expect_code 3

# check reports the transport, in text and JSON.
AGENTPG_ENV=production AGENTPG_ALLOW_PLAINTEXT=1 DATABASE_URL=$tcp_url run "$AGENTPG" --json check
expect_code 0
[ "$(json_get 'd["tls"]')" = "{'in_use': False, 'unix_socket': False, 'protocol': None, 'cipher': None}" ] || fail "check --json tls: $(out)"
AGENTPG_ENV=production AGENTPG_ALLOW_PLAINTEXT=1 DATABASE_URL=$tcp_url run "$AGENTPG" check
expect_out "no: NOT encrypted"

# A unix socket is local: production runs without a word.
AGENTPG_ENV=production DATABASE_URL=$(db_url "$db") run "$AGENTPG" --json check
expect_code 0
expect_no "not encrypted"
[ "$(json_get 'd["tls"]["in_use"], d["tls"]["unix_socket"]')" = "(False, True)" ] || fail "socket: $(out)"

# A server with TLS (its own cluster, with a self-signed certificate): production runs
# without a warning, and check names the protocol and cipher.
command -v openssl >/dev/null || fail "openssl is needed for the TLS half of this test"
tls_dir=$WORK/tls_cluster
trap '"$AGENTPG" --yes --local-dir "$tls_dir" local destroy >/dev/null 2>&1 || true; cleanup; psql_admin -c "drop role if exists tls_user" >/dev/null 2>&1 || true' EXIT
run "$AGENTPG" --local-dir "$tls_dir" local start
expect_code 0
owner=$(stat -c %U "$tls_dir/data")
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -keyout "$tls_dir/data/server.key" -out "$tls_dir/data/server.crt" 2>/dev/null
chown "$owner" "$tls_dir/data/server.key" "$tls_dir/data/server.crt"
chmod 600 "$tls_dir/data/server.key"
tls_socket=$("$AGENTPG" --local-dir "$tls_dir" --json local status | python3 -c 'import json,sys; print(json.load(sys.stdin)["socket_dir"])')
tls_socket_url="postgresql://postgres@/postgres?host=$tls_socket&port=$(cat "$tls_dir/port")"
psql -X -q -v ON_ERROR_STOP=1 "$tls_socket_url" -c "alter system set ssl = on" -c "select pg_reload_conf()" >/dev/null
tls_url="postgresql://postgres:$(head -n 1 "$tls_dir/password")@127.0.0.1:$(cat "$tls_dir/port")/postgres"
for _ in $(seq 50); do
  [ "$(psql -X -A -t "$tls_url" -c "select ssl from pg_stat_ssl where pid = pg_backend_pid()" 2>/dev/null)" = t ] && break
  sleep 0.1
done
AGENTPG_MIGRATIONS_DIR=$WORK/none AGENTPG_ENV=production DATABASE_URL=$tls_url run "$AGENTPG" --json check
expect_code 0
expect_no "not encrypted"
[ "$(json_get 'd["tls"]["in_use"], d["tls"]["protocol"].startswith("TLSv1."), len(d["tls"]["cipher"]) > 0')" = "(True, True, True)" ] || fail "check --json over TLS: $(out)"
AGENTPG_MIGRATIONS_DIR=$WORK/none AGENTPG_ENV=production DATABASE_URL=$tls_url run "$AGENTPG" check
expect_code 0
expect_out "yes: TLSv1."
