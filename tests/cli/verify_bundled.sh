# verify on the five bundled systems' migrations: every down is exact but Chad-Core's, which
# leaves the pgvector extension in place on purpose (other schemas may use it; the README
# says why), and nothing else.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
run "$AGENTPG" --json --migrations-dir "$AGENTPG_SOURCE/migrations" verify
expect_code 1
count=$(find "$AGENTPG_SOURCE/migrations" -name '*.sql' | wc -l)
[ "$(json_get 'd["checked"]')" = "$count" ] || fail "not all $count migrations were checked: $(out)"
[ "$(json_get '[m["name"] for m in d["migrations"] if not m["exact"]]')" = "['chad_schema']" ] ||
  fail "the downs that are not exact: $(out)"
[ "$(json_get '[(p["step"], p["objects"]) for m in d["migrations"] for p in m["problems"]]')" = \
  "[('down', ['EXTENSION vector: only in the schema after down', 'COMMENT EXTENSION vector: only in the schema after down'])]" ] ||
  fail "chad's down leaves more than the vector extension: $(out)"
[ "$(sql_value postgres "select count(*) from pg_database where datname ~ '^${db}_verify_'")" = 0 ] ||
  fail "the scratch database is left"
