#pragma once
// What a statement's checks see (internal to sql/: lint.cpp and lint_checks.cpp).
#include <set>
#include <string>
#include <vector>

#include "sql/lint.hpp"
#include "sql/parse_tree.hpp"

namespace agentpg::sql::lint_detail {

// A finding before it has a line and column: the byte offset in its section's text.
struct RawFinding {
  std::string rule;
  Severity severity;
  size_t offset;
  std::string message;
};

// Names of objects the file's up section creates, as they are written: "s.t" or "t".
class NameSet {
public:
  void add(const std::string& name);
  // Whether `name` is in the set; a name without a schema matches one with any schema, and
  // the other way round (the search_path is not known offline).
  bool contains(const std::string& name) const;

private:
  std::set<std::string> m_full;
  std::set<std::string> m_bare_of_unqualified;
  std::set<std::string> m_bare_of_all;
};

// The last part of "s.t".
std::string bare(const std::string& name);

struct Scope {
  const LintSection& section;
  bool up = true;
  const std::vector<tree::ParsedStatement>& statements;
  size_t index = 0;           // of the statement checked
  bool in_transaction = true; // it runs inside a transaction block
  const NameSet& tables;      // tables created by the up, up to this statement
  const NameSet& indexes;     // indexes created by the up, up to this statement
  std::vector<RawFinding>& findings;

  const tree::ParsedStatement& statement() const { return statements[index]; }
  void report(const char* rule, size_t offset, std::string message) const;
  void report(const char* rule, Severity severity, size_t offset, std::string message) const;
};

// Every rule that looks at one statement at a time.
void check_statement(const Scope& scope);

// Whether the statement takes a lock that blocks other sessions' writes (or reads) on a
// table that exists before this migration (require-timeout-settings).
bool takes_strong_lock(const Scope& scope);

} // namespace agentpg::sql::lint_detail
