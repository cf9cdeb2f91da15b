# The project-local PostgreSQL: --local starts it on demand; `local` manages it; check
# --wait succeeds when the server comes up during the wait.
source "$(dirname "$0")/lib.sh"
mkdir project && cd project

run "$AGENTPG" local status
expect_code 3
expect_out "state    absent"

run "$AGENTPG" --local check
expect_code 0
expect_err "creating the local PostgreSQL cluster in $WORK/project/.agentpg"
expect_out "database  agentpg_development"
[ -d .agentpg/data ] || fail "no .agentpg/data"

run "$AGENTPG" local url
expect_code 0
url=$(out)
case "$url" in postgresql://postgres@/agentpg_development\?host=$WORK/project/.agentpg/run\&port=*) ;;
  *) fail "unexpected URL $url" ;; esac
run psql -X -A -t "$url" -c "select current_database()"
expect_out "agentpg_development"

run "$AGENTPG" local stop
expect_code 0
expect_out "local PostgreSQL stopped"
run "$AGENTPG" --json local status
expect_code 3
[ "$(json_get 'd["state"]')" = "stopped" ] || fail "state after stop: $(out)"

# check --wait: the server comes up two seconds into the wait.
export DATABASE_URL=$url
(sleep 2; "$AGENTPG" local start >/dev/null 2>&1) &
starter=$!
run "$AGENTPG" check --wait 30
wait $starter
expect_code 0
expect_err "waiting up to 30 s"
expect_out "ok connected"

# --local wins over a configured DATABASE_URL, and says so once.
export DATABASE_URL="$(db_url postgres)"
run "$AGENTPG" --local check
expect_code 0
expect_err "agentpg: using the project-local PostgreSQL in $WORK/project/.agentpg/ (--local), not the database URL from DATABASE_URL"
[ "$(grep -c 'project-local PostgreSQL' "$WORK/err")" = 1 ] || fail "the --local notice is not said exactly once: $(err)"
expect_out "database  agentpg_development"
export DATABASE_URL=$url

run "$AGENTPG" local stop
run "$AGENTPG" check --wait 2
expect_code 3
expect_err "no server is listening on that socket"

run "$AGENTPG" --yes local destroy
expect_code 0
[ ! -e .agentpg ] || fail ".agentpg still exists"
