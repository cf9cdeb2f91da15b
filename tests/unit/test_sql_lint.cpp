#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "sql/lint.hpp"

using agentpg::sql::find_lint_rule;
using agentpg::sql::Finding;
using agentpg::sql::lint_migration;
using agentpg::sql::lint_rules;
using agentpg::sql::LintMigration;
using agentpg::sql::LintOptions;
using agentpg::sql::LintSection;
using agentpg::sql::Severity;

namespace {

struct Case {
  explicit Case(std::string up_sql, std::optional<std::string> down_sql = std::string("SELECT 1;"))
      : up(std::move(up_sql)), down(std::move(down_sql)) {}

  std::string up;
  std::optional<std::string> down;
  bool up_transactional = true;
  bool down_transactional = true;
  std::string header;
  LintOptions options;
};

// A native file: the up section begins on line 2 (after its marker), the down section
// on the line after its own marker.
std::vector<Finding> lint(const Case& c) {
  LintMigration m;
  m.header = c.header;
  m.up = LintSection{true, c.up, "m.sql", 2, c.up_transactional};
  if (c.down) {
    int down_line = 3 + static_cast<int>(std::count(c.up.begin(), c.up.end(), '\n'));
    m.down = LintSection{true, *c.down, "m.sql", down_line, c.down_transactional};
  }
  return lint_migration(m, c.options);
}

std::vector<Finding> lint(const std::string& up) {
  return lint(Case(up));
}

const Finding* find(const std::vector<Finding>& findings, const std::string& rule) {
  auto it = std::find_if(findings.begin(), findings.end(),
                         [&rule](const Finding& f) { return f.rule == rule; });
  return it == findings.end() ? nullptr : &*it;
}

bool has(const std::vector<Finding>& findings, const std::string& rule) {
  return find(findings, rule) != nullptr;
}

// "line:column" of the first finding of `rule`, "" when there is none.
std::string at(const std::vector<Finding>& findings, const std::string& rule) {
  const Finding* f = find(findings, rule);
  return f == nullptr ? "" : std::to_string(f->line) + ":" + std::to_string(f->column);
}

} // namespace

