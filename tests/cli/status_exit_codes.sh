# status --exit-code: 0 when all is applied, 1 when some are pending, 5 when one failed,
# changed or is missing (drift wins over pending; --allow-drift leaves only failed ones);
# status --diff and diff VERSION show a change against the text kept in the history.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
migration 10 a "CREATE TABLE a (id int);" "DROP TABLE a;"
migration 20 b "CREATE TABLE b (id int);" "DROP TABLE b;"
run "$AGENTPG" migrate
expect_code 0
run "$AGENTPG" status --exit-code
expect_code 0
run "$AGENTPG" status
expect_code 0

migration 30 c "CREATE TABLE c (id int);" "DROP TABLE c;"
run "$AGENTPG" status --exit-code
expect_code 1

# An edited applied file and a deleted one: drift is 5, also with something pending.
migration 10 a "CREATE TABLE a (id int, note text);" "DROP TABLE a;"
rm migrations/20_b.sql
run "$AGENTPG" status --exit-code
expect_code 5
expect_out "0 applied, 1 pending, 1 changed, 1 missing, 0 failed"
run "$AGENTPG" status
expect_code 0
run "$AGENTPG" --allow-drift status --exit-code
expect_code 1
run "$AGENTPG" --json status --exit-code
expect_code 5
expect_json

# The diff is against the applied text kept in the history, not the checksum alone.
run "$AGENTPG" status --diff
expect_out "migrations/10_a.sql (up, as applied)"
expect_out "-CREATE TABLE a (id int);"
expect_out "+CREATE TABLE a (id int, note text);"
run "$AGENTPG" diff 10
expect_code 0
expect_out "+CREATE TABLE a (id int, note text);"
run "$AGENTPG" --json diff 20
expect_code 0
[ "$(json_get 'd["state"]')" = missing ] || fail "diff 20: $(out)"
[[ "$(json_get 'd["diff"]')" == *"-CREATE TABLE b (id int);"* ]] || fail "diff 20 lacks the applied text: $(out)"
run "$AGENTPG" diff 30
expect_code 2
expect_err "30 is not applied"
run "$AGENTPG" diff 99
expect_code 2

# A failed migration (transaction:false, statement 2 fails) is 5 even with drift allowed.
migration 10 a "CREATE TABLE a (id int);" "DROP TABLE a;"
migration 20 b "CREATE TABLE b (id int);" "DROP TABLE b;"
migration 30 c "CREATE TABLE c (id int);
SELECT 1/0;" "DROP TABLE c;" "transaction:false"
run "$AGENTPG" migrate
expect_code 4
run "$AGENTPG" --allow-drift status --exit-code
expect_code 5
expect_out "1 failed"
[ "$(sql_value "$db" "SELECT status FROM agentpg.schema_migrations WHERE version = '30'")" = failed ] ||
  fail "the failure is not in the history"
