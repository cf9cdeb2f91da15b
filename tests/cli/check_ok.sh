# check against a running server: human and JSON reports.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")

run "$AGENTPG" check
expect_code 0
expect_out "ok connected to postgresql://postgres@/$db"
expect_out "PostgreSQL 15"
expect_out "history   none yet"

run "$AGENTPG" --json check
expect_code 0
expect_json
[ "$(json_get 'd["ok"], d["database"], d["user"], d["history_table"]')" = "(True, '$db', 'postgres', False)" ] ||
  fail "unexpected JSON: $(out)"

run "$AGENTPG" --quiet check
expect_code 0
[ ! -s "$WORK/out" ] && [ ! -s "$WORK/err" ] || fail "--quiet printed something"
