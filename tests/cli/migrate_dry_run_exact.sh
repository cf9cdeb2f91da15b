# --dry-run prints exactly what migrate sends: its SQL, run by psql on one database, gives
# the same schema and history as migrate on another.
source "$(dirname "$0")/lib.sh"
fixtures=$AGENTPG_SOURCE/tests/fixtures/dbmate/db/migrations
a=$(new_db)
b=$(new_db)
run "$AGENTPG" --database-url "$(db_url "$a")" --migrations-dir "$fixtures" migrate --dry-run
expect_code 0
cp "$WORK/out" "$WORK/plan.sql"
psql -X -q -v ON_ERROR_STOP=1 "$(db_url "$a")" -f "$WORK/plan.sql" >/dev/null || fail "psql could not run the dry-run SQL"
run "$AGENTPG" --database-url "$(db_url "$b")" --migrations-dir "$fixtures" migrate
expect_code 0
dump() { pg_dump --schema-only --no-owner "$(db_url "$1")" | grep -v -e '^--' -e '^\\restrict' -e '^\\unrestrict' | sed '/^$/d'; }
[ "$(dump "$a")" = "$(dump "$b")" ] || fail "schemas differ"
history="select string_agg(version || name || module || checksum || status, ',' order by version) from agentpg.schema_migrations"
[ "$(sql_value "$a" "$history")" = "$(sql_value "$b" "$history")" ] || fail "history differs"
