# adopt: databases migrated by the real dbmate binary, and by exact reproductions of
# golang-migrate's, diesel's and Flyway's history tables, are taken over: status shows
# all applied, migrate applies only newer files, rollback crosses the boundary; a dirty
# golang-migrate version is refused with a way out. baseline needs a non-empty database.
source "$(dirname "$0")/lib.sh"
fixtures=$AGENTPG_SOURCE/tests/fixtures
: "${DBMATE:?DBMATE must name the dbmate binary (scripts/setup installs it)}"
[ -x "$DBMATE" ] || fail "no dbmate binary at $DBMATE: run scripts/setup"
newer() { # newer DIR: a copy of migrations DIR with one newer migration
  rm -rf "$WORK/m" && mkdir -p "$WORK/m" && cp -r "$1/." "$WORK/m/"
  printf -- '-- migrate:up\nCREATE TABLE later (id int);\n-- migrate:down\nDROP TABLE later;\n' >"$WORK/m/20990101000000_later.sql"
}

# dbmate, for real.
db=$(new_db)
export DATABASE_URL="$(db_url "$db")&sslmode=disable"
"$DBMATE" --no-dump-schema --migrations-dir "$fixtures/dbmate/db/migrations" up >/dev/null || fail "dbmate up failed"
newer "$fixtures/dbmate/db/migrations"
run "$AGENTPG" --migrations-dir "$WORK/m" migrate
expect_code 5
expect_err "this database was migrated by dbmate (public.schema_migrations)"
expect_err "run 'agentpg adopt'"
run "$AGENTPG" --migrations-dir "$WORK/m" adopt --dry-run
expect_code 0
expect_out "'adopted from dbmate'"
[ "$(sql_value "$db" "select to_regclass('agentpg.schema_migrations') is null")" = t ] || fail "adopt --dry-run wrote"
expect_no ";;"
# The dry run is the exact SQL: psql applies it as printed to a copy of the database.
copy=$(new_db)
psql_admin -c "DROP DATABASE \"$copy\"" -c "CREATE DATABASE \"$copy\" TEMPLATE \"$db\""
psql_db "$copy" -f "$WORK/out" >/dev/null || fail "psql refused adopt's dry-run SQL: $(out)"
[ "$(sql_value "$copy" "select count(*) from agentpg.schema_migrations")" = 4 ] || fail "adopt's dry-run SQL did not record 4 migrations"
run "$AGENTPG" --migrations-dir "$WORK/m" adopt
expect_code 0
expect_out "adopted 4 migrations from dbmate (public.schema_migrations), up to 20200104120000"
run "$AGENTPG" --migrations-dir "$WORK/m" --json status
[ "$(json_get '[m["state"] for m in d["migrations"]]')" = "['applied', 'applied', 'applied', 'applied', 'pending']" ] || fail "status: $(out)"
[ "$(sql_value "$db" "select distinct applied_by from agentpg.schema_migrations")" = "adopted from dbmate" ] || fail "applied_by"
run "$AGENTPG" --migrations-dir "$WORK/m" migrate
expect_code 0
expect_out "applied 1 migration (20200104120000 -> 20990101000000)"
run "$AGENTPG" --migrations-dir "$WORK/m" --yes rollback --steps 2
expect_code 0
expect_out "reverted 2 migrations (20990101000000 -> 20200103120000)"
[ "$(sql_value "$db" "select count(*) from public.schema_migrations")" = 4 ] || fail "adopt or rollback touched dbmate's table"

# golang-migrate: schema_migrations(version bigint, dirty boolean) with one row.
golang_db() {
  db=$(new_db)
  export DATABASE_URL=$(db_url "$db")
  psql_db "$db" -f "$fixtures/golang-migrate/000001_create_accounts.up.sql" -f "$fixtures/golang-migrate/000002_add_balance.up.sql" >/dev/null
  sql_value "$db" "CREATE TABLE public.schema_migrations (version bigint NOT NULL, dirty boolean NOT NULL, CONSTRAINT schema_migrations_pkey PRIMARY KEY (version));
                   INSERT INTO public.schema_migrations VALUES (2, $1)" >/dev/null
}
golang_db true
newer "$fixtures/golang-migrate"
run "$AGENTPG" --migrations-dir "$WORK/m" adopt
expect_code 5
expect_err "golang-migrate left version 2 dirty in public.schema_migrations"
expect_err "'agentpg adopt --dirty-is applied'"
run "$AGENTPG" --migrations-dir "$WORK/m" adopt --dirty-is applied
expect_code 0
expect_out "adopted 2 migrations from golang-migrate"
golang_db false
run "$AGENTPG" --migrations-dir "$WORK/m" adopt
expect_code 0
run "$AGENTPG" --migrations-dir "$WORK/m" migrate
expect_code 0
expect_out "applied 1 migration"
run "$AGENTPG" --migrations-dir "$WORK/m" --yes rollback --to base
expect_code 0
[ "$(sql_value "$db" "select to_regclass('public.accounts') is null")" = t ] || fail "rollback across the boundary failed"

