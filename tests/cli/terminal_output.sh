# Colour and progress only on a terminal, never with NO_COLOR or --no-color; plain,
# quiet output when stdout is a file or pipe.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
migration 1 one "CREATE TABLE one (id int);" "DROP TABLE one;"
run "$AGENTPG" migrate
expect_code 0
esc=$(printf '\033')
# `script` gives the command a pseudo-terminal.
on_terminal() { unset NO_COLOR; script -qec "$*" /dev/null </dev/null >"$WORK/tty.out" 2>&1 || true; }

on_terminal "$AGENTPG status"
grep -q "${esc}\[32mapplied" "$WORK/tty.out" || fail "no colour on a terminal: $(cat -v "$WORK/tty.out")"
on_terminal "NO_COLOR=1 $AGENTPG status"
! grep -q "$esc\[" "$WORK/tty.out" || fail "colour despite NO_COLOR"
on_terminal "$AGENTPG --no-color status"
! grep -q "$esc\[" "$WORK/tty.out" || fail "colour despite --no-color"

unset NO_COLOR
run "$AGENTPG" status
! grep -q "$esc\[" "$WORK/out" "$WORK/err" || fail "colour when stdout is not a terminal"
migration 2 two "CREATE TABLE two (id int);" "DROP TABLE two;"
run "$AGENTPG" migrate
! grep -q $'\r' "$WORK/err" || fail "progress lines when stderr is not a terminal"
[ ! -s "$WORK/err" ] || fail "a successful migrate wrote to stderr: $(err)"
