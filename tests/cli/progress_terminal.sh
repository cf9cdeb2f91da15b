# On a terminal, long work shows a progress line on stderr, rewritten in place and erased
# before any other output: migrate "n/N <file>", seed rows and rows/s per file, backup
# "about N%" of the rows, restore the archive's items. None off a terminal, with --json or
# in CI. -v says each step with its time. Tables fit the terminal; pipes get full lines.
source "$(dirname "$0")/lib.sh"
# The suite itself may run in CI (CI=true), where agentpg draws no progress: the terminal
# cases here are a developer's terminal; the CI case below sets CI itself.
unset CI
pty_run=$AGENTPG_SOURCE/tests/cli/pty_run.py
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
esc=$(printf '\033')
clear=$'\r'"$esc[K"
# on_terminal COLUMNS CMD...: CMD on a terminal COLUMNS wide; every byte it wrote in $WORK/tty,
# and in $WORK/screen what the terminal shows at the end (each line's last rewrite).
on_terminal() {
  local columns=$1
  shift
  CODE=0
  python3 "$pty_run" "$columns" "$WORK/tty" "$@" || CODE=$?
  python3 -c 'import sys
text = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
sys.stdout.write("\n".join(line.split("\r\x1b[K")[-1] for line in text.split("\n")))' \
    "$WORK/tty" >"$WORK/screen"
  cp "$WORK/tty" "$WORK/out" # for fail()
}
tty_has() { grep -qF -- "$1" "$WORK/tty" || fail "the terminal did not get: $(printf %q "$1")"; }
tty_matches() { grep -qE -- "$1" "$WORK/tty" || fail "the terminal got nothing like: $1"; }
tty_lacks() { ! grep -qF -- "$1" "$WORK/tty" || fail "the terminal got: $(printf %q "$1")"; }
# Nothing garbled: no progress text is left on the screen, and it ends on a clean line.
screen_clean() {
  ! grep -qE "$1" "$WORK/screen" || fail "progress left on the screen: $(grep -E "$1" "$WORK/screen")"
  [ "$(tail -c 1 "$WORK/screen" | wc -l)" = 1 ] ||
    fail "the last line was not erased: $(tail -n 1 "$WORK/screen" | cat -v)"
}

# migrate: "n/N applying <file>" for each migration, the slow one too; the report after it.
migration 1 one "CREATE TABLE one (id int PRIMARY KEY, name text);" "DROP TABLE one;"
migration 2 slow "SELECT pg_sleep(0.5);" "SELECT 1;"
migration 3 three "CREATE TABLE three (id int);" "DROP TABLE three;"
on_terminal 100 "$AGENTPG" migrate
expect_code 0
tty_has "${clear}1/3 applying migrations/1_one.sql"
tty_has "${clear}2/3 applying migrations/2_slow.sql"
tty_has "${clear}3/3 applying migrations/3_three.sql"
grep -q '^applied 3 migrations (empty -> 3)' "$WORK/screen" || fail "no report line: $(cat -v "$WORK/screen")"
screen_clean 'applying'

# Off a terminal, with --json on one, in CI: no progress line.
run "$AGENTPG" --yes rollback --to base
expect_code 0
run "$AGENTPG" migrate
expect_code 0
! grep -q -e applying -e $'\r' "$WORK/err" || fail "progress off a terminal"
run "$AGENTPG" --yes rollback --to base
on_terminal 100 "$AGENTPG" --json migrate
expect_code 0
tty_lacks applying && tty_lacks "$clear"
run "$AGENTPG" --yes rollback --to base
on_terminal 100 env CI=true "$AGENTPG" migrate
expect_code 0
tty_lacks applying && tty_lacks "$clear"

# -v: each step with its time, the time since the start in front.
run "$AGENTPG" --yes rollback --to base
run "$AGENTPG" -v migrate
expect_code 0
expect_err "connected in "
expect_err "3 migrations to apply"
expect_err "applied migrations/2_slow.sql in "
grep -qE '^\[ *[0-9]+\.[0-9]{3}s\] 2/3 applied migrations/2_slow\.sql in [0-9.]+ (ms|s)$' "$WORK/err" ||
  fail "no timed step line"
! grep -q $'\r' "$WORK/err" || fail "progress with -v off a terminal"

