# Migrations that work against agentpg's own bookkeeping: two-phase commit, a released
# migration lock, a trigger on the history, a resume after the statements before it were
# edited, a failed CREATE INDEX CONCURRENTLY, a busy table, one version in two modules,
# and a file name that is not text. agentpg never reports what it did not do.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
history() { sql_value "$db" "select coalesce(string_agg(version || ':' || status, ',' order by version), '') from agentpg.schema_migrations"; }
lock_key=7018690069354538785

migration 1 base "CREATE TABLE log (v text);"
run "$AGENTPG" migrate
expect_code 0

# Two-phase commit: refused before anything runs.
migration 2 prepared "INSERT INTO log VALUES ('prepared');
PREPARE TRANSACTION 'agentpg_test';"
run "$AGENTPG" migrate
expect_code 5
expect_err "migrations/2_prepared.sql:3: two-phase commit (PREPARE TRANSACTION, COMMIT/ROLLBACK PREPARED) cannot be part of a migration"
[ "$(history)" = "1:applied" ] || fail "history: $(history)"
rm migrations/2_prepared.sql

# DISCARD ALL releases the migration lock: agentpg takes it again when nobody else has.
migration 3 discard "DISCARD ALL;
INSERT INTO log VALUES ('after discard');" "" "transaction:false"
run "$AGENTPG" migrate
expect_code 0
[ "$(history)" = "1:applied,3:applied" ] || fail "history: $(history)"
# ...and when another session took it meanwhile, the run stops instead of overlapping.
migration 4 unlock "SELECT pg_advisory_unlock_all(), pg_sleep(3);
INSERT INTO log VALUES ('must not run');" "" "transaction:false"
"$AGENTPG" migrate >"$WORK/first.out" 2>"$WORK/first.err" &
first=$!
wait_for "$db" "select count(*) = 1 from pg_stat_activity where datname = current_database() and query like '%pg_sleep(3)%' and pid <> pg_backend_pid()"
psql_db "$db" -c "select pg_advisory_lock($lock_key), pg_sleep(6)" >/dev/null &
holder=$!
code=0
wait "$first" || code=$?
wait "$holder" || true
[ "$code" = 4 ] || fail "expected exit 4 from the run that lost its lock, got $code: $(cat "$WORK/first.err")"
grep -qF "agentpg lost the migration lock, and another session holds it now" "$WORK/first.err" ||
  fail "lost lock not named: $(cat "$WORK/first.err")"
[ "$(sql_value "$db" "select count(*) from log where v = 'must not run'")" = 0 ] || fail "ran without the lock"
sql_value "$db" "delete from agentpg.schema_migrations where version = '4'" >/dev/null
rm migrations/4_unlock.sql

# A trigger that swallows history writes: the write is found wanting, never "applied".
migration 5 trigger "CREATE FUNCTION skip_history() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN IF NEW.version = '6' THEN RETURN NULL; END IF; RETURN NEW; END \$\$;
CREATE TRIGGER skip BEFORE INSERT OR UPDATE ON agentpg.schema_migrations FOR EACH ROW EXECUTE FUNCTION skip_history();"
migration 6 swallowed "INSERT INTO log VALUES ('six');"
run "$AGENTPG" migrate
expect_code 4
expect_err "it changed 0 rows of agentpg.schema_migrations, not 1"
expect_no "applied  6_swallowed"
[ "$(sql_value "$db" "select count(*) from log where v = 'six'")" = 0 ] || fail "six applied without its history"
sql_value "$db" "DROP TRIGGER skip ON agentpg.schema_migrations" >/dev/null
run "$AGENTPG" migrate
expect_code 0
[ "$(sql_value "$db" "select count(*) from log where v = 'six'")" = 1 ] || fail "six applied once"

