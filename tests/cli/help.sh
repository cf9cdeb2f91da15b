# Help teaches the commands: `agentpg` alone and `agentpg help` list them grouped, one line
# each, not the global options; `help backup verify`; option typos get a suggestion; parse
# errors have no colour with --no-color; help fits COLUMNS.
source "$(dirname "$0")/lib.sh"
run "$AGENTPG" help
expect_code 0
for text in "Develop:" "Deploy:" "Operate:" "  migrate" "  backup" "agentpg help COMMAND" \
  "agentpg --help"; do
  expect_out "$text"
done
expect_no "--lock-timeout"
[ "$(grep -n 'Develop:' "$WORK/out" | cut -d: -f1)" -lt "$(grep -n 'Operate:' "$WORK/out" | cut -d: -f1)" ] ||
  fail "groups out of order"
run "$AGENTPG"
expect_code 2
expect_err "Develop:"; expect_no "--lock-timeout"

run "$AGENTPG" help backup verify
expect_code 0
expect_out "agentpg backup verify"; expect_out "--restore"
run "$AGENTPG" help backup nothing
expect_code 2; expect_err "no command 'backup nothing'"
run "$AGENTPG" help rollback
expect_code 0; expect_out "--steps"

run "$AGENTPG" migrate --dry-rn
expect_code 2; expect_err "unknown option '--dry-rn'"; expect_err "did you mean '--dry-run'?"
run "$AGENTPG" --lock-timout 5 status
expect_code 2; expect_err "did you mean '--lock-timeout'?"
run "$AGENTPG" status --zzzzzzzz
expect_code 2; expect_err "unknown option '--zzzzzzzz'"; expect_no "did you mean"

# On a terminal: no escape codes with --no-color or NO_COLOR, colour otherwise.
esc=$(printf '\033')
on_terminal() { script -qec "$*" /dev/null </dev/null >"$WORK/tty.out" 2>&1 || true; }
(unset NO_COLOR; on_terminal "$AGENTPG migrate --dry-rn")
grep -q "$esc\[" "$WORK/tty.out" || fail "no colour on a terminal: $(cat -v "$WORK/tty.out")"
(unset NO_COLOR; on_terminal "$AGENTPG --no-color migrate --dry-rn")
grep -q "dry-run" "$WORK/tty.out" || fail "no error shown: $(cat -v "$WORK/tty.out")"
! grep -q "$esc" "$WORK/tty.out" || fail "escape codes despite --no-color: $(cat -v "$WORK/tty.out")"
on_terminal "NO_COLOR=1 $AGENTPG frobnicate"
! grep -q "$esc" "$WORK/tty.out" || fail "escape codes despite NO_COLOR"

# Fits the width.
for args in "help" "--help" "help restore" "backup --help" "help backup verify"; do
  COLUMNS=60 "$AGENTPG" $args >"$WORK/out" 2>&1 || fail "agentpg $args failed"
  long=$(awk 'length($0) > 60' "$WORK/out")
  [ -z "$long" ] || fail "agentpg $args: lines longer than 60: $long"
done
COLUMNS=200 "$AGENTPG" help >"$WORK/out"
[ "$(awk 'length($0) > 100' "$WORK/out" | wc -l)" -gt 0 ] || fail "COLUMNS=200 not used"
