# Version order in each tool's own layout: a diesel folder mixing diesel's 14-digit and
# diesel 2.2's 18-digit versions is applied in diesel's order and takes a newer migration
# afterwards; golang-migrate's 1, 2, 10 go in numeric order; dbmate's timestamps in
# order; and versions are shown as written (00000000000000, not 0), while the history
# stores them without leading zeros.
source "$(dirname "$0")/lib.sh"
applied_versions() { json_get '[s["version"] for s in d["applied"]]'; }
stored() { sql_value "$1" "select string_agg(version, ',' order by version collate \"C\") from agentpg.schema_migrations"; }

# diesel: each migration needs the one before it in diesel's order.
mkdir -p diesel
diesel_migration() { # diesel_migration FOLDER UP DOWN
  mkdir -p "diesel/$1"
  printf '%s\n' "$2" >"diesel/$1/up.sql"
  printf '%s\n' "$3" >"diesel/$1/down.sql"
}
diesel_migration 00000000000000_diesel_initial_setup "CREATE SCHEMA app;" "DROP SCHEMA app;"
diesel_migration 2025-11-19-091444-0000_create_users "CREATE TABLE app.users (id int PRIMARY KEY);" "DROP TABLE app.users;"
diesel_migration 2025-12-02-120000_add_email "ALTER TABLE app.users ADD email text;" "ALTER TABLE app.users DROP email;"
diesel_migration 2026-01-20-162913_create_posts "CREATE TABLE app.posts (user_id int REFERENCES app.users);" \
  "DROP TABLE app.posts;"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
run "$AGENTPG" --migrations-dir diesel --json migrate
expect_code 0
[ "$(applied_versions)" = "['00000000000000', '202511190914440000', '20251202120000', '20260120162913']" ] ||
  fail "diesel order: $(applied_versions)"
[ "$(json_get 'd["to_version"]')" = 20260120162913 ] || fail "to_version: $(out)"
[ "$(stored "$db")" = "0,202511190914440000,20251202120000,20260120162913" ] || fail "history: $(stored "$db")"
[ "$(sql_value "$db" "select count(*) from information_schema.columns where table_schema = 'app'")" = 3 ] ||
  fail "diesel's migrations did not all apply"

# The project's next migration, made by diesel 2.2: newer, so not out of order.
diesel_migration 2026-02-03-090000-0000_add_title "ALTER TABLE app.posts ADD title text;" "ALTER TABLE app.posts DROP title;"
run "$AGENTPG" --migrations-dir diesel migrate
expect_code 0
expect_out "applied 1 migration (20260120162913 -> 202602030900000000)"
expect_no "older than the newest applied"
# And one made by agentpg: after every existing version.
run "$AGENTPG" --migrations-dir diesel --json new add_body
expect_code 0
made=$(json_get 'd["path"]')
new_version=$(json_get 'd["version"]')
[ "${#new_version}" = 14 ] || fail "new version $new_version"
printf -- '-- migrate:up\nALTER TABLE app.posts ADD body text;\n-- migrate:down\nALTER TABLE app.posts DROP body;\n' >"$made"
run "$AGENTPG" --migrations-dir diesel migrate
expect_code 0
expect_out "applied 1 migration (202602030900000000 -> $new_version)"
run "$AGENTPG" --migrations-dir diesel --json status
[ "$(json_get '[(m["state"], m["version"]) for m in d["migrations"]][:2]')" = \
  "[('applied', '00000000000000'), ('applied', '202511190914440000')]" ] || fail "status: $(out)"
[ "$(json_get 'd["counts"]["applied"]')" = 6 ] || fail "status counts: $(out)"
run "$AGENTPG" --migrations-dir diesel --yes rollback --to base
expect_code 0
expect_out "reverted 6 migrations ($new_version -> empty)"
[ "$(sql_value "$db" "select to_regnamespace('app') is null")" = t ] || fail "rollback to base left app behind"

# agentpg new passes a newer diesel 2.2 version by a second, not by counting on from it.
mkdir -p future/2099-01-01-000000-0000_later
printf 'SELECT 1;\n' >future/2099-01-01-000000-0000_later/up.sql
run "$AGENTPG" --migrations-dir future --json new after_later
expect_code 0
[ "$(json_get 'd["version"]')" = 20990101000001 ] || fail "new after 209901010000000000: $(out)"

# golang-migrate: 1, 2, 10 in numeric order (10 needs 2's column).
mkdir -p golang
printf 'CREATE TABLE accounts (id int);\n' >golang/1_create_accounts.up.sql
printf 'DROP TABLE accounts;\n' >golang/1_create_accounts.down.sql
printf 'ALTER TABLE accounts ADD balance int;\n' >golang/2_add_balance.up.sql
printf 'ALTER TABLE accounts DROP balance;\n' >golang/2_add_balance.down.sql
printf 'ALTER TABLE accounts ADD doubled int GENERATED ALWAYS AS (balance * 2) STORED;\n' >golang/10_add_doubled.up.sql
printf 'ALTER TABLE accounts DROP doubled;\n' >golang/10_add_doubled.down.sql
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
run "$AGENTPG" --migrations-dir golang --json migrate
expect_code 0
[ "$(applied_versions)" = "['1', '2', '10']" ] || fail "golang-migrate order: $(applied_versions)"
run "$AGENTPG" --migrations-dir golang --yes rollback
expect_code 0
expect_out "reverted 1 migration (10 -> 2)"
[ "$(sql_value "$db" "select count(*) from information_schema.columns where table_name = 'accounts'")" = 2 ] ||
  fail "rollback of 10 did not drop its column"

# dbmate: timestamps in order, and 00000000000000 shown as written.
migration 20260120162913 create_orders "CREATE TABLE shop.orders (id int);" "DROP TABLE shop.orders;"
migration 00000000000000 create_schema "CREATE SCHEMA shop;" "DROP SCHEMA shop;"
migration 20251119091444 create_items "CREATE TABLE shop.items (id int PRIMARY KEY);" "DROP TABLE shop.items;"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
run "$AGENTPG" --json migrate
expect_code 0
[ "$(applied_versions)" = "['00000000000000', '20251119091444', '20260120162913']" ] ||
  fail "dbmate order: $(applied_versions)"
[ "$(stored "$db")" = "0,20251119091444,20260120162913" ] || fail "history: $(stored "$db")"
run "$AGENTPG" --yes rollback --steps 2
expect_code 0
expect_out "reverted 2 migrations (20260120162913 -> 00000000000000)"
# Shown as written.
run "$AGENTPG" status
expect_code 0
expect_out "current version: 00000000000000"
grep -qE '^applied +00000000000000 +- +create_schema' "$WORK/out" || fail "status: $(out)"
grep -qE '^pending +20251119091444 +- +create_items' "$WORK/out" || fail "status: $(out)"
run "$AGENTPG" --json status
[ "$(json_get 'd["current_version"]')" = 00000000000000 ] || fail "JSON status: $(out)"
[ "$(json_get 'd["migrations"][0]["version"]')" = 00000000000000 ] || fail "JSON status: $(out)"
run "$AGENTPG" migrate
expect_code 0
expect_out "applied 2 migrations (00000000000000 -> 20260120162913)"
