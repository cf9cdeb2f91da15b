#pragma once
// Static checks of migration SQL ("agentpg lint"), on PostgreSQL's own parse tree
// (libpg_query, the PostgreSQL 15 grammar). Pure: text in, findings out, no server. The
// rules, their ids (squawk's where it has the same rule) and severities are in
// lint_rules(); each finding says where, what is wrong, why it hurts in production and
// the safe way to write it.
//
// A finding is switched off for one statement by a comment among the lines just above it
// (between the previous statement and this one):
//     -- agentpg-lint: disable=rule-id[,rule-id...] (and why)
// and for a whole file by the same comment with `disable-file=`, above '-- migrate:up'
// or between any two statements.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agentpg::sql {

enum class Severity { hint, warning, error };

const char* severity_name(Severity severity);
// "error", "warning", "hint"; nullopt for anything else.
std::optional<Severity> parse_severity(std::string_view text);

struct LintRule {
  const char* id;
  const char* squawk;  // squawk's rule of the same meaning, "" when it has none
  Severity severity;   // its findings' severity (add-enum-value-in-transaction: see there)
  const char* summary; // what it finds, one line
  const char* why;     // why that hurts in production
  const char* fix;     // the safe way to write it
};

// Every rule, in the order the README lists them.
const std::vector<LintRule>& lint_rules();
// The rule with this id, or nullptr.
const LintRule* find_lint_rule(std::string_view id);

struct Finding {
  std::string rule;
  Severity severity = Severity::warning;
  std::string path;
  int line = 1;
  int column = 1;      // in characters
  std::string message; // what is wrong
  std::string why;     // why it hurts in production
  std::string fix;     // the safe way to write it
};

// One section of a migration as the runner sees it.
struct LintSection {
  bool present = false;
  std::string_view sql;
  std::string path; // the file it is in
  int first_line = 1;
  bool transactional = true; // false: `transaction:false`, statement by statement
};

struct LintMigration {
  std::string header; // the comments above '-- migrate:up' (native files), for disable-file
  LintSection up;
  LintSection down;
};

struct LintOptions {
  // migration_lock_timeout is set: agentpg itself sets lock_timeout in every migration,
  // so require-timeout-settings has nothing to ask for.
  bool lock_timeout_configured = false;
};

// The findings of one migration, in file order, inline disables applied.
std::vector<Finding> lint_migration(const LintMigration& migration, const LintOptions& options);

} // namespace agentpg::sql