# seed: per file "n/N", rows and rows/s (a CSV of a million rows takes long enough).
mkdir -p seeds/development
{ echo id,name; seq 1 1000000 | sed 's/.*/&,name &/'; } >seeds/development/10_public.one.csv
printf -- '-- fills: public.three\ninsert into three select generate_series(1, 1000000);\n' >seeds/development/20_three.sql
on_terminal 100 "$AGENTPG" seed
expect_code 0
tty_has "${clear}seeding 1/2 10_public.one.csv"
tty_matches "seeding 1/2 10_public\.one\.csv: [0-9]+ rows, [0-9]+ rows/s"
tty_has "${clear}seeding 2/2 20_three.sql"
grep -q '^seeded development from 2 files' "$WORK/screen" || fail "no seed report: $(cat -v "$WORK/screen")"
screen_clean 'seeding'
[ "$(sql_value "$db" "select count(*) from one")" = 1000000 ] || fail "the CSV was not loaded whole"

# backup: "about N%" of the rows counted in its snapshot, never 100% while pg_dump runs.
on_terminal 120 "$AGENTPG" backup --output "$WORK/bk"
expect_code 0
dump=$(ls "$WORK"/bk/*.dump)
name=$(basename "$dump")
# 2000000 rows and agentpg's own (the history's, the seed files').
tty_matches "backup about [0-9]+% \([0-9]+ of 20000[0-9]{2} rows\), [0-9.]+ ([KMG]i)?B written, [0-9.]+ m?s(, about [0-9.]+ m?s left)?: $name"
percents=$(grep -oE 'about [0-9]+%' "$WORK/tty" | grep -oE '[0-9]+' | sort -n | tail -1)
[ "$percents" -le 99 ] || fail "a progress line said $percents%"
screen_clean "backup about "
# Each drawing of the line fits the terminal (120 columns), one column to spare.
python3 -c 'import sys
text = open(sys.argv[1], "rb").read().decode("utf-8")
drawn = [part for part in text.split("\r\x1b[K")[1:-1]]  # the last is the report
assert drawn and max(len(d) for d in drawn) <= 119, drawn' "$WORK/tty" || fail "a progress line wider than the terminal"
run "$AGENTPG" backup --output "$WORK/bk2"
expect_code 0
! grep -q -e 'about' -e $'\r' "$WORK/err" || fail "backup progress off a terminal"
run "$AGENTPG" -v backup --output "$WORK/bk3"
expect_err "pg_dump finished (exit 0) in "

# restore: the archive's items (pg_restore --list) done so far, with what is being done.
items=$(pg_restore --list "$dump" | grep -vc '^;')
forget_db_later "${db}_copy"
on_terminal 250 "$AGENTPG" restore "$dump" --target-db "${db}_copy"
expect_code 0
tty_matches "restoring [0-9]+/$items items \((creating|processing|executing) [^)]*\), [0-9.]+ m?s: $name into ${db}_copy_restore_[0-9a-f]+"
screen_clean 'restoring [0-9]+/'
grep -q "^restored $dump into database ${db}_copy" "$WORK/screen" || fail "no restore report: $(cat -v "$WORK/screen")"
[ "$(sql_value "${db}_copy" "select count(*) from three")" = 1000000 ] || fail "restore lost rows"

# Tables: fitted to the terminal (the name gives way, cut with "…"); full on a wide one and
# in a pipe, whatever COLUMNS says.
long=a_migration_with_a_name_far_too_long_to_fit_in_sixty_columns
migration 4 "$long" "SELECT 1;"
on_terminal 200 env COLUMNS=60 "$AGENTPG" status
expect_code 0
table=$(grep -E '^(STATE|applied|pending) ' "$WORK/screen")
[ "$(echo "$table" | wc -l)" = 5 ] || fail "status table: $(cat "$WORK/screen")"
widest=$(echo "$table" | python3 -c 'import sys; print(max(len(l.rstrip("\n")) for l in sys.stdin))')
[ "$widest" -le 60 ] || fail "a table line is $widest wide with COLUMNS=60: $table"
echo "$table" | grep -q "^pending .*a_migra.*…" || fail "the long name was not cut: $table"
on_terminal 200 "$AGENTPG" status
grep -q "pending .*4 .*$long\$" "$WORK/screen" || fail "cut on a wide terminal: $(cat "$WORK/screen")"
! grep -q '…' "$WORK/screen" || fail "an ellipsis on a wide terminal"
COLUMNS=60 run "$AGENTPG" status
expect_out "$long"
