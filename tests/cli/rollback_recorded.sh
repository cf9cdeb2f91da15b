# A failed transaction:false down section is recorded and blocks migrate, rollback and
# check until it is resolved; rollback refuses drift unless --allow-drift, and runs the
# down section recorded at apply time for a missing file (or with --recorded-down).
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
history() { sql_value "$db" "select coalesce(string_agg(version || ':' || status || ':' || coalesce(direction, '-') || ':' || coalesce(failed_statement::text, '-'), ',' order by version), '') from agentpg.schema_migrations"; }

migration 1 base "CREATE TABLE base (id int);" "DROP TABLE base;"
migration 2 indexes "CREATE INDEX CONCURRENTLY base_a ON base (id);
CREATE TABLE side (id int);" "DROP INDEX CONCURRENTLY base_a;
DROP TABLE no_such_table;
DROP TABLE side;" "transaction:false"
sed -i 's/^-- migrate:down$/-- migrate:down transaction:false/' migrations/2_indexes.sql
run "$AGENTPG" migrate
expect_code 0
run "$AGENTPG" --yes rollback
expect_code 4
expect_err "rollback of 2_indexes failed at statement 2 (statement 1 took effect)"
expect_err "'agentpg rollback --resume'"
[ "$(history)" = "1:applied:-:-,2:failed:down:2" ] || fail "the failed down is not recorded: $(history)"
[ "$(sql_value "$db" "select to_regclass('public.base_a') is null")" = t ] || fail "statement 1 took effect"
run "$AGENTPG" migrate
expect_code 5
expect_err "the rollback of migrations/2_indexes.sql failed at statement 2 of its down section"
run "$AGENTPG" check
expect_code 5
expect_out "1 failed"
run "$AGENTPG" --yes rollback
expect_code 5
run "$AGENTPG" status
expect_out "failed"
# Fix the down section (its file now differs: resuming still runs it) and resume.
sed -i 's/^DROP TABLE no_such_table;$/DROP TABLE IF EXISTS no_such_table;/' migrations/2_indexes.sql
run "$AGENTPG" --yes rollback --resume
expect_code 0
expect_out "reverted 1 migration (2 -> 1)"
[ "$(history)" = "1:applied:-:-" ] || fail "history after resume: $(history)"
[ "$(sql_value "$db" "select to_regclass('public.side') is null")" = t ] || fail "side dropped"

# --forget-failed on a failed down marks it applied again.
run "$AGENTPG" migrate
expect_code 0
sed -i 's/^DROP TABLE IF EXISTS no_such_table;$/DROP TABLE no_such_table;/' migrations/2_indexes.sql
run "$AGENTPG" --allow-drift --yes rollback
expect_code 4
psql_db "$db" -c "CREATE INDEX base_a ON base (id)" >/dev/null
run "$AGENTPG" --allow-drift migrate --forget-failed
expect_code 0
expect_out "forgot the failed rollback of 2 (it is recorded as applied again)"
[ "$(history)" = "1:applied:-:-,2:applied:-:-" ] || fail "history after forget: $(history)"

# Drift: an applied file whose down section was edited is refused, nothing reverted.
sed -i 's/^DROP TABLE no_such_table;$/SELECT 1;/' migrations/2_indexes.sql
run "$AGENTPG" --yes rollback
expect_code 5
expect_err "migrations to roll back differ from the files on disk (nothing was rolled back)"
expect_err "changed migrations/2_indexes.sql"
[ "$(history)" = "1:applied:-:-,2:applied:-:-" ] || fail "drift refused, yet: $(history)"
# status --diff shows the change against the text recorded when it was applied, as diff -u would.
run "$AGENTPG" status --diff
expect_code 0
expect_out "--- migrations/2_indexes.sql (down, as applied)"
expect_out "+++ migrations/2_indexes.sql (down, now)"
printf '%s\n' "$(sql_value "$db" "select down_sql from agentpg.schema_migrations where version = '2'")" >"$WORK/applied_down.sql"
sed -n '/^-- migrate:down/,$p' migrations/2_indexes.sql | tail -n +2 >"$WORK/now_down.sql"
diff -u "$WORK/applied_down.sql" "$WORK/now_down.sql" | tail -n +3 >"$WORK/expected.diff" || true
sed -n '/^+++ migrations\/2_indexes.sql (down, now)$/,$p' "$WORK/out" | tail -n +2 >"$WORK/shown.diff"
diff "$WORK/expected.diff" "$WORK/shown.diff" >/dev/null || fail "status --diff differs from diff -u: $(cat "$WORK/shown.diff")"
run "$AGENTPG" --json status --diff
expect_json
[ "$(json_get '"+SELECT 1;" in d["migrations"][1]["diff"]')" = True ] || fail "status --json --diff: $(out)"
# --allow-drift --recorded-down runs the down recorded at apply time and says so.
run "$AGENTPG" --allow-drift --yes rollback --recorded-down --dry-run
expect_code 0
expect_out "(down, transaction:false; the down section recorded when it was applied; the file has changed since)"
expect_out "DROP TABLE IF EXISTS no_such_table;"
# --allow-drift alone runs the file's down as it is now, and says so.
run "$AGENTPG" --allow-drift --yes rollback
expect_code 0
expect_out "the file's down section, which has changed since it was applied"
[ "$(history)" = "1:applied:-:-" ] || fail "history: $(history)"

# A migration whose file is gone (another branch) rolls back with its recorded down.
migration 3 branch "CREATE TABLE branch_only (id int);" "DROP TABLE branch_only;"
run "$AGENTPG" migrate
expect_code 0
rm migrations/3_branch.sql
run "$AGENTPG" --yes rollback
expect_code 5
expect_err "missing 3_branch"
run "$AGENTPG" --allow-drift --yes rollback
expect_code 0
expect_out "the down section recorded when it was applied; its file is missing"
[ "$(sql_value "$db" "select to_regclass('public.branch_only') is null")" = t ] || fail "branch_only dropped"
[ "$(history)" = "1:applied:-:-,2:applied:-:-" ] || fail "history: $(history)"
