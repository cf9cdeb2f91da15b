# accept VERSION...: an intended change to an applied migration is recorded (new checksum,
# new kept text) so that nobody needs --allow-drift; a missing file is forgotten; guarded,
# --dry-run, --json; refused for pending and failed migrations.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
migration 10 a "CREATE TABLE a (id int);" "DROP TABLE a;"
migration 20 b "CREATE TABLE b (id int);" "DROP TABLE b;"
migration 30 c "CREATE TABLE c (id int);" "DROP TABLE c;"
run "$AGENTPG" migrate
expect_code 0
old_sum=$(sql_value "$db" "SELECT checksum FROM agentpg.schema_migrations WHERE version = '10'")

# A comment added to 10 and 20 deleted: drift.
migration 10 a "CREATE TABLE a (id int); -- the agents' table" "DROP TABLE a;"
rm migrations/20_b.sql
run "$AGENTPG" migrate
expect_code 5

# Guarded like rollback.
run "$AGENTPG" accept 10 20
expect_code 8
run env AGENTPG_ENV=production "$AGENTPG" --yes accept 10
expect_code 8

# --dry-run: the history writes, nothing changed.
run "$AGENTPG" accept 10 20 --dry-run
expect_code 0
expect_out "UPDATE agentpg.schema_migrations SET"
expect_out "DELETE FROM agentpg.schema_migrations WHERE version = '20'"
[ "$(sql_value "$db" "SELECT checksum FROM agentpg.schema_migrations WHERE version = '10'")" = "$old_sum" ] ||
  fail "the dry run changed the checksum"

# Refusals before anything: a version that is not digits, unknown, pending.
run "$AGENTPG" --yes accept x10
expect_code 2
run "$AGENTPG" --yes accept 99
expect_code 2
migration 40 d "CREATE TABLE d (id int);" "DROP TABLE d;"
run "$AGENTPG" --yes accept 10 40
expect_code 2
expect_err "40 is not applied"
[ "$(sql_value "$db" "SELECT checksum FROM agentpg.schema_migrations WHERE version = '10'")" = "$old_sum" ] ||
  fail "a refused accept changed the history"
rm migrations/40_d.sql

run "$AGENTPG" --yes --json accept 20 10 10
expect_code 0
expect_json
[ "$(json_get '[(a["version"], a["action"]) for a in d["accepted"]]')" = "[('10', 'recorded'), ('20', 'forgotten')]" ] ||
  fail "accept: $(out)"
new_sum=$(sql_value "$db" "SELECT checksum FROM agentpg.schema_migrations WHERE version = '10'")
[ "$new_sum" = "$(sha256sum migrations/10_a.sql | cut -d' ' -f1)" ] || fail "the checksum is not the file's"
[ "$(sql_value "$db" "SELECT up_sql LIKE '%the agents'' table%' FROM agentpg.schema_migrations WHERE version = '10'")" = t ] ||
  fail "the kept text is not the file's"
[ "$(sql_value "$db" "SELECT count(*) FROM agentpg.schema_migrations WHERE version = '20'")" = 0 ] ||
  fail "20 was not forgotten"
[ "$(sql_value "$db" "SELECT to_regclass('b') IS NOT NULL")" = t ] || fail "accept changed the schema"

# No drift any more, without --allow-drift; accepting again changes nothing.
run "$AGENTPG" status --exit-code
expect_code 0
run "$AGENTPG" migrate
expect_code 0
run "$AGENTPG" check
expect_code 0
run "$AGENTPG" --yes accept 10
expect_code 0
expect_out "nothing to accept"

# A failed migration is resolved with migrate --resume/--forget-failed, not accepted.
migration 50 e "SELECT 1/0;" "" "transaction:false"
run "$AGENTPG" migrate
expect_code 4
run "$AGENTPG" --yes accept 50
expect_code 5
[ "$(sql_value "$db" "SELECT status FROM agentpg.schema_migrations WHERE version = '50'")" = failed ] ||
  fail "the failed row changed"
