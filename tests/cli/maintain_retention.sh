# Retention windows are checked by agentpg before anything is deleted: a window without a
# unit ('1' was one second), negative, zero, garbage or shorter than its setting's minimum
# is a configuration error (exit 2) naming the setting, the value, the minimum and the
# override, and the audit log keeps every row; '30 days' works; the override lets a short
# window through (never a malformed one); in production the confirmation shows, table by
# table, how many rows would go.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
export AGENTPG_MIGRATIONS_DIR=$AGENTPG_SOURCE/migrations AGENTPG_MODULES=core,agency
run "$AGENTPG" init
expect_code 0
q() { sql_value "$db" "$1"; }
q "insert into agency.audit_log (table_name, operation, created_at) values
     ('x', 'INSERT', now() - interval '400 days'), ('x', 'INSERT', now() - interval '40 days'),
     ('x', 'INSERT', now() - interval '10 minutes')" >/dev/null
rows() { q "select count(*) from agency.audit_log where table_name = 'x'"; }

refused() { # refused VARIABLE VALUE MESSAGE: maintain --yes exits 2 with MESSAGE, deletes nothing
  env "$1=$2" "$AGENTPG" --yes maintain --only retention >"$WORK/out" 2>"$WORK/err" </dev/null && CODE=0 || CODE=$?
  expect_code 2
  expect_err "$3"
  [ "$(rows)" = 3 ] || fail "$1='$2' deleted audit rows"
}
A=AGENTPG_MAINTAIN_AUDIT_RETENTION
unit="AGENTPG_MAINTAIN_AUDIT_RETENTION: maintain.audit_retention must be a length of time with its unit, such as '90 days'"
refused $A 1 "$unit, not '1': it has no unit after 1 (e.g. '1 day')"
refused $A 365 "not '365': it has no unit after 365 (e.g. '365 days')"
refused $A "-1 year" "not '-1 year': it is negative"
refused $A "1 year ago" "it is negative ('ago')"
refused $A "0 days" "not '0 days': it is zero"
refused $A garbage "not 'garbage': it does not start with a number ('garbage')"
refused $A "1.5 days" "it has a fraction"
refused $A "1 day; delete from agency.audit_log" "it has ';' where a number belongs"
refused $A "" "it is empty"
expect_err "(microseconds, milliseconds, seconds, minutes, hours, days, weeks, months, years"
refused $A "1 hour" "AGENTPG_MAINTAIN_AUDIT_RETENTION: maintain.audit_retention is '1 hour', shorter than its minimum of 7 days"
expect_err "set AGENTPG_MAINTAIN_ALLOW_SHORT_RETENTION=true (maintain.allow_short_retention in agentpg.yaml)"
refused $A "6 days" "shorter than its minimum of 7 days"
refused AGENTPG_MAINTAIN_TASKS_RETENTION "12 hours" "maintain.tasks_retention is '12 hours', shorter than its minimum of 1 day"
refused AGENTPG_MAINTAIN_METRICS_RETENTION "-30 days" "maintain.metrics_retention must be a length of time"
printf 'maintain:\n  audit_retention: 1\n' >agentpg.yaml
run "$AGENTPG" --yes maintain --only retention
expect_code 2
expect_err "agentpg.yaml:2: maintain.audit_retention must be a length of time with its unit"
rm agentpg.yaml
[ "$(rows)" = 3 ] || fail "a refused window deleted rows"

# The override lets a short window through, never a malformed one.
AGENTPG_MAINTAIN_ALLOW_SHORT_RETENTION=true refused $A 1 "not '1': it has no unit"
AGENTPG_MAINTAIN_ALLOW_SHORT_RETENTION=true refused $A "-1 second" "it is negative"

# A window with its unit works, and reaches the server in canonical form.
AGENTPG_MAINTAIN_AUDIT_RETENTION="30 DAYS" run "$AGENTPG" --json --yes maintain --only retention
expect_code 0
[ "$(json_get 'd["jobs"][0]["windows"]["audit_log"], d["jobs"][0]["deleted"]["audit_log"]')" = "('30 days', 2)" ] || fail "30 days: $(out)"
[ "$(rows)" = 1 ] || fail "30 days left $(rows) rows"

# In production the confirmation shows the counts per table; 'no' deletes nothing.
on_terminal() { # on_terminal ANSWER COMMAND: runs COMMAND on a terminal, typing ANSWER
  CODE=0
  printf '%s\n' "$1" | script -qec "$2" /dev/null >"$WORK/out" 2>&1 || CODE=$?
}
export AGENTPG_MAINTAIN_ALLOW_SHORT_RETENTION=true
on_terminal no "AGENTPG_MAINTAIN_AUDIT_RETENTION='1 second' $AGENTPG --environment production maintain --only retention"
expect_code 8
expect_out "maintain would, in the production environment:"
grep -qE "agency\.audit_log +1 rows older than 1 second" "$WORK/out" || fail "no count for the audit log: $(out)"
grep -qE "agency\.task_progress +[0-9]+ rows older than 90 days" "$WORK/out" || fail "no count for task_progress: $(out)"
expect_out "Type 'yes' to go on"
expect_out "did not run maintain: not confirmed"
[ "$(rows)" = 1 ] || fail "an unconfirmed production maintain deleted rows"
on_terminal yes "AGENTPG_MAINTAIN_AUDIT_RETENTION='1 second' $AGENTPG --environment production maintain --only retention"
expect_code 0
expect_out "agency.audit_log"
[ "$(rows)" = 0 ] || fail "a confirmed production maintain left $(rows) rows"
# Not on a terminal, production still needs --yes.
run "$AGENTPG" --environment production maintain --only retention
expect_code 8
expect_err "needs --yes"