# Resuming after the statements before the failed one were edited: refused.
migration 7 edited "INSERT INTO log VALUES ('seven-1');
SELECT 1/0;
INSERT INTO log VALUES ('seven-3');" "" "transaction:false"
run "$AGENTPG" migrate
expect_code 4
migration 7 edited "SELECT 0;
INSERT INTO log VALUES ('seven-1');
SELECT 1;
INSERT INTO log VALUES ('seven-3');" "" "transaction:false"
run "$AGENTPG" migrate --resume
expect_code 5
expect_err "statements 1 to 1 changed since they ran, so statement 2 is no longer the one to resume from"
[ "$(sql_value "$db" "select count(*) from log where v = 'seven-1'")" = 1 ] || fail "seven-1 ran twice"
migration 7 edited "INSERT INTO log VALUES ('seven-1');
SELECT 1;
INSERT INTO log VALUES ('seven-3');" "" "transaction:false"
run "$AGENTPG" migrate --resume
expect_code 0
[ "$(sql_value "$db" "select string_agg(v, ',' order by v) from log where v like 'seven%'")" = "seven-1,seven-3" ] ||
  fail "seven rows"

# A failed CREATE UNIQUE INDEX CONCURRENTLY is not "nothing took effect".
sql_value "$db" "CREATE TABLE dup (x int); INSERT INTO dup VALUES (1), (1)" >/dev/null
migration 8 unique "CREATE UNIQUE INDEX CONCURRENTLY dup_x ON dup (x);" "" "transaction:false"
run "$AGENTPG" migrate
expect_code 4
expect_err "a failed CONCURRENTLY statement can leave an INVALID index behind: drop it before resuming"
expect_no "nothing of it took effect"
sql_value "$db" "DROP INDEX dup_x; DELETE FROM dup" >/dev/null
run "$AGENTPG" migrate --resume
expect_code 0

# The migration lock timeout holds for transaction:false statements too.
migration 9 busy "ALTER TABLE log ADD COLUMN w int;" "" "transaction:false"
psql_db "$db" -c "begin; lock table log; select pg_sleep(5); commit" >/dev/null &
locker=$!
wait_for "$db" "select count(*) = 1 from pg_stat_activity where datname = current_database() and query like '%lock table log%' and pid <> pg_backend_pid()"
start=$SECONDS
run "$AGENTPG" --migration-lock-timeout 1 migrate
expect_code 4
expect_err "55P03"
[ $((SECONDS - start)) -lt 4 ] || fail "waited past the lock timeout"
wait "$locker" || true
run "$AGENTPG" migrate --resume
expect_code 0

# One version in two modules is two migrations: with --modules each is told apart.
mkdir -p migrations/m1 migrations/m2
printf -- '-- migrate:up\nSELECT 1;\n' >migrations/m1/20240101000000_x.sql
printf -- '-- migrate:up\nSELECT 1;\n' >migrations/m2/20240101000000_y.sql
run "$AGENTPG" --modules m1 migrate
expect_code 0
run "$AGENTPG" --modules m2 status
expect_out "changed"
run "$AGENTPG" --modules m2 migrate
expect_code 5
rm -r migrations/m1 migrations/m2
sql_value "$db" "delete from agentpg.schema_migrations where version = '20240101000000'" >/dev/null

# COMMIT without a BEGIN in the file: status and --dry-run both say it runs its own way.
migration 10 commits "CREATE TABLE c10 (x int);
COMMIT;
SELECT 1;"
run "$AGENTPG" --json status
[ "$(json_get '[m["transactions"] for m in d["migrations"] if m["version"] == "10"][0]')" = own ] || fail "status: $(out)"
run "$AGENTPG" migrate --dry-run
expect_out "(up, its own BEGIN/COMMIT)"
rm migrations/10_commits.sql

# A file that is no migration may be called anything: a stray README is ignored.
echo notes >"migrations/README$(printf '\xc0\xaf').txt"
run "$AGENTPG" --json status
expect_code 0
rm "migrations/README$(printf '\xc0\xaf').txt"
# A file name that is not UTF-8 text: refused, named with escapes, nothing run.
printf -- '-- migrate:up\nSELECT 1;\n' >"migrations/11_bad$(printf '\xff').sql"
run "$AGENTPG" --json status
expect_code 5
expect_err "11_bad\\xFF.sql: the file name is not UTF-8 text without control characters"
