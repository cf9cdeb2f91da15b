# agentpg lint: findings as text (file:line:col, severity, rule, why, fix), JSON and GitHub
# annotations; exit 1 at --fail-on or above; rules switched off in agentpg.yaml and by a
# comment; migrate's lint of pending files (lint.on_migrate); the bundled migrations clean.
source "$(dirname "$0")/lib.sh"
db=$(new_db)
export DATABASE_URL=$(db_url "$db")
migration 1 agents "CREATE TABLE agents (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text);" "DROP TABLE agents;"
migration 2 index "SELECT 1;
CREATE INDEX agents_name ON agents (name);" "DROP INDEX agents_name;"
migration 3 label "ALTER TABLE agents ADD COLUMN label varchar(40);" "ALTER TABLE agents DROP COLUMN label;"

# Text, like a compiler: warnings fail by default (lint.fail_on: warning).
run "$AGENTPG" lint
expect_code 1
expect_out "migrations/2_index.sql:3:1: warning: index agents_name on agents is built without CONCURRENTLY [require-concurrent-index-creation]"
expect_out "  why: a plain CREATE INDEX holds a SHARE lock"
expect_out "  fix: CREATE INDEX CONCURRENTLY IF NOT EXISTS"
expect_out "migrations/3_label.sql:2:37: hint: column label is varchar(n) [prefer-text-field]"
expect_out "findings in 3 migrations"
expect_no "1_agents.sql"
run "$AGENTPG" lint --fail-on error
expect_code 0
run "$AGENTPG" lint 3 --fail-on hint
expect_code 1
expect_no "2_index.sql"
run "$AGENTPG" lint migrations/3_label.sql --fail-on error
expect_code 0
expect_out "2 findings in 1 migration: 0 errors, 1 warning, 1 hint"
run "$AGENTPG" lint 9
expect_code 2; expect_err "no migration in"

# JSON: every finding with its position and texts; counts; whether it failed.
run "$AGENTPG" --json lint
expect_code 1
[ "$(json_get '[(f["rule"], f["file"], f["line"], f["column"], f["severity"]) for f in d["findings"]]')" = \
  "[('require-concurrent-index-creation', 'migrations/2_index.sql', 3, 1, 'warning'), ('require-timeout-settings', 'migrations/2_index.sql', 3, 1, 'warning'), ('require-timeout-settings', 'migrations/3_label.sql', 2, 1, 'warning'), ('prefer-text-field', 'migrations/3_label.sql', 2, 37, 'hint')]" ] ||
  fail "json findings: $(out)"
[ "$(json_get 'd["counts"], d["failed"], d["fail_on"], d["migrations"]')" = "({'error': 0, 'warning': 3, 'hint': 1}, True, 'warning', 3)" ] ||
  fail "json counts: $(out)"

# GitHub Actions annotations.
run "$AGENTPG" lint --format github
expect_code 1
expect_out "::warning file=migrations/2_index.sql,line=3,col=1,title=agentpg lint%3A require-concurrent-index-creation::index agents_name on agents is built without CONCURRENTLY%0Awhy: "
expect_out "::notice file=migrations/3_label.sql,line=2,col=37,"

# Switched off in agentpg.yaml; a misspelt rule there is a configuration error.
printf 'lint:\n  disable: [require-timeout-settings, prefer-text-field]\n' >agentpg.yaml
run "$AGENTPG" --json lint
[ "$(json_get '[f["rule"] for f in d["findings"]]')" = "['require-concurrent-index-creation']" ] || fail "config disable: $(out)"
printf 'lint:\n  disable: [require-timeout-setting]\n' >agentpg.yaml
run "$AGENTPG" lint
expect_code 2; expect_err "lint.disable names no lint rule 'require-timeout-setting' (did you mean 'require-timeout-settings'?)"
printf 'lint:\n  fail_on: never\n' >agentpg.yaml
run "$AGENTPG" lint
expect_code 2; expect_err "lint.fail_on must be one of error, warning, hint, not 'never'"
rm agentpg.yaml

# Switched off for one statement by a comment above it, with the reason.
migration 2 index "SET lock_timeout = '5s';
-- agentpg-lint: disable=require-concurrent-index-creation (agents is empty when this runs)
CREATE INDEX agents_name ON agents (name);" "DROP INDEX agents_name;"
run "$AGENTPG" lint --fail-on warning 2
expect_code 0; expect_out "no findings in 1 migration"

# An error: CONCURRENTLY in a transactional section fails before anything runs.
migration 4 concurrently "CREATE INDEX CONCURRENTLY agents_label ON agents (label);" "DROP INDEX agents_label;"
run "$AGENTPG" lint --fail-on error 4
expect_code 1
expect_out "migrations/4_concurrently.sql:2:1: error: CREATE INDEX CONCURRENTLY runs in a transaction block here [cannot-run-in-transaction]"

# migrate with lint.on_migrate: error stops before anything is applied (exit 5) ...
printf 'lint:\n  on_migrate: error\n  fail_on: error\n' >agentpg.yaml
run "$AGENTPG" migrate
expect_code 5
expect_err "4_concurrently.sql:2:1: error: CREATE INDEX CONCURRENTLY runs in a transaction block here [cannot-run-in-transaction]"
expect_err "lint of the pending migrations: 3 findings in 4 migrations: 1 error, 1 warning, 1 hint; nothing was applied"
[ "$(sql_value "$db" "SELECT to_regclass('agentpg.schema_migrations') IS NULL OR NOT EXISTS (SELECT FROM agentpg.schema_migrations)")" = t ] ||
  fail "migrate applied something although lint stopped it"
[ "$(sql_value "$db" "SELECT to_regclass('agents') IS NULL")" = t ] || fail "agents was created"
# ... warn prints the findings and goes on (and the server refuses the CONCURRENTLY one) ...
rm migrations/4_concurrently.sql
printf 'lint:\n  on_migrate: warn\n' >agentpg.yaml
run "$AGENTPG" migrate
expect_code 0
expect_err "3_label.sql:2:37: hint: column label is varchar(n) [prefer-text-field]"
# ... and only pending files are linted; off (the default) says nothing.
migration 5 more "ALTER TABLE agents ADD COLUMN code char(2);" "ALTER TABLE agents DROP COLUMN code;"
run "$AGENTPG" migrate
expect_code 0
expect_err "5_more.sql"; expect_no "3_label.sql"
rm agentpg.yaml
migration 6 again "ALTER TABLE agents ADD COLUMN code2 char(2);" "ALTER TABLE agents DROP COLUMN code2;"
run "$AGENTPG" migrate
expect_code 0
expect_no "char(n)"

# The bundled migrations: every finding is explained in its file (disabled with a reason).
run "$AGENTPG" lint --fail-on hint --migrations-dir "$AGENTPG_SOURCE/migrations"
expect_code 0
expect_out "no findings in 15 migrations"
