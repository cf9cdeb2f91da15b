# Shared helpers for the CLI scenarios: each scenario is one bash script that runs the
# real binary and asserts its exit code, stdout and stderr.
set -Eeuo pipefail
# A command that fails outside run() stops the scenario: say which one.
trap 'echo "FAIL [${SCENARIO:-?}]: line $LINENO: $BASH_COMMAND (exit $?)" >&2' ERR

: "${AGENTPG:?AGENTPG must name the agentpg binary (ctest sets it)}"
: "${AGENTPG_TEST_CLUSTER:?AGENTPG_TEST_CLUSTER must name the test cluster folder (ctest sets it)}"
export NO_COLOR=1
unset DATABASE_URL PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD

SCENARIO=$(basename "$0" .sh)
WORK=$(mktemp -d "/tmp/agentpg-cli-$SCENARIO-XXXXXX")
chmod 755 "$WORK"
# Databases a scenario made, one a line (a file: new_db runs in command substitutions).
DB_LIST=$WORK/.databases
touch "$DB_LIST"
cleanup() {
  while IFS= read -r db; do
    psql_admin -c "DROP DATABASE IF EXISTS \"${db//\"/\"\"}\" WITH (FORCE)" >/dev/null 2>&1 || true
  done <"$DB_LIST"
  rm -rf "$WORK"
}
# forget_db_later NAME: drops NAME when the scenario ends.
forget_db_later() { echo "$1" >>"$DB_LIST"; }
trap cleanup EXIT
cd "$WORK"

fail() {
  echo "FAIL [$SCENARIO]: $*" >&2
  echo "--- stdout:" >&2; cat "$WORK/out" >&2 2>/dev/null || true
  echo "--- stderr:" >&2; cat "$WORK/err" >&2 2>/dev/null || true
  exit 1
}

# run CMD...: runs it, keeping stdout in $WORK/out, stderr in $WORK/err, exit code in $CODE.
run() {
  CODE=0
  "$@" >"$WORK/out" 2>"$WORK/err" </dev/null || CODE=$?
}
out() { cat "$WORK/out"; }
err() { cat "$WORK/err"; }
expect_code() { [ "$CODE" -eq "$1" ] || fail "expected exit $1, got $CODE"; }
expect_out() { grep -qF -- "$1" "$WORK/out" || fail "stdout lacks: $1"; }
expect_err() { grep -qF -- "$1" "$WORK/err" || fail "stderr lacks: $1"; }
expect_no() { ! grep -qF -- "$1" "$WORK/out" "$WORK/err" || fail "output contains: $1"; }
expect_json() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$WORK/out" || fail "stdout is not JSON"; }
# json_get EXPR: evaluates a Python expression over the JSON on stdout as `d`.
json_get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); v=($1); print(v)" "$WORK/out"; }

CLUSTER_PORT=$(cat "$AGENTPG_TEST_CLUSTER/port")
CLUSTER_SOCKET=$("$AGENTPG" --local-dir "$AGENTPG_TEST_CLUSTER" --json local status |
                 python3 -c 'import json,sys; print(json.load(sys.stdin)["socket_dir"])')

# db_url NAME: the test cluster's URL for database NAME, over its unix socket.
db_url() { echo "postgresql://postgres@/$1?host=$CLUSTER_SOCKET&port=$CLUSTER_PORT"; }
psql_admin() { psql -X -q -v ON_ERROR_STOP=1 "$(db_url postgres)" "$@"; }
psql_db() { local db=$1; shift; psql -X -q -A -t -v ON_ERROR_STOP=1 "$(db_url "$db")" "$@"; }

# new_db: creates an empty database for this scenario and prints its name.
new_db() {
  local name="t_${SCENARIO}_$$_$(wc -l <"$DB_LIST")"
  forget_db_later "$name"
  psql_admin -c "CREATE DATABASE \"$name\"" >/dev/null
  echo "$name"
}

# migration VERSION NAME UP [DOWN] [UP_OPTIONS]: writes migrations/VERSION_NAME.sql.
migration() {
  mkdir -p migrations
  {
    echo "-- migrate:up ${5:-}"
    printf '%s\n' "$3"
    if [ "$#" -ge 4 ]; then
      echo "-- migrate:down"
      printf '%s\n' "$4"
    fi
  } >"migrations/$1_$2.sql"
}
# count_rows DB SQL: the single value a query returns.
sql_value() { psql_db "$1" -c "$2"; }
# wait_for DB SQL: polls (up to 20 s) until SQL on DB returns t; fails loudly otherwise.
wait_for() {
  for _ in $(seq 200); do
    [ "$(sql_value "$1" "$2" 2>/dev/null)" = t ] && return 0
    sleep 0.1
  done
  fail "gave up waiting for: $2"
}

# shop_project DB: in the current folder, a project of two modules: shop (migrated: items with
# an identity, a serial and a trigger that writes shop.log) and extra (not migrated); then
# the seeds of seeds/dev load, with a small use of YAML anchors and aliases.
shop_project() {
  local db=$1
  mkdir -p migrations/shop migrations/extra seeds/dev
  cat >migrations/shop/20240101000000_shop.sql <<'SQL'
-- migrate:up
CREATE SCHEMA shop;
CREATE TABLE shop.items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, serial_no serial,
                         name text UNIQUE NOT NULL, tags jsonb);
CREATE TABLE shop.log (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, item text);
CREATE FUNCTION shop.log_item() RETURNS trigger LANGUAGE plpgsql AS
  $$BEGIN INSERT INTO shop.log (item) VALUES (NEW.name); RETURN NEW; END$$;
CREATE TRIGGER log_item AFTER INSERT ON shop.items FOR EACH ROW EXECUTE FUNCTION shop.log_item();
-- migrate:down
DROP SCHEMA shop CASCADE;
SQL
  printf -- '-- migrate:up\nCREATE SCHEMA extra;\nCREATE TABLE extra.things (name text PRIMARY KEY);\n-- migrate:down\nDROP SCHEMA extra CASCADE;\n' \
    >migrations/extra/20240102000000_extra.sql
  run "$AGENTPG" --modules shop migrate
  expect_code 0

  # A small, legitimate use of anchors and aliases still loads.
  cat >seeds/dev/10_shop.items.yaml <<'YAML'
table: shop.items
key: [name]
rows:
  - {name: apple, tags: &fruit {kind: fruit, colours: [red, green]}}
  - {name: pear, tags: *fruit}
YAML
  echo 'table: extra.things' >seeds/dev/20_extra.things.yaml && printf 'rows:\n  - {name: x}\n' >>seeds/dev/20_extra.things.yaml
  run "$AGENTPG" --json seed --env dev
  expect_code 0
  [ "$(sql_value "$db" "select string_agg(name || '=' || tags::text, ';' order by name) from shop.items")" = \
    'apple={"kind": "fruit", "colours": ["red", "green"]};pear={"kind": "fruit", "colours": ["red", "green"]}' ] ||
    fail "aliases were not expanded: $(sql_value "$db" "select * from shop.items")"
}
