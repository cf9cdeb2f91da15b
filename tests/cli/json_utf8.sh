# --json output is valid UTF-8 JSON whatever bytes a file name or path holds: a migration
# file name that is not well-formed UTF-8 (Latin-1, an overlong form, a surrogate) is
# refused at discovery, named with its bad bytes as \xHH; a migrations folder whose path
# is not UTF-8 is shown with U+FFFD in JSON; text output never crashes.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
# strict_json: stdout decodes as strict UTF-8 and parses as one JSON document.
strict_json() {
  python3 -c 'import json,sys; json.loads(open(sys.argv[1], "rb").read().decode("utf-8", "strict"))' "$WORK/out" ||
    fail "stdout is not valid UTF-8 JSON: $(od -c "$WORK/out" | head -20)"
}
migration 20240101000000 ok "CREATE TABLE ok (id int);" "DROP TABLE ok;"
run "$AGENTPG" migrate
expect_code 0

for bad in 'caf\xe9' 'x\xc0\xaf' 'sur\xed\xa0\x80' 'cut\xe2\x82' 'big\xf4\x90\x80\x80'; do
  name="20240102000000_$(printf "$bad").sql"
  shown="20240102000000_$(printf '%s' "$bad" | sed 's/\\x\(..\)/\\x\U\1/g').sql"
  printf -- '-- migrate:up\nCREATE TABLE nope (id int);\n' >"migrations/$name"
  run "$AGENTPG" --json status
  expect_code 5
  strict_json
  expect_err "migrations/$shown: the file name is not UTF-8 text without control characters"
  [ "$(json_get 'd["error"]["kind"]')" = validation ] || fail "$bad: $(out)"
  run "$AGENTPG" status
  expect_code 5
  expect_err "$shown"
  run "$AGENTPG" migrate
  expect_code 5
  rm "migrations/$name"
done
[ "$(sql_value "$db" "select count(*) from agentpg.schema_migrations")" = 1 ] || fail "a refused file was recorded"
[ "$(sql_value "$db" "select to_regclass('nope') is null")" = t ] || fail "a refused file ran"

# A migrations folder whose path is not UTF-8: JSON shows U+FFFD for the byte, text the path.
odd="$WORK/caf$(printf '\xe9')"
mkdir "$odd"
cp migrations/*.sql "$odd/"
run "$AGENTPG" --json --migrations-dir "$odd" status
expect_code 0
strict_json
[ "$(json_get 'd["migrations"][0]["file"].endswith("caf\ufffd/20240101000000_ok.sql")')" = True ] || fail "path: $(out)"
run "$AGENTPG" --migrations-dir "$odd" status
expect_code 0
expect_out "20240101000000"
