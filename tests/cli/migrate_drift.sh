# Drift (a changed or vanished applied file) and out-of-order pending versions.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
migration 10 a "CREATE TABLE a (id int);"
migration 20 b "CREATE TABLE b (id int);"
run "$AGENTPG" migrate
expect_code 0

# CRLF line ends and a BOM are not changes.
printf '\xef\xbb\xbf' >"$WORK/bom" && sed 's/$/\r/' migrations/10_a.sql >>"$WORK/bom" && mv "$WORK/bom" migrations/10_a.sql
run "$AGENTPG" check
expect_code 0

echo "-- edited" >>migrations/10_a.sql
run "$AGENTPG" status
expect_out "changed  10"
run "$AGENTPG" migrate
expect_code 5
expect_err "applied migrations differ from the files on disk:"
expect_err "changed migrations/10_a.sql"
run "$AGENTPG" check
expect_code 5
run "$AGENTPG" --allow-drift migrate
expect_code 0

rm migrations/20_b.sql
run "$AGENTPG" --json status
[ "$(json_get '[m["state"] for m in d["migrations"]]')" = "['changed', 'missing']" ] || fail "status: $(out)"
run "$AGENTPG" migrate
expect_code 5
expect_err "missing 20_b"

migration 20 b "CREATE TABLE b (id int);"
migration 10 a "CREATE TABLE a (id int);"
migration 15 late "CREATE TABLE late (id int);"
run "$AGENTPG" migrate
expect_code 5
expect_err "pending migrations are older than the newest applied one (20):"
expect_err "migrations/15_late.sql"
[ "$(sql_value "$db" "select to_regclass('public.late') is null")" = t ] || fail "applied out of order"
run "$AGENTPG" migrate --allow-out-of-order
expect_code 0
expect_out "applied 1 migration (20 -> 20)"