# diesel: __diesel_schema_migrations(version varchar(50), run_on timestamp).
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
for f in 00000000000000_diesel_initial_setup 2021-08-17-210508_create_posts; do
  psql_db "$db" -f "$fixtures/diesel/migrations/$f/up.sql" >/dev/null
done
sql_value "$db" "CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
                 INSERT INTO __diesel_schema_migrations (version) VALUES ('00000000000000'), ('20210817210508')" >/dev/null
run "$AGENTPG" --migrations-dir "$fixtures/diesel/migrations" adopt
expect_code 0
expect_out "adopted 2 migrations from diesel (public.__diesel_schema_migrations), up to 20210817210508"
run "$AGENTPG" --migrations-dir "$fixtures/diesel/migrations" migrate
expect_code 0
expect_out "applied 1 migration (20210817210508 -> 20210901000000)"

# Flyway: only successful versioned rows count (not the failed one, not the repeatable one).
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
psql_db "$db" -f "$fixtures/golang-migrate/000001_create_accounts.up.sql" >/dev/null
sql_value "$db" "CREATE TABLE flyway_schema_history (installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50), description VARCHAR(200) NOT NULL,
                   type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INT, installed_by VARCHAR(100) NOT NULL,
                   installed_on TIMESTAMP NOT NULL DEFAULT now(), execution_time INT NOT NULL, success BOOLEAN NOT NULL);
                 INSERT INTO flyway_schema_history VALUES
                   (1, '1', 'create accounts', 'SQL', 'V1__create_accounts.sql', 12345, 'app', now(), 10, true),
                   (2, '2', 'add balance', 'SQL', 'V2__add_balance.sql', 23456, 'app', now(), 5, false),
                   (3, NULL, 'views', 'SQL', 'R__views.sql', 34567, 'app', now(), 3, true)" >/dev/null
run "$AGENTPG" --migrations-dir "$fixtures/golang-migrate" adopt
expect_code 0
expect_out "adopted 1 migration from flyway (public.flyway_schema_history), up to 000001"
run "$AGENTPG" --migrations-dir "$fixtures/golang-migrate" migrate
expect_code 0
expect_out "applied 1 migration (000001 -> 000002)"

# baseline: refused on an empty database, records up to VERSION on a built one.
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
run "$AGENTPG" --migrations-dir "$fixtures/golang-migrate" baseline 1
expect_code 5
expect_err "the database holds no tables"
psql_db "$db" -f "$fixtures/golang-migrate/000001_create_accounts.up.sql" >/dev/null
run "$AGENTPG" --migrations-dir "$fixtures/golang-migrate" baseline 1
expect_code 0
expect_err "the database holds tables (public.accounts)"
expect_out "baseline 000001: recorded 1 migration as applied without running them"
run "$AGENTPG" --migrations-dir "$fixtures/golang-migrate" migrate
expect_code 0
expect_out "applied 1 migration (000001 -> 000002)"

# A Caracal database built by Alembic (the document's revision ac870772e55c in
# alembic_version): adopt takes it over with the bundled migrations as they are.
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
for f in "$AGENTPG_SOURCE"/migrations/core/*.sql "$AGENTPG_SOURCE"/migrations/caracal/*.sql; do
  sed -n '/^-- migrate:up/,/^-- migrate:down/p' "$f" | psql_db "$db" >/dev/null
done
sql_value "$db" "create table public.alembic_version (version_num varchar(32) primary key); insert into alembic_version values ('ac870772e55c')" >/dev/null
run "$AGENTPG" --migrations-dir "$AGENTPG_SOURCE/migrations" --modules core,caracal migrate
expect_code 5
expect_err "this database was migrated by alembic"
run "$AGENTPG" --migrations-dir "$AGENTPG_SOURCE/migrations" --modules core,caracal adopt
expect_code 0
expect_out "adopted 2 migrations from alembic (public.alembic_version), up to 20240102000000"
run "$AGENTPG" --migrations-dir "$AGENTPG_SOURCE/migrations" --modules core,caracal status --exit-code
expect_code 0
