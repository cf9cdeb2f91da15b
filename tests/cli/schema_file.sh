# The schema file: migrate and rollback rewrite schema.sql; two databases built the same way
# give byte-identical files, and so do two runs; no secret, owner, version banner or
# \restrict key in it; load builds an empty database from it (status clean, migrate has
# nothing to do) and refuses a non-empty one (exit 8); check --schema exits 5 with a diff
# after a manual ALTER TABLE; --no-schema-file and schema_file: false write nothing.
source "$(dirname "$0")/lib.sh"
a=$(new_db)
b=$(new_db)
migration 20240101000000 shop "CREATE SCHEMA shop;
CREATE TABLE shop.items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text UNIQUE NOT NULL);
CREATE INDEX items_lower ON shop.items (lower(name));
CREATE FUNCTION shop.one() RETURNS int LANGUAGE sql AS 'SELECT 1';" "DROP SCHEMA shop CASCADE;"
migration 20240102000000 names "CREATE VIEW shop.names AS SELECT name FROM shop.items;" "DROP VIEW shop.names;"

run "$AGENTPG" --database-url "$(db_url "$a")" migrate
expect_code 0
expect_out "wrote schema.sql"
cp schema.sql a.sql
grep -q "^CREATE TABLE shop.items (" a.sql || fail "no table in schema.sql: $(cat a.sql)"
grep -q "^CREATE INDEX items_lower ON shop.items" a.sql || fail "no index in schema.sql"
grep -q "^-- migration 20240102000000 - names [0-9a-f]\{64\}$" a.sql || fail "no applied migration line: $(tail -n 5 a.sql)"
! grep -E '\\restrict|\\unrestrict|Dumped (from|by)|Owner: [^-]|OWNER TO|agentpg\.schema_migrations|GRANT ' a.sql ||
  fail "schema.sql holds what varies or is agentpg's own"

# Another database, built the same way through a URL with a password: the same bytes.
secret_url="postgresql://postgres:Hunter2secret@/$b?host=$CLUSTER_SOCKET&port=$CLUSTER_PORT"
run "$AGENTPG" --database-url "$secret_url" --schema-file b.sql migrate
expect_code 0
cmp a.sql b.sql || fail "two databases built the same way differ: $(diff a.sql b.sql)"
! grep -q Hunter2secret b.sql || fail "the password is in the schema file"
! grep -q "$b" b.sql || fail "the database name is in the schema file"
# Two runs give the same; dump writes the same file, and - prints it.
run "$AGENTPG" --database-url "$(db_url "$a")" dump
expect_code 0
expect_out "wrote schema.sql: the schema of database $a and its 2 applied migrations"
cmp a.sql schema.sql || fail "dump differs from what migrate wrote"
run "$AGENTPG" --database-url "$(db_url "$a")" dump --to -
expect_code 0
cmp a.sql "$WORK/out" || fail "dump --to - differs"
# Nothing migrated: the file is left as it is.
touch -d '2000-01-01' schema.sql
run "$AGENTPG" --database-url "$(db_url "$a")" migrate
expect_code 0
expect_no "wrote"
[ "$(stat -c %Y schema.sql)" = "$(date -d 2000-01-01 +%s)" ] || fail "a no-op migrate rewrote schema.sql"

# load: an empty database is built from the file; status says everything is applied.
c=$(new_db)
run "$AGENTPG" --database-url "$(db_url "$c")" load a.sql
expect_code 0
expect_out "loaded a.sql into database $c"
expect_out "2 migrations recorded as applied, up to 20240102000000"
run "$AGENTPG" --database-url "$(db_url "$c")" status --exit-code
expect_code 0
expect_out "2 applied, 0 pending, 0 changed, 0 missing, 0 failed"
run "$AGENTPG" --database-url "$(db_url "$c")" migrate
expect_code 0
expect_out "nothing to migrate"
run "$AGENTPG" --database-url "$(db_url "$c")" dump --to -
cmp a.sql "$WORK/out" || fail "the loaded database dumps differently: $(diff a.sql "$WORK/out")"
# The history it recorded lets a rollback run the down sections.
run "$AGENTPG" --database-url "$(db_url "$c")" --yes --no-schema-file rollback
expect_code 0
[ "$(sql_value "$c" "select count(*) from pg_views where viewname = 'names'")" = 0 ] || fail "rollback after load left the view"
# A database that is not empty is refused, and left as it was.
run "$AGENTPG" --database-url "$(db_url "$a")" load a.sql
expect_code 8
expect_err "database $a is not empty"
expect_err "TABLE shop.items"
# A file without the list of migrations is not a schema file.
echo "CREATE TABLE x (id int);" >plain.sql
d=$(new_db)
run "$AGENTPG" --database-url "$(db_url "$d")" load plain.sql
expect_code 5
expect_err "plain.sql is not a schema file written by agentpg"

# check --schema: the database against the committed file.
run "$AGENTPG" --database-url "$(db_url "$a")" check --schema
expect_code 0
expect_out "schema.sql: matches the database"
sql_value "$a" "ALTER TABLE shop.items ADD COLUMN price numeric" >/dev/null
run "$AGENTPG" --database-url "$(db_url "$a")" check --schema
expect_code 5
expect_out "TABLE shop.items: differs"
expect_out "+    price numeric"
expect_err "differs from schema.sql"
run "$AGENTPG" --json --database-url "$(db_url "$a")" check --schema
expect_code 5
[ "$(json_get 'd["schema_file"]["matches"]')" = False ] || fail "check --schema --json: $(out)"

# rollback rewrites it; --no-schema-file and schema_file: false leave it alone.
run "$AGENTPG" --database-url "$(db_url "$b")" --schema-file b.sql --yes rollback
expect_code 0
expect_out "wrote b.sql"
! grep -q "CREATE VIEW shop.names" b.sql || fail "rollback did not rewrite b.sql"
cp b.sql b.before
run "$AGENTPG" --database-url "$(db_url "$b")" --schema-file b.sql --no-schema-file migrate
expect_code 0
cmp b.sql b.before || fail "--no-schema-file wrote the file"
echo "schema_file: false" >agentpg.yaml
run "$AGENTPG" --database-url "$(db_url "$b")" --yes rollback
expect_code 0
expect_no "wrote"
cmp a.sql schema.sql || fail "schema_file: false wrote schema.sql"