TEST_SUITE("sql::lint") {
  TEST_CASE("every rule has an id, a severity and the three texts") {
    for (const auto& rule : lint_rules()) {
      CHECK(std::string(rule.summary).size() > 10);
      CHECK(std::string(rule.why).size() > 10);
      CHECK(std::string(rule.fix).size() > 3);
      CHECK(find_lint_rule(rule.id) == &rule);
    }
    CHECK(find_lint_rule("no-such-rule") == nullptr);
  }

  TEST_CASE("require-concurrent-index-creation: a plain CREATE INDEX on an existing table") {
    auto f = lint("-- a comment\nCREATE INDEX i ON t (a);");
    CHECK(at(f, "require-concurrent-index-creation") == "3:1");
    CHECK(find(f, "require-concurrent-index-creation")->severity == Severity::warning);
    CHECK(find(f, "require-concurrent-index-creation")->path == "m.sql");
    CHECK(!has(lint("CREATE TABLE t (a int);\nCREATE INDEX i ON t (a);"),
               "require-concurrent-index-creation"));
    CHECK(!has(lint("CREATE TABLE s.t (a int);\nCREATE INDEX i ON t (a);"),
               "require-concurrent-index-creation"));
    Case concurrent("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);");
    concurrent.up_transactional = false;
    CHECK(lint(concurrent).size() == 0);
  }

  TEST_CASE("require-concurrent-index-deletion: a plain DROP INDEX of an index from elsewhere") {
    CHECK(at(lint("SELECT 1;\n  DROP INDEX s.i;"), "require-concurrent-index-deletion") == "3:3");
    Case good("DROP INDEX CONCURRENTLY IF EXISTS s.i;");
    good.up_transactional = false;
    CHECK(!has(lint(good), "require-concurrent-index-deletion"));
    CHECK(!has(lint("CREATE INDEX CONCURRENTLY i ON t (a); DROP INDEX i;"),
               "require-concurrent-index-deletion"));
  }

  TEST_CASE("adding-field-with-default: a volatile default, at the DEFAULT") {
    auto f = lint("ALTER TABLE t ADD COLUMN u uuid DEFAULT gen_random_uuid();");
    CHECK(at(f, "adding-field-with-default") == "2:33");
    CHECK(find(f, "adding-field-with-default")->message.find("gen_random_uuid()") !=
          std::string::npos);
    CHECK(has(lint("ALTER TABLE t ADD COLUMN n bigserial;"), "adding-field-with-default"));
    CHECK(has(lint("ALTER TABLE t ADD COLUMN d int GENERATED ALWAYS AS (a * 2) STORED;"),
              "adding-field-with-default"));
    CHECK(!has(lint("ALTER TABLE t ADD COLUMN c timestamptz DEFAULT now();"),
               "adding-field-with-default"));
    CHECK(!has(lint("ALTER TABLE t ADD COLUMN c text DEFAULT 'x';"), "adding-field-with-default"));
    CHECK(!has(lint("CREATE TABLE t (a int); ALTER TABLE t ADD COLUMN u float DEFAULT random();"),
               "adding-field-with-default"));
  }

  TEST_CASE("adding-required-field: NOT NULL without a default") {
    CHECK(at(lint("ALTER TABLE t ADD COLUMN n int NOT NULL;"), "adding-required-field") == "2:26");
    CHECK(
        !has(lint("ALTER TABLE t ADD COLUMN n int NOT NULL DEFAULT 0;"), "adding-required-field"));
  }

  TEST_CASE("adding-not-nullable-field: SET NOT NULL on an existing table") {
    CHECK(at(lint("ALTER TABLE t ALTER COLUMN a SET NOT NULL;"), "adding-not-nullable-field") ==
          "2:1");
    CHECK(!has(lint("CREATE TABLE t (a int); ALTER TABLE t ALTER COLUMN a SET NOT NULL;"),
               "adding-not-nullable-field"));
  }

  TEST_CASE("constraint-missing-not-valid: CHECK without NOT VALID") {
    CHECK(at(lint("ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);"),
             "constraint-missing-not-valid") == "2:19");
    CHECK(!has(lint("ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;"),
               "constraint-missing-not-valid"));
  }

  TEST_CASE("adding-foreign-key-constraint: FOREIGN KEY without NOT VALID") {
    CHECK(at(lint("ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id);"),
             "adding-foreign-key-constraint") == "2:19");
    CHECK(has(lint("ALTER TABLE t ADD COLUMN u_id bigint REFERENCES u (id);"),
              "adding-foreign-key-constraint"));
    CHECK(!has(lint("ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id) NOT VALID;"),
               "adding-foreign-key-constraint"));
  }

  TEST_CASE("adding-serial-primary-key-field and disallowed-unique-constraint: no USING INDEX") {
    CHECK(at(lint("ALTER TABLE t ADD PRIMARY KEY (id);"), "adding-serial-primary-key-field") ==
          "2:19");
    CHECK(!has(lint("ALTER TABLE t ADD CONSTRAINT p PRIMARY KEY USING INDEX i;"),
               "adding-serial-primary-key-field"));
    CHECK(at(lint("ALTER TABLE t ADD CONSTRAINT u UNIQUE (a);"), "disallowed-unique-constraint") ==
          "2:19");
    CHECK(!has(lint("ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX i;"),
               "disallowed-unique-constraint"));
  }

  TEST_CASE("changing-column-type, renaming-column, renaming-table on existing tables") {
    CHECK(at(lint("ALTER TABLE t ALTER COLUMN a TYPE bigint;"), "changing-column-type") == "2:1");
    CHECK(!has(lint("CREATE TABLE t (a int); ALTER TABLE t ALTER COLUMN a TYPE bigint;"),
               "changing-column-type"));
    CHECK(at(lint("ALTER TABLE t RENAME COLUMN a TO b;"), "renaming-column") == "2:1");
    CHECK(!has(lint("CREATE TABLE t (a int); ALTER TABLE t RENAME a TO b;"), "renaming-column"));
    CHECK(at(lint("ALTER TABLE t RENAME TO u;"), "renaming-table") == "2:1");
    CHECK(!has(lint("CREATE TABLE t (a int); ALTER TABLE t RENAME TO u;"), "renaming-table"));
  }

  TEST_CASE("ban-drop-column, ban-drop-table, ban-drop-database in an up section") {
    CHECK(at(lint("ALTER TABLE t DROP COLUMN a;"), "ban-drop-column") == "2:1");
    CHECK(at(lint("DROP TABLE t;"), "ban-drop-table") == "2:1");
    CHECK(!has(lint("CREATE TABLE t (a int); DROP TABLE t;"), "ban-drop-table"));
    CHECK(at(lint("DROP DATABASE d;"), "ban-drop-database") == "2:1");
    // A down section drops what its up created: no finding there.
    Case down("CREATE TABLE t (a int, b int);", std::string("ALTER TABLE t DROP COLUMN b;\n"
                                                            "DROP TABLE t;"));
    auto f = lint(down);
    CHECK(!has(f, "ban-drop-column"));
    CHECK(!has(f, "ban-drop-table"));
  }

  TEST_CASE("column types: varchar(n), char(n), timestamp, int and serial keys") {
    auto f = lint("CREATE TABLE t (\n  id serial PRIMARY KEY,\n  name varchar(20),\n  code "
                  "char(2),\n  at timestamp,\n  n int\n);");
    CHECK(at(f, "prefer-identity") == "3:6");
    CHECK(at(f, "prefer-bigint-over-int") == "3:6");
    CHECK(at(f, "prefer-text-field") == "4:8");
    CHECK(at(f, "ban-char-field") == "5:8");
    CHECK(at(f, "prefer-timestamptz") == "6:6");
    CHECK(find(f, "prefer-text-field")->severity == Severity::hint);
    CHECK(std::count_if(f.begin(), f.end(),
                        [](const Finding& x) { return x.rule == "prefer-bigint-over-int"; }) == 1);
    auto good = lint("CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name "
                     "text, v varchar, at timestamptz, n int);");
    for (const char* rule : {"prefer-identity", "prefer-bigint-over-int", "prefer-text-field",
                             "ban-char-field", "prefer-timestamptz"}) {
      CHECK(!has(good, rule));
    }
    CHECK(has(lint("CREATE TABLE t (id int, PRIMARY KEY (id));"), "prefer-bigint-over-int"));
  }

  TEST_CASE("require-timeout-settings: a strong lock without SET lock_timeout before it") {
    auto f = lint("SELECT 1;\nALTER TABLE t ADD COLUMN x text;\nALTER TABLE u ADD COLUMN y text;");
    CHECK(at(f, "require-timeout-settings") == "3:1");
    CHECK(std::count_if(f.begin(), f.end(), [](const Finding& x) {
            return x.rule == "require-timeout-settings";
          }) == 1);
    CHECK(!has(lint("SET lock_timeout = '5s';\nALTER TABLE t ADD COLUMN x text;"),
               "require-timeout-settings"));
    Case configured("ALTER TABLE t ADD COLUMN x text;");
    configured.options.lock_timeout_configured = true;
    CHECK(!has(lint(configured), "require-timeout-settings"));
    CHECK(!has(lint("CREATE TABLE t (a int); ALTER TABLE t ADD COLUMN x text;"),
               "require-timeout-settings"));
  }

  TEST_CASE("transaction-nesting: the file's own BEGIN and COMMIT") {
    auto f = lint("BEGIN;\nCREATE TABLE t (a int);\nCOMMIT;");
    CHECK(at(f, "transaction-nesting") == "2:1");
    CHECK(std::count_if(f.begin(), f.end(),
                        [](const Finding& x) { return x.rule == "transaction-nesting"; }) == 2);
    CHECK(!has(lint("CREATE TABLE t (a int);"), "transaction-nesting"));
    CHECK(!has(lint("SAVEPOINT s; RELEASE SAVEPOINT s;"), "transaction-nesting"));
  }

  TEST_CASE("prefer-robust-stmts: transaction:false statements that cannot run twice") {
    Case bad("CREATE INDEX CONCURRENTLY i ON t (a);\nALTER TYPE e ADD VALUE 'x';");
    bad.up_transactional = false;
    auto f = lint(bad);
    CHECK(at(f, "prefer-robust-stmts") == "2:1");
    CHECK(std::count_if(f.begin(), f.end(),
                        [](const Finding& x) { return x.rule == "prefer-robust-stmts"; }) == 2);
    Case good("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\nALTER TYPE e ADD VALUE IF NOT "
              "EXISTS 'x';\nCREATE TABLE IF NOT EXISTS u (a text);\nDROP TABLE IF EXISTS v;");
    good.up_transactional = false;
    CHECK(!has(lint(good), "prefer-robust-stmts"));
    CHECK(!has(lint("CREATE INDEX i ON t (a);"), "prefer-robust-stmts")); // transactional
  }

  TEST_CASE("cannot-run-in-transaction: CONCURRENTLY and friends in a transaction block") {
    auto f = lint("SELECT 1;\nCREATE INDEX CONCURRENTLY i ON t (a);");
    CHECK(at(f, "cannot-run-in-transaction") == "3:1");
    CHECK(find(f, "cannot-run-in-transaction")->severity == Severity::error);
    for (const char* sql :
         {"DROP INDEX CONCURRENTLY i;", "VACUUM t;", "REINDEX INDEX CONCURRENTLY i;",
          "CREATE DATABASE d;", "ALTER SYSTEM SET work_mem = '1MB';",
          "ALTER TABLE t DETACH PARTITION p CONCURRENTLY;"}) {
      CAPTURE(sql);
      CHECK(has(lint(sql), "cannot-run-in-transaction"));
    }
    Case outside("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);");
    outside.up_transactional = false;
    CHECK(!has(lint(outside), "cannot-run-in-transaction"));
    // A file with its own transactions: inside BEGIN ... COMMIT it is refused, after it not.
    auto own = lint("BEGIN;\nCREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;\nCREATE INDEX "
                    "CONCURRENTLY j ON t (b);");
    CHECK(at(own, "cannot-run-in-transaction") == "3:1");
    CHECK(std::count_if(own.begin(), own.end(), [](const Finding& x) {
            return x.rule == "cannot-run-in-transaction";
          }) == 1);
    Case in_down("SELECT 1;", std::string("DROP INDEX CONCURRENTLY i;"));
    CHECK(has(lint(in_down), "cannot-run-in-transaction"));
  }

  TEST_CASE("add-enum-value-in-transaction: an error when the section uses the new value") {
    auto used = lint("ALTER TYPE mood ADD VALUE 'calm';\nUPDATE t SET m = 'calm';");
    CHECK(at(used, "add-enum-value-in-transaction") == "2:1");
    CHECK(find(used, "add-enum-value-in-transaction")->severity == Severity::error);
    auto unused = lint("ALTER TYPE mood ADD VALUE 'calm';");
    CHECK(find(unused, "add-enum-value-in-transaction")->severity == Severity::warning);
    Case outside("ALTER TYPE mood ADD VALUE IF NOT EXISTS 'calm';");
    outside.up_transactional = false;
    CHECK(lint(outside).empty());
  }

  TEST_CASE("down-missing and down-empty") {
    Case missing("CREATE TABLE t (a int);", std::nullopt);
    CHECK(at(lint(missing), "down-missing") == "1:1");
    Case empty("CREATE TABLE t (a int);", std::string("-- nothing to undo\n"));
    auto f = lint(empty);
    CHECK(at(f, "down-empty") == "2:1");
    CHECK(find(f, "down-empty")->severity == Severity::hint);
    CHECK(!has(f, "down-incomplete")); // an empty down is its own finding
  }

  TEST_CASE("down-incomplete: what the up creates and the down leaves") {
    Case c("CREATE SCHEMA s;\nCREATE TABLE s.t (a int);\nCREATE INDEX i ON s.t (a);\n"
           "CREATE TYPE s.e AS ENUM ('x');\nCREATE FUNCTION s.f() RETURNS int LANGUAGE sql AS "
           "'SELECT 1';\nCREATE VIEW s.v AS SELECT 1;\nCREATE SEQUENCE s.q;\nALTER TABLE u ADD "
           "COLUMN c text;\nCREATE TABLE s.kept (a int);",
           std::string("DROP VIEW s.v;\nDROP FUNCTION s.f();\nDROP TYPE s.e;\nDROP SEQUENCE "
                       "s.q;\nALTER TABLE u DROP COLUMN c;\nDROP TABLE t;"));
    auto f = lint(c);
    std::vector<std::string> messages;
    for (const Finding& x : f) {
      if (x.rule == "down-incomplete") {
        messages.push_back(std::to_string(x.line) + ": " + x.message);
      }
    }
    // s.t is dropped (unqualified in the down), and with it its index; the schema stays.
    CHECK(messages == std::vector<std::string>{
                          "2: the up creates schema s, which the down does not drop",
                          "10: the up creates table s.kept, which the down does not drop"});
    // Dropping the schema covers everything in it.
    Case schema("CREATE SCHEMA s;\nCREATE TABLE s.t (a int);",
                std::string("DROP SCHEMA s CASCADE;"));
    CHECK(!has(lint(schema), "down-incomplete"));
    // CREATE OR REPLACE in the up, the old definition restored by the down.
    Case replaced(
        "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 2';",
        std::string("CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';"));
    CHECK(!has(lint(replaced), "down-incomplete"));
    // IF NOT EXISTS: it may have been there before, so the down may leave it.
    Case shared("CREATE EXTENSION IF NOT EXISTS pgcrypto;", std::string("SELECT 1;"));
    CHECK(!has(lint(shared), "down-incomplete"));
  }

  TEST_CASE("down-drops-unknown: the down drops what the up did not create") {
    Case c("CREATE TABLE t (a int);", std::string("DROP TABLE t;\nDROP TABLE other;"));
    auto f = lint(c);
    CHECK(at(f, "down-drops-unknown") == "4:1");
    CHECK(find(f, "down-drops-unknown")->message ==
          "the down drops table other, which the up did not create");
    Case own("CREATE TABLE t (a int);\nCREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW EXECUTE "
             "FUNCTION f();",
             std::string("DROP TRIGGER tr ON t;\nDROP TABLE public.t;"));
    CHECK(!has(lint(own), "down-drops-unknown"));
    CHECK(!has(lint(own), "down-incomplete"));
  }

  TEST_CASE("parse-error: where PostgreSQL's parser stops") {
    auto f = lint("CREATE TABLE t (a int);\nCREAT TABLE u (a int);");
    CHECK(at(f, "parse-error") == "3:1");
    CHECK(find(f, "parse-error")->message.find("syntax error at or near \"CREAT\"") !=
          std::string::npos);
  }

  TEST_CASE("a comment above a statement switches a rule off for it alone") {
    auto f = lint("-- agentpg-lint: disable=require-concurrent-index-creation (empty table)\n"
                  "CREATE INDEX i ON t (a);\nCREATE INDEX j ON t (b);");
    CHECK(at(f, "require-concurrent-index-creation") == "4:1");
    auto two = lint("SELECT 1; -- agentpg-lint: disable=ban-drop-table,ban-drop-column\n"
                    "DROP TABLE t;\nALTER TABLE u DROP COLUMN c;");
    CHECK(!has(two, "ban-drop-table"));
    CHECK(at(two, "ban-drop-column") == "4:1");
  }

  TEST_CASE("disable-file switches a rule off for the whole file, from the header too") {
    Case header("CREATE INDEX i ON t (a);\nCREATE INDEX j ON t (b);");
    header.header =
        "-- agentpg-lint: disable-file=require-concurrent-index-creation (new tables)\n";
    CHECK(!has(lint(header), "require-concurrent-index-creation"));
    Case inside("CREATE INDEX i ON t (a);\n-- agentpg-lint: "
                "disable-file=require-concurrent-index-creation\n"
                "CREATE INDEX j ON t (b);");
    CHECK(!has(lint(inside), "require-concurrent-index-creation"));
    Case no_down("SELECT 1;", std::nullopt);
    no_down.header = "-- agentpg-lint: disable-file=down-missing (data migration)\n";
    CHECK(!has(lint(no_down), "down-missing"));
  }

  TEST_CASE("unknown-lint-rule: a misspelt rule id in a comment") {
    auto f = lint("-- agentpg-lint: disable=ban-drop-tabel\nDROP TABLE t;");
    CHECK(at(f, "unknown-lint-rule") == "2:1");
    CHECK(find(f, "unknown-lint-rule")->message == "no lint rule is called 'ban-drop-tabel'");
    CHECK(has(f, "ban-drop-table"));
  }

  TEST_CASE("columns count characters, not bytes") {
    auto f = lint("SELECT 'é'; DROP TABLE t;");
    CHECK(at(f, "ban-drop-table") == "2:13");
  }
}
