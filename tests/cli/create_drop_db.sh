# create-db and drop-db: quoted identifiers, guards, --force.
source "$(dirname "$0")/lib.sh"
name='t_odd"; drop database postgres; --'
url="postgresql://postgres@/$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$name")?host=$CLUSTER_SOCKET&port=$CLUSTER_PORT"
export DATABASE_URL=$url
forget_db_later "$name"

run "$AGENTPG" create-db
expect_code 0
expect_out "created database $name"
[ "$(psql_db postgres -c "select count(*) from pg_database where datname = \$\$${name}\$\$")" = 1 ] || fail "not created"
run "$AGENTPG" create-db
expect_code 0
expect_out "already exists"

run "$AGENTPG" drop-db
expect_code 8
expect_err "without confirmation"
run "$AGENTPG" --environment production --yes drop-db
expect_code 8
run "$AGENTPG" --environment production --yes create-db --force
expect_code 8

# Another session holds it open: plain drop-db fails (exit 4), --force terminates it.
psql -X "$url" -c "select pg_sleep(30)" >/dev/null 2>&1 &
holder=$!
wait_for postgres "select count(*) >= 1 from pg_stat_activity where datname = \$\$${name}\$\$"
run "$AGENTPG" --yes drop-db
expect_code 4
expect_err "other sessions use it: --force terminates them"
run "$AGENTPG" --yes drop-db --force
expect_code 0
expect_out "dropped database $name"
wait $holder 2>/dev/null || true
[ "$(psql_db postgres -c "select count(*) from pg_database where datname in ('postgres', \$\$${name}\$\$)")" = 1 ] ||
  fail "wrong databases after drop"
run "$AGENTPG" --yes drop-db
expect_code 0
expect_out "does not exist"
