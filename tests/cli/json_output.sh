# Every command's --json output is one JSON document that validates against
# docs/output.schema.json as a whole (its top-level oneOf, chosen by "command") and
# against that command's own definition; a failure is an "error" document on stdout with
# the exit code unchanged; every definition of the schema is exercised here; --quiet
# prints nothing on success.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
migration 1 one "CREATE TABLE one (id int PRIMARY KEY);" "DROP TABLE one;"
migration 2 two "CREATE TABLE two (id int);" "DROP TABLE two;"
: >"$WORK/covered"
# validate NAME: stdout is one document, valid against the whole schema and against the
# definition NAME ("error": a failure, with the exit code of the run in it).
validate() {
  python3 - "$AGENTPG_SOURCE/docs/output.schema.json" "$1" "$WORK/out" "$CODE" <<'PY' || fail "$1: --json output does not match the schema: $(out)"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
name, code = sys.argv[2], int(sys.argv[4])
doc = json.load(open(sys.argv[3]))
jsonschema.Draft202012Validator(schema).validate(doc)
jsonschema.validate(doc, {"$ref": "#/$defs/" + name.replace(" ", "_"), "$defs": schema["$defs"]})
if name == "error":
    assert doc["error"]["exit_code"] == code, f"exit code {code}, document says {doc['error']['exit_code']}"
else:
    assert doc["command"] == name, f"command is {doc.get('command')!r}, not {name!r}"
PY
  echo "$1" >>"$WORK/covered"
}
run "$AGENTPG" --json status;            expect_code 0; validate status
run "$AGENTPG" --json lint;              expect_code 0; validate lint
[ "$(json_get '[f["rule"] for f in d["findings"]]')" = "['prefer-bigint-over-int']" ] || fail "lint: $(out)"
run "$AGENTPG" --json check;             expect_code 7; validate check
run "$AGENTPG" --json migrate --dry-run; expect_code 0; validate migrate
run "$AGENTPG" --json migrate;           expect_code 0; validate migrate
run "$AGENTPG" --json status;            expect_code 0; validate status
run "$AGENTPG" --json check;             expect_code 0; validate check
run "$AGENTPG" --json check --report;    expect_code 0; validate check
[ "$(json_get '"findings" in d["report"]')" = True ] || fail "check --report: no report in $(out)"
run "$AGENTPG" --json check --html page.html; expect_code 0; validate check
[ "$(json_get 'd["html_file"]')" = "$WORK/page.html" ] || fail "check --html: html_file is not $WORK/page.html: $(out)"
run "$AGENTPG" --json init;              expect_code 0; validate init
run "$AGENTPG" --json --yes rollback;    expect_code 0; validate rollback
run "$AGENTPG" --json migrate;           expect_code 0; validate migrate
run "$AGENTPG" --json --yes redo;        expect_code 0; validate redo
run "$AGENTPG" --json diff 2;            expect_code 0; validate diff
run "$AGENTPG" --json --yes accept 2;    expect_code 0; validate accept
mkdir -p "$WORK/seeds/development"
printf 'table: public.one\nkey: [id]\nrows: []\n' >"$WORK/seeds/development/one.yaml"
run "$AGENTPG" --json --seeds-dir "$WORK/seeds" seed; expect_code 0; validate seed
run "$AGENTPG" --json backup --output "$WORK/backups"; expect_code 0; validate backup
dump=$(json_get 'd["path"]')
run "$AGENTPG" --json backup verify "$dump"; expect_code 0; validate "backup verify"
run "$AGENTPG" --json backup list --output "$WORK/backups"; expect_code 0; validate "backup list"
forget_db_later "${db}_r"
run "$AGENTPG" --json restore "$dump" --target-db "${db}_r"; expect_code 0; validate restore
run "$AGENTPG" --json maintain --dry-run; expect_code 0; validate maintain
run "$AGENTPG" --json maintain;           expect_code 0; validate maintain
run "$AGENTPG" --json baseline 2;         expect_code 0; validate baseline
run "$AGENTPG" --json dump --to "$WORK/dumped.sql"; expect_code 0; validate dump
forget_db_later "${db}_load"
run "$AGENTPG" --json --database-url "$(db_url "${db}_load")" load "$WORK/dumped.sql"; expect_code 0; validate load
run "$AGENTPG" --json check --schema --schema-file "$WORK/dumped.sql"; expect_code 0; validate check
run "$AGENTPG" --json verify;             expect_code 0; validate verify
run "$AGENTPG" --json new three;          expect_code 0; validate new
rm migrations/*_three.sql
forget_db_later "${db}_new"
run "$AGENTPG" --json --database-url "$(db_url "${db}_new")" create-db; expect_code 0; validate create-db
run "$AGENTPG" --json --yes --database-url "$(db_url "${db}_new")" drop-db; expect_code 0; validate drop-db
# A database migrated by dbmate, taken over.
other=$(new_db)
sql_value "$other" "CREATE TABLE public.schema_migrations (version varchar(128) PRIMARY KEY); INSERT INTO public.schema_migrations VALUES ('1'); CREATE TABLE one (id int PRIMARY KEY);" >/dev/null
run "$AGENTPG" --json --database-url "$(db_url "$other")" adopt; expect_code 0; validate adopt
run "$AGENTPG" --json wait 5;            expect_code 0; validate wait
# The project-local cluster, each action.
mkdir "$WORK/project"
for action in start status url stop destroy; do
  run sh -c "cd '$WORK/project' && '$AGENTPG' --json --yes local $action"
  expect_code 0
  validate "local $action"
done

# The bundled systems: listed, written out, installed with and without seeds.
run "$AGENTPG" --json bundled list; expect_code 0; validate "bundled list"
run "$AGENTPG" --json bundled write caracal --to "$WORK/bundled"; expect_code 0; validate "bundled write"
forget_db_later "${db}_bundled"
run "$AGENTPG" --json --database-url "$(db_url "${db}_bundled")" bundled install caracal --seed demo
expect_code 0; validate "bundled install"
run "$AGENTPG" --json --database-url "$(db_url "${db}_bundled")" bundled install chad
expect_code 0; validate "bundled install"
run "$AGENTPG" --json bundled install nothing; expect_code 2; validate error

# Failures: JSON on stdout, exit code as without --json, secrets masked, the hint kept.
run "$AGENTPG" --json --database-url "postgresql://u:secret@127.0.0.1:1/x" check
expect_code 3; validate error; expect_no secret
run "$AGENTPG" --json migrate --no-such-flag; expect_code 2; validate error
run "$AGENTPG" --json --config "$WORK/absent.yaml" status; expect_code 2; validate error
[ "$(json_get 'd["command"]')" = status ] || fail "a configuration error does not name the command: $(out)"
run "$AGENTPG" --json rollback </dev/null; expect_code 8; validate error
[ -n "$(json_get 'd["error"]["hint"]')" ] || fail "the refusal lost its hint: $(out)"
run "$AGENTPG" --json restore "$WORK/absent.dump"; [ "$CODE" -ne 0 ] || fail "restore of nothing succeeded"; validate error
# A document no definition describes is refused by the schema (so the checks above bite).
printf '{"command": "migrate", "surprise": true}' >"$WORK/out"
! python3 -c 'import json,sys,jsonschema; jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))' \
  "$AGENTPG_SOURCE/docs/output.schema.json" "$WORK/out" 2>/dev/null || fail "the schema accepts anything"
# Every definition with a "command" is exercised above.
python3 - "$AGENTPG_SOURCE/docs/output.schema.json" "$WORK/covered" <<'PY' || fail "definitions not exercised by this test"
import json, sys
defs = json.load(open(sys.argv[1]))["$defs"]
commands = {d["properties"]["command"]["const"] for d in defs.values() if "const" in d.get("properties", {}).get("command", {})}
missing = commands - set(open(sys.argv[2]).read().split("\n"))
assert not missing, f"not run: {sorted(missing)}"
PY

run "$AGENTPG" --quiet migrate
expect_code 0
[ ! -s "$WORK/out" ] && [ ! -s "$WORK/err" ] || fail "--quiet migrate printed something"
