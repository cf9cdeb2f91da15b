# dbmate, golang-migrate and diesel projects as they are: applied, rolled back to base
# and re-applied, with the schema dump the same before and after, and nothing left at base.
source "$(dirname "$0")/lib.sh"
fixtures=$AGENTPG_SOURCE/tests/fixtures
dump() { pg_dump --schema-only --no-owner --exclude-schema=agentpg "$(db_url "$1")" | grep -v -e '^--' -e '^\\restrict' -e '^\\unrestrict' | sed '/^$/d'; }

for layout in dbmate/db/migrations:4 golang-migrate:2 diesel/migrations:3; do
  dir=${layout%%:*}
  count=${layout##*:}
  db=$(new_db)
  export DATABASE_URL=$(db_url "$db")
  empty=$(dump "$db")

  run "$AGENTPG" --migrations-dir "$fixtures/$dir" migrate
  expect_code 0
  expect_out "applied $count migrations"
  dump "$db" >"$WORK/before.sql"
  [ "$(sql_value "$db" "select count(*) from agentpg.schema_migrations where status = 'applied'")" = "$count" ] ||
    fail "$dir: history count"

  run "$AGENTPG" --migrations-dir "$fixtures/$dir" --yes rollback --to base
  expect_code 0
  expect_out "reverted $count migrations"
  [ "$(dump "$db")" = "$empty" ] || fail "$dir: rollback to base left objects behind: $(dump "$db")"

  run "$AGENTPG" --migrations-dir "$fixtures/$dir" migrate
  expect_code 0
  dump "$db" >"$WORK/after.sql"
  diff "$WORK/before.sql" "$WORK/after.sql" >&2 || fail "$dir: schema differs after the round trip"
done
grep -q "posts_title" "$WORK/after.sql" || fail "diesel's transaction:false index is missing"
