# redo [--steps N]: reverts the newest N applied migrations and applies them again, guarded
# like rollback; an edited file is reverted with its recorded down section and applied as it
# is now; --dry-run prints both halves and changes nothing; --json.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
migration 10 a "CREATE TABLE a (id int);" "DROP TABLE a;"
migration 20 b "CREATE TABLE b (id int);" "DROP TABLE b;"
migration 30 c "CREATE TABLE c (id int);" "DROP TABLE c;"

run "$AGENTPG" redo --yes
expect_code 2
expect_err "nothing to redo"
run "$AGENTPG" migrate --to 20
expect_code 0

# Guarded: no terminal and no --yes is 8; production without --allow-production is 8.
run "$AGENTPG" redo
expect_code 8
run env AGENTPG_ENV=production "$AGENTPG" --yes redo
expect_code 8
expect_err "production"

# The edit-test loop: change the newest applied file (its table changes name).
migration 20 b "CREATE TABLE b2 (id int);" "DROP TABLE b2;"
run "$AGENTPG" redo --dry-run
expect_code 0
expect_out "DROP TABLE b;"
expect_out "CREATE TABLE b2 (id int);"
[ "$(sql_value "$db" "SELECT to_regclass('b') IS NOT NULL AND to_regclass('b2') IS NULL")" = t ] ||
  fail "the dry run changed the schema"
run "$AGENTPG" --yes redo
expect_code 0
expect_out "reverted 20_b"
expect_out "applied  20_b"
expect_out "redid 1 migration (at 20)"
[ "$(sql_value "$db" "SELECT to_regclass('b') IS NULL AND to_regclass('b2') IS NOT NULL AND to_regclass('c') IS NULL")" = t ] ||
  fail "redo did not revert the applied text and apply the file: $(out)"
run "$AGENTPG" status --exit-code
expect_code 1 # 30 still pending; 20 is no longer changed

# --steps 2, in JSON: both reverted newest first, applied oldest first.
sql_value "$db" "INSERT INTO a VALUES (1)" >/dev/null
run "$AGENTPG" --yes --json redo --steps 2
expect_code 0
expect_json
[ "$(json_get '[s["version"] for s in d["reverted"]]')" = "['20', '10']" ] || fail "reverted: $(out)"
[ "$(json_get '[s["version"] for s in d["applied"]]')" = "['10', '20']" ] || fail "applied: $(out)"
[ "$(json_get 'd["command"]')" = redo ] || fail "command: $(out)"
[ "$(sql_value "$db" "SELECT count(*) FROM a")" = 0 ] || fail "table a was not rebuilt"
[ "$(sql_value "$db" "SELECT count(*) FROM agentpg.schema_migrations")" = 2 ] || fail "history"

# A missing file cannot be applied again: refused before anything is reverted.
rm migrations/20_b.sql
run "$AGENTPG" --yes redo
expect_code 5
expect_err "its file is missing"
[ "$(sql_value "$db" "SELECT to_regclass('b2') IS NOT NULL")" = t ] || fail "reverted anyway"
