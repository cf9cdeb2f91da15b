# Confirmations on a real terminal list what will be reverted, emptied, dropped or replaced
# before the question; y/yes (any case) goes on, n/no/empty stops with exit 8 and changes
# nothing, anything else asks again (a few times, then stops).
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
# on_terminal ANSWERS COMMAND: runs COMMAND on a pseudo-terminal, typing ANSWERS (one a line).
on_terminal() {
  CODE=0
  printf "$1" | script -qec "$2" /dev/null >"$WORK/out" 2>&1 || CODE=$?
  tr -d '\r' <"$WORK/out" >"$WORK/out.txt" && mv "$WORK/out.txt" "$WORK/out"
}
# before A B: the first line holding A comes before the first line holding B.
before() {
  local a b
  a=$(grep -nF -- "$1" "$WORK/out" | head -1 | cut -d: -f1 || true)
  b=$(grep -nF -- "$2" "$WORK/out" | head -1 | cut -d: -f1 || true)
  [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ] || fail "'$1' does not come before '$2'"
}
applied() { sql_value "$db" "select string_agg(version, ',' order by version) from agentpg.schema_migrations"; }
migration 1 parents "CREATE TABLE parents (id int PRIMARY KEY);" "DROP TABLE parents;"
migration 2 children "CREATE TABLE children (id int, parent int REFERENCES parents);" "DROP TABLE children;"
migration 3 notes "CREATE TABLE notes (id int);" "-- nothing to undo"
run "$AGENTPG" migrate
expect_code 0

# rollback names each migration it would revert, and which undo nothing; 'no' stops.
on_terminal 'no\n' "$AGENTPG rollback --steps 2"
expect_code 8
before "3_notes (its down section has no SQL: nothing will be undone)" "Type 'yes' to go on"
before "2_children" "Type 'yes' to go on"
expect_out "did not roll back 2 migrations of database $db: not confirmed"
[ "$(applied)" = 1,2,3 ] || fail "'no' reverted something"
# An empty answer stops too.
on_terminal '\n' "$AGENTPG rollback"
expect_code 8
[ "$(applied)" = 1,2,3 ] || fail "an empty answer reverted something"
# 'maybe' asks again; 'y' goes on.
on_terminal 'maybe\ny\n' "$AGENTPG rollback --steps 2"
expect_code 0
expect_out "Please answer 'yes' or 'no'"
expect_out "reverted 2 migrations"
[ "$(applied)" = 1 ] || fail "'y' did not revert 3 and 2"
# Three answers that are neither: it stops.
on_terminal 'maybe\nsure\nok\n' "$AGENTPG rollback --to base"
expect_code 8
before "1_parents" "Type 'yes' to go on"
[ "$(applied)" = 1 ] || fail "unclear answers reverted something"

# seed --reset lists every table it would empty (those referring to them too) BEFORE.
run "$AGENTPG" migrate
mkdir -p seeds/development
printf -- '-- fills: public.parents\ninsert into parents values (1), (2);\n' >seeds/development/1_parents.sql
run "$AGENTPG" seed
expect_code 0
sql_value "$db" "insert into children values (1, 1)" >/dev/null
on_terminal 'n\n' "$AGENTPG seed --reset"
expect_code 8
before "public.parents" "Type 'yes' to go on"
before "public.children (refers to a table above)" "Type 'yes' to go on"
[ "$(sql_value "$db" "select count(*) from children")" = 1 ] || fail "'n' emptied children"
on_terminal 'YES\n' "$AGENTPG seed --reset"
expect_code 0
[ "$(sql_value "$db" "select count(*) from children")|$(sql_value "$db" "select count(*) from parents")" = "0|2" ] ||
  fail "seed --reset after yes"

# restore --clean names the database it would replace and the backup; 'no' keeps it.
run "$AGENTPG" backup --output "$WORK/bk"
expect_code 0
dump=$(ls "$WORK"/bk/*.dump)
on_terminal 'no\n' "$AGENTPG restore $dump --clean"
expect_code 8
before "database $db: replaced, with all its data, by the backup $dump" "Type 'yes' to go on"
[ "$(sql_value postgres "select count(*) from pg_database where datname ~ '^${db}_restore_'")" = 0 ] ||
  fail "'no' left a restore copy"

# drop-db names the database; 'no' keeps it.
on_terminal 'no\n' "$AGENTPG drop-db"
expect_code 8
before "database $db (postgresql://" "Type 'yes' to go on"
[ "$(sql_value postgres "select count(*) from pg_database where datname = '$db'")" = 1 ] || fail "'no' dropped the database"

# local destroy asks on a terminal, is refused without --yes off one (like every guard).
mkdir -p .agentpg/data && echo keep >.agentpg/data/file
on_terminal 'no\n' "$AGENTPG local destroy"
expect_code 8
before "$WORK/.agentpg: the local cluster's databases" "Type 'yes' to go on"
[ -e .agentpg/data/file ] || fail "'no' deleted .agentpg"
run "$AGENTPG" local destroy
expect_code 8
expect_err "pass --yes to confirm"
[ -e .agentpg/data/file ] || fail "local destroy off a terminal deleted .agentpg"
on_terminal 'y\n' "$AGENTPG local destroy"
expect_code 0
[ ! -e .agentpg ] || fail "'y' left .agentpg"
