# Every reporting command's --json output validates against docs/output.schema.json,
# errors included, and --quiet prints nothing on success.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
migration 1 one "CREATE TABLE one (id int PRIMARY KEY);" "DROP TABLE one;"
migration 2 two "CREATE TABLE two (id int);" "DROP TABLE two;"
validate() {
  python3 - "$AGENTPG_SOURCE/docs/output.schema.json" "$1" "$WORK/out" <<'PY' || fail "$1 output does not match the schema: $(out)"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
definition = {"$ref": "#/$defs/" + sys.argv[2], "$defs": schema["$defs"]}
jsonschema.validate(json.load(open(sys.argv[3])), definition)
PY
}
run "$AGENTPG" --json status;            expect_code 0; validate status
run "$AGENTPG" --json check;             expect_code 7; validate check
run "$AGENTPG" --json migrate --dry-run; expect_code 0; validate migrate
run "$AGENTPG" --json migrate;           expect_code 0; validate migrate
run "$AGENTPG" --json status;            expect_code 0; validate status
run "$AGENTPG" --json check;             expect_code 0; validate check
run "$AGENTPG" --json init;              expect_code 0; validate init
run "$AGENTPG" --json --yes rollback;    expect_code 0; validate rollback
mkdir -p "$WORK/seeds/development"
printf 'table: public.one\nkey: [id]\nrows: []\n' >"$WORK/seeds/development/one.yaml"
run "$AGENTPG" migrate
run "$AGENTPG" --json --seeds-dir "$WORK/seeds" seed; expect_code 0; validate seed
run "$AGENTPG" --json backup --output "$WORK/backups"; expect_code 0; validate backup
run "$AGENTPG" --json --database-url "postgresql://u:secret@127.0.0.1:1/x" check
expect_code 3
validate error
expect_no secret
run "$AGENTPG" --quiet migrate
expect_code 0
[ ! -s "$WORK/out" ] && [ ! -s "$WORK/err" ] || fail "--quiet migrate printed something"
