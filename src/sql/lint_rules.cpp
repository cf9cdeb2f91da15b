// The table of lint rules: id, squawk's equivalent, severity and the three texts every
// finding carries. The checks themselves are in lint_checks.cpp (one statement at a time)
// and lint.cpp (what needs the whole migration).
#include "sql/lint.hpp"

namespace agentpg::sql {

const char* severity_name(Severity severity) {
  switch (severity) {
  case Severity::hint:
    return "hint";
  case Severity::warning:
    return "warning";
  case Severity::error:
    return "error";
  }
  return "warning";
}

std::optional<Severity> parse_severity(std::string_view text) {
  for (Severity s : {Severity::hint, Severity::warning, Severity::error}) {
    if (text == severity_name(s)) {
      return s;
    }
  }
  return std::nullopt;
}

const std::vector<LintRule>& lint_rules() {
  static const std::vector<LintRule> k_rules = {
      {"parse-error", "", Severity::error, "PostgreSQL 15's parser refuses the section",
       "the server refuses it too, so the migration fails when it reaches this statement",
       "fix the syntax; 'psql' on a scratch database shows the server's own message"},
      {"cannot-run-in-transaction", "ban-concurrent-index-creation-in-transaction", Severity::error,
       "a statement that PostgreSQL refuses inside a transaction block, in a section that runs "
       "in one (CONCURRENTLY, VACUUM, CREATE/DROP DATABASE, ALTER SYSTEM, ...)",
       "the server refuses it ('cannot run inside a transaction block'), so the migration "
       "fails every time and nothing of it is applied",
       "put it in a section marked '-- migrate:up transaction:false' (or on the down marker), "
       "in a migration of its own"},
      {"add-enum-value-in-transaction", "", Severity::error,
       "ALTER TYPE ... ADD VALUE in a transactional section whose later statements use the "
       "new value (a warning when they do not)",
       "a value added in a transaction cannot be used before that transaction commits ('unsafe "
       "use of new value'), so such a migration always fails; PostgreSQL before 12 refuses "
       "ADD VALUE in a transaction block at all",
       "add the value in a migration of its own marked 'transaction:false', and use it in a "
       "later migration"},
      {"require-concurrent-index-creation", "require-concurrent-index-creation", Severity::warning,
       "CREATE INDEX without CONCURRENTLY on a table this file did not create",
       "a plain CREATE INDEX holds a SHARE lock on the table while it builds: every INSERT, "
       "UPDATE and DELETE waits, for minutes on a large table",
       "CREATE INDEX CONCURRENTLY IF NOT EXISTS ... in a 'transaction:false' section (drop an "
       "INVALID index a failed build leaves before retrying)"},
      {"require-concurrent-index-deletion", "require-concurrent-index-deletion", Severity::warning,
       "DROP INDEX without CONCURRENTLY of an index this file did not create",
       "a plain DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table: reads and "
       "writes wait for it, and behind it",
       "DROP INDEX CONCURRENTLY IF EXISTS ... in a 'transaction:false' section"},
      {"adding-field-with-default", "adding-field-with-default", Severity::warning,
       "ADD COLUMN with a volatile default, a stored generated column or an identity/serial "
       "column on an existing table",
       "the table is rewritten row by row under an ACCESS EXCLUSIVE lock (a constant or "
       "stable default is only recorded in the catalog since PostgreSQL 11)",
       "add the column without the default (or with a constant one), set the default with "
       "ALTER COLUMN ... SET DEFAULT, and fill existing rows in batches"},
      {"adding-required-field", "adding-required-field", Severity::warning,
       "ADD COLUMN ... NOT NULL without a default on an existing table",
       "the statement fails as soon as the table has a row: it works on an empty development "
       "database and breaks in production",
       "add the column nullable (or with a constant default), fill it, then make it NOT NULL "
       "(see adding-not-nullable-field)"},
      {"adding-not-nullable-field", "adding-not-nullable-field", Severity::warning,
       "ALTER COLUMN ... SET NOT NULL on an existing table",
       "the whole table is scanned under an ACCESS EXCLUSIVE lock to prove there is no NULL",
       "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT c (in a later "
       "migration); then SET NOT NULL uses the constraint and skips the scan; drop c after"},
      {"constraint-missing-not-valid", "constraint-missing-not-valid", Severity::warning,
       "ADD CONSTRAINT ... CHECK without NOT VALID on an existing table",
       "every row is checked while an ACCESS EXCLUSIVE lock blocks reads and writes",
       "ADD CONSTRAINT ... NOT VALID, then ALTER TABLE ... VALIDATE CONSTRAINT in a later "
       "migration (it takes a weaker lock)"},
      {"adding-foreign-key-constraint", "adding-foreign-key-constraint", Severity::warning,
       "a FOREIGN KEY added to an existing table without NOT VALID",
       "both tables are locked (writes blocked) while every row is checked against the "
       "referenced table",
       "ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID, then VALIDATE CONSTRAINT in a later "
       "migration"},
      {"adding-serial-primary-key-field", "adding-serial-primary-key-field", Severity::warning,
       "ADD PRIMARY KEY on an existing table without USING INDEX",
       "the key's index is built while an ACCESS EXCLUSIVE lock blocks reads and writes",
       "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX"},
      {"disallowed-unique-constraint", "disallowed-unique-constraint", Severity::warning,
       "ADD UNIQUE on an existing table without USING INDEX",
       "the constraint's index is built while an ACCESS EXCLUSIVE lock blocks reads and writes",
       "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... UNIQUE USING INDEX"},
      {"changing-column-type", "changing-column-type", Severity::warning,
       "ALTER COLUMN ... TYPE on an existing table",
       "most type changes rewrite the table and its indexes under an ACCESS EXCLUSIVE lock, and "
       "running code may break on the new type",
       "add a column of the new type, backfill it in batches, switch readers and writers, "
       "then drop the old one"},
      {"renaming-column", "renaming-column", Severity::warning,
       "RENAME COLUMN on an existing table",
       "code that is still running uses the old name and fails the moment the migration commits",
       "add the new column, write both, move readers, then drop the old one (or a view that "
       "keeps the old name)"},
      {"renaming-table", "renaming-table", Severity::warning, "RENAME of an existing table",
       "code that is still running uses the old name and fails the moment the migration commits",
       "rename in steps: a view with the old name while code moves, then drop it"},
      {"ban-drop-column", "ban-drop-column", Severity::warning, "DROP COLUMN in an up section",
       "running code that still reads or writes the column fails, and its data is gone (a "
       "rollback brings the column back empty)",
       "stop using the column in the code first, deploy, then drop it in a later migration"},
      {"ban-drop-table", "ban-drop-table", Severity::warning,
       "DROP TABLE of a table this file did not create, in an up section",
       "the data is gone for good (a rollback recreates the table empty), and running code "
       "that uses it fails",
       "stop using it first; keep a backup ('agentpg migrate --backup-first')"},
      {"ban-drop-database", "ban-drop-database", Severity::warning, "DROP DATABASE in a migration",
       "a migration that drops a database destroys everything in it, with no way back",
       "drop databases by hand ('agentpg drop-db' is guarded), never in a migration"},
      {"require-timeout-settings", "require-timeout-settings", Severity::warning,
       "DDL that takes a strong lock on an existing table, with no SET lock_timeout before it",
       "while it waits for its lock behind a long query, every other query on the table "
       "queues behind it: the table is down until the wait ends",
       "SET lock_timeout = '5s'; before it (then retry when it times out), or set "
       "migration_lock_timeout in agentpg.yaml, which does it for every migration"},
      {"transaction-nesting", "transaction-nesting", Severity::warning,
       "BEGIN, COMMIT or ROLLBACK in a migration file",
       "agentpg then runs the file statement by statement as its own transaction control "
       "says: a failure leaves its committed transactions applied and the migration half done",
       "remove them: agentpg runs each section in one transaction of its own (or split the "
       "file into migrations that are each atomic)"},
      {"prefer-robust-stmts", "prefer-robust-stmts", Severity::warning,
       "a statement without IF NOT EXISTS / IF EXISTS / OR REPLACE in a 'transaction:false' "
       "section",
       "such a section runs statement by statement: when it stops half way, running it again "
       "('--resume') fails on what the first run already did",
       "write CREATE ... IF NOT EXISTS, DROP ... IF EXISTS, CREATE OR REPLACE, ADD VALUE IF NOT "
       "EXISTS"},
      {"prefer-timestamptz", "prefer-timestamptz", Severity::warning,
       "a column of type timestamp (without time zone)",
       "the values carry no time zone: each client's setting decides what they mean, and "
       "comparisons across zones and daylight saving changes go wrong",
       "use timestamptz"},
      {"prefer-text-field", "prefer-text-field", Severity::hint, "a column of type varchar(n)",
       "text and varchar store the same way; raising the limit later is an ALTER COLUMN TYPE on "
       "a live table",
       "use text, with a CHECK (length(col) <= n) if the limit matters (a CHECK can be "
       "changed NOT VALID)"},
      {"ban-char-field", "ban-char-field", Severity::hint, "a column of type char(n)",
       "char(n) pads with blanks, which changes comparisons and lengths, and saves nothing",
       "use text (with a CHECK on its length if needed)"},
      {"prefer-bigint-over-int", "prefer-bigint-over-int", Severity::hint,
       "an int/smallint (or serial/smallserial) key column",
       "a 32-bit key runs out at 2,147,483,647 rows, and widening it later rewrites the table "
       "and every table that refers to it",
       "use bigint (bigint GENERATED ALWAYS AS IDENTITY for a generated key)"},
      {"prefer-identity", "prefer-identity", Severity::hint, "a serial/bigserial column",
       "a serial's sequence is a separate object with its own grants and ownership, and "
       "explicit inserts silently get ahead of it",
       "bigint GENERATED ALWAYS AS IDENTITY (or BY DEFAULT)"},
      {"down-missing", "", Severity::warning, "a migration without a down section",
       "'agentpg rollback' refuses it: a release that needs rolling back cannot go past it",
       "write a down section that undoes the up (or an explained empty one, if the change "
       "cannot be undone)"},
      {"down-empty", "", Severity::hint, "an empty down section",
       "a rollback of this migration records it as reverted and changes nothing",
       "write the statements that undo the up, or say in a comment why there are none"},
      {"down-incomplete", "", Severity::warning,
       "the up creates an object (table, index, column, type, function, view, schema, "
       "sequence, trigger, policy, extension) that the down does not drop",
       "after a rollback the object stays behind, and running the up again fails on it",
       "drop it in the down section, in reverse order of creation"},
      {"down-drops-unknown", "", Severity::warning,
       "the down drops an object that its up did not create",
       "a rollback destroys something this migration did not make: another migration's "
       "object, and its data",
       "drop only what the up created (compare kind and name)"},
      {"unknown-lint-rule", "", Severity::warning,
       "an 'agentpg-lint: disable=' comment names a rule that does not exist",
       "a misspelt rule id switches nothing off, so the finding it meant to explain stays",
       "use a rule id from 'agentpg lint --help' or the README"},
  };
  return k_rules;
}

const LintRule* find_lint_rule(std::string_view id) {
  for (const LintRule& rule : lint_rules()) {
    if (id == rule.id) {
      return &rule;
    }
  }
  return nullptr;
}

} // namespace agentpg::sql
