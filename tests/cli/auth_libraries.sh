# libpq is linked in, and its GSSAPI (Kerberos) and LDAP libraries are loaded only when a
# connection uses them (src/pg/deferred_libs.cpp): a run that does not, loads neither, and
# one that does gets the real library's behaviour and messages.
source "$(dirname "$0")/lib.sh"

# loaded_libraries CMD...: the shared libraries the dynamic loader maps for CMD.
loaded_libraries() { LD_DEBUG=libs "$@" 2>&1 >/dev/null | grep -o 'calling init: [^ ]*' || true; }

for lib in libpq libgssapi libldap libgnutls; do
  ! ldd "$AGENTPG" | grep -q "$lib" || fail "the binary links $lib (see the libpq line of the cmake configure output): $(ldd "$AGENTPG")"
done
db=$(new_db)
loaded_libraries "$AGENTPG" --database-url "$(db_url "$db")" status >"$WORK/libs"
grep -q libssl "$WORK/libs" || fail "the loader log shows no libssl: is LD_DEBUG honoured? $(cat "$WORK/libs")"
! grep -qE 'libgssapi|libldap' "$WORK/libs" || fail "a unix-socket run loaded: $(cat "$WORK/libs")"

python3 "$AGENTPG_SOURCE/tests/cli/fake_servers.py" gss "$WORK/gss_port" &
gss_server=$!
psql_admin -c "DROP ROLE IF EXISTS ldap_user" -c "CREATE ROLE ldap_user LOGIN" >/dev/null
python3 "$AGENTPG_SOURCE/tests/cli/fake_servers.py" ldap "$WORK/ldap_port" \
  "host=$CLUSTER_SOCKET port=$CLUSTER_PORT dbname=$db user=ldap_user" &
ldap_server=$!
trap 'kill $gss_server $ldap_server 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 50); do [ -s "$WORK/gss_port" ] && [ -s "$WORK/ldap_port" ] && break; sleep 0.1; done

# A server that asks for Kerberos: the message is MIT's own, about the missing credentials.
export KRB5CCNAME=FILE:$WORK/no_credentials
url="postgresql://u@127.0.0.1:$(cat "$WORK/gss_port")/x?sslmode=disable&gssencmode=disable"
run "$AGENTPG" --database-url "$url" check
expect_code 3
expect_err "GSSAPI continuation error"
expect_err "No Kerberos credentials available (default cache: FILE:$WORK/no_credentials)"
loaded_libraries "$AGENTPG" --database-url "$url" check | grep -q libgssapi_krb5 ||
  fail "Kerberos authentication did not load libgssapi_krb5"

# A connection service looked up on an LDAP server: the entry's parameters connect.
printf '[agentpg_ldap]\nldap://127.0.0.1:%s/dc=example?description?one?(cn=agentpg)\n' \
  "$(cat "$WORK/ldap_port")" >"$WORK/services.conf"
export PGSERVICEFILE=$WORK/services.conf
run "$AGENTPG" --json --database-url "postgresql:///?service=agentpg_ldap" check
expect_code 0
[ "$(json_get 'd["database"], d["user"]')" = "('$db', 'ldap_user')" ] ||
  fail "the service did not connect to $db as ldap_user: $(out)"
