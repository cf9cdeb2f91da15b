# verify on the five bundled systems' migrations: every down is exact; Chad-Core's keeps the
# pgvector extension in place, as its down section says (other schemas may use it), and
# nothing else.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
run "$AGENTPG" --json --migrations-dir "$AGENTPG_SOURCE/migrations" verify
expect_code 0
count=$(find "$AGENTPG_SOURCE/migrations" -name '*.sql' | wc -l)
[ "$(json_get 'd["checked"]')" = "$count" ] || fail "not all $count migrations were checked: $(out)"
[ "$(json_get '[m["name"] for m in d["migrations"] if not m["exact"]]')" = "[]" ] ||
  fail "the downs that are not exact: $(out)"
[ "$(json_get '[(m["name"], m["kept"]) for m in d["migrations"] if m["kept"]]')" = "[('chad_schema', ['EXTENSION vector'])]" ] ||
  fail "only chad's down keeps something, the vector extension: $(out)"
# Without its keeps line, Chad-Core's down is not exact: the extension stays behind.
mkdir -p "$WORK/m"
cp -r "$AGENTPG_SOURCE/migrations/core" "$AGENTPG_SOURCE/migrations/chad" "$WORK/m/"
sed -i '/^-- verify: keeps EXTENSION vector$/d' "$WORK/m/chad/"*.sql
run "$AGENTPG" --json --migrations-dir "$WORK/m" verify
expect_code 1
[ "$(json_get '[(p["step"], p["objects"]) for m in d["migrations"] for p in m["problems"]]')" = \
  "[('down', ['EXTENSION vector: only in the schema after down', 'COMMENT EXTENSION vector: only in the schema after down'])]" ] ||
  fail "chad's down without its keeps line: $(out)"
[ "$(sql_value postgres "select count(*) from pg_database where datname ~ '^${db}_verify_'")" = 0 ] ||
  fail "the scratch database is left"
