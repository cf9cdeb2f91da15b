# A migration whose down section has no SQL (only comments, as `new` writes it) undoes
# nothing: status marks it, and rollback says so before it reverts anything.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
migration 1 kept "CREATE TABLE kept (id int);" "DROP TABLE kept;"
run "$AGENTPG" new add_agents
expect_code 0
file=$(ls migrations/*_add_agents.sql)
grep -qF -- "-- write the SQL that undoes the up section" "$file" || fail "the template's down says nothing: $(cat "$file")"
# The user fills only the up section.
sed -i 's/^-- migrate:up$/-- migrate:up\nCREATE TABLE agents (id int);/' "$file"
version=$(basename "$file" .sql)
run "$AGENTPG" migrate
expect_code 0

run "$AGENTPG" status
expect_code 0
grep -E "applied +${version%%_*} +- +add_agents \(empty down: rollback undoes nothing\)" "$WORK/out" >/dev/null ||
  fail "status does not mark the empty down"
grep -E "applied +1 +- +kept *[0-9]" "$WORK/out" >/dev/null || fail "status marks a down with SQL: $(out)"
run "$AGENTPG" --json status
[ "$(json_get '[m["down"] for m in d["migrations"]]')" = "['sql', 'empty']" ] || fail "json down: $(out)"

# --dry-run warns too, and changes nothing.
run "$AGENTPG" rollback --dry-run
expect_code 0
expect_err "warning: nothing will be undone for $version: its down section has no SQL"

# The warning comes before the "reverted" line (stderr and stdout merged in order).
CODE=0
"$AGENTPG" --yes rollback --steps 2 >"$WORK/out" 2>&1 </dev/null || CODE=$?
expect_code 0
warn_line=$(grep -n "nothing will be undone for $version" "$WORK/out" | cut -d: -f1 || true)
done_line=$(grep -n "reverted 2 migrations" "$WORK/out" | cut -d: -f1 || true)
[ -n "$warn_line" ] && [ -n "$done_line" ] && [ "$warn_line" -lt "$done_line" ] ||
  fail "the warning does not come before the reverted line"
! grep -q "nothing will be undone for 1_kept" "$WORK/out" || fail "1_kept has a down with SQL"
[ "$(sql_value "$db" "select to_regclass('public.agents') is not null and to_regclass('public.kept') is null")" = t ] ||
  fail "catalog after rollback"

# --json carries the list.
sql_value "$db" "drop table agents" >/dev/null
run "$AGENTPG" migrate
expect_code 0
run "$AGENTPG" --yes --json rollback
expect_code 0
[ "$(json_get 'd["empty_down"]')" = "['$version']" ] || fail "json empty_down: $(out)"
