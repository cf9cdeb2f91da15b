# Variables in migration files: :'name' (a literal), :"name" (an identifier) and, where the
# header says `-- agentpg: vars raw`, :name; values from agentpg.yaml's vars:, then
# AGENTPG_VAR_<NAME>, then --var (which wins). Hostile values never break out of their
# quotes (checked in the catalog); an unset variable is exit 2 with file and line; files
# without the header are untouched; --dry-run masks secrets; the history keeps the text as
# written, and its checksum is the file's, so another value is not drift.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
mkdir -p migrations
cat >migrations/10_plain.sql <<'SQL'
-- migrate:up
CREATE TABLE plain (v text);
INSERT INTO plain SELECT ':kept' WHERE 1 = 1;
-- migrate:down
DROP TABLE plain;
SQL
cat >migrations/20_vars.sql <<'SQL'
-- agentpg: vars
-- migrate:up
CREATE SCHEMA :"app_schema";
CREATE TABLE :"app_schema".notes (label text, secret text, n int);
INSERT INTO :"app_schema".notes
  SELECT :'label', :'api_token', 1::int  -- :'not_a_variable' in a comment
  WHERE ':label' <> $$ :'label' $$;
-- migrate:down
DROP TABLE :"app_schema".notes;
DROP SCHEMA :"app_schema";
SQL
cat >agentpg.yaml <<'YAML'
vars:
  app_schema: from_yaml
  label: from yaml
YAML

# Unset: exit 2, naming file and line, before anything of that migration ran (10 ran).
run "$AGENTPG" migrate
expect_code 2
expect_err "migrations/20_vars.sql:6: variable 'api_token' is not set"
expect_err "AGENTPG_VAR_api_token"

# Hostile values: a quote with a DROP, a backslash before the quote, a newline; a schema
# name with a double quote and a semicolon. --var wins over the environment and the file.
export AGENTPG_VAR_app_schema='env"; DROP TABLE plain; --'
hostile=$'it\'s\\\'; DROP TABLE plain; --\nnext'
run "$AGENTPG" migrate --dry-run --var "label=$hostile" --var api_token=s3cr3t-value
expect_code 0
expect_out "'****'"
expect_no "s3cr3t-value"
expect_out 'CREATE SCHEMA "env""; DROP TABLE plain; --";'
[ "$(sql_value "$db" "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'env%'")" = 0 ] ||
  fail "the dry run applied something"

run "$AGENTPG" migrate --var "label=$hostile" --var api_token=s3cr3t-value
expect_code 0
[ "$(sql_value "$db" "SELECT count(*) FROM pg_namespace WHERE nspname = 'env\"; DROP TABLE plain; --'")" = 1 ] ||
  fail "the schema was not created under its exact name"
[ "$(sql_value "$db" "SELECT to_regclass('plain') IS NOT NULL")" = t ] || fail "a value broke out: plain was dropped"
[ "$(sql_value "$db" "SELECT v FROM plain")" = ":kept" ] || fail "a file without the header was changed"
got=$(psql_db "$db" -c "SELECT label FROM \"env\"\"; DROP TABLE plain; --\".notes")
[ "$got" = "$hostile" ] || fail "the label arrived as [$got]"
[ "$(psql_db "$db" -c "SELECT secret FROM \"env\"\"; DROP TABLE plain; --\".notes")" = s3cr3t-value ] ||
  fail "the secret did not arrive"

# The history keeps the text as written (no value, no secret) and the file's checksum.
[ "$(sql_value "$db" "SELECT position('s3cr3t' in up_sql) = 0 AND up_sql LIKE '%:''api_token''%' FROM agentpg.schema_migrations WHERE version = '20'")" = t ] ||
  fail "the history holds the substituted text"
[ "$(sql_value "$db" "SELECT checksum FROM agentpg.schema_migrations WHERE version = '20'")" = \
  "$(sha256sum migrations/20_vars.sql | cut -d' ' -f1)" ] || fail "the checksum is not the file's"
run "$AGENTPG" status --exit-code
expect_code 0

# The down section gets the values too (the environment's schema name now).
run "$AGENTPG" --yes rollback --var label=x --var api_token=y
expect_code 0
[ "$(sql_value "$db" "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'env%'")" = 0 ] ||
  fail "the down section did not drop the schema"
unset AGENTPG_VAR_app_schema

# Values from agentpg.yaml; a NUL byte cannot come from the command line, but a raw :name
# without `vars raw` is refused, and with it spliced in.
run "$AGENTPG" migrate --var api_token=t
expect_code 0
[ "$(sql_value "$db" "SELECT label FROM from_yaml.notes")" = "from yaml" ] || fail "yaml vars not used"
cat >migrations/30_raw.sql <<'SQL'
-- agentpg: vars
-- migrate:up
SELECT :cols;
SQL
run "$AGENTPG" migrate --var api_token=t --var cols=1
expect_code 2
expect_err "migrations/30_raw.sql:3: :cols would put the value in as it is (raw SQL)"
sed -i 's/-- agentpg: vars/-- agentpg: vars raw/' migrations/30_raw.sql
sed -i 's/SELECT :cols;/CREATE TABLE raw_t AS SELECT :cols;/' migrations/30_raw.sql
run "$AGENTPG" migrate --var api_token=t --var "cols=1 AS one, 2 AS two"
expect_code 0
[ "$(sql_value "$db" "SELECT one + two FROM raw_t")" = 3 ] || fail "raw value not spliced"

# vars_enabled turns quoted variables on for files without the header; a bad --var is 2.
cat >migrations/40_everywhere.sql <<'SQL'
-- migrate:up
CREATE TABLE everywhere AS SELECT :'label' AS label;
SQL
run "$AGENTPG" migrate --var api_token=t
expect_code 4
run env AGENTPG_VARS_ENABLED=true "$AGENTPG" migrate --var api_token=t --var label=on
expect_code 0
[ "$(sql_value "$db" "SELECT label FROM everywhere")" = on ] || fail "vars_enabled did not substitute"
run "$AGENTPG" status --var novalue
expect_code 2
expect_err "--var takes NAME=VALUE"
