#pragma once
// The history tables other migration tools keep, found in search_path (or where the user
// says): dbmate, golang-migrate, diesel, Flyway and Alembic.
#include <optional>
#include <string>
#include <vector>

namespace agentpg::pg {

class Connection;

struct ForeignHistory {
  std::string tool;                  // dbmate, golang-migrate, diesel, flyway, alembic
  std::string table;                 // schema-qualified
  std::vector<std::string> versions; // applied versions as the tool wrote them
  std::string head;   // golang-migrate: the current version; alembic: the head revision
  bool dirty = false; // golang-migrate: the head failed midway
};

// `tool` and `table` narrow the search ("" = look for all of them). nullopt when none.
std::optional<ForeignHistory> find_foreign_history(Connection& conn, const std::string& tool,
                                                   const std::string& table);

// Tables that are not agentpg's, other tools' or the system's: evidence that a database
// was built by hand or restored from a dump ("schema.table" names, at most `limit`).
std::vector<std::string> user_tables(Connection& conn, size_t limit);

} // namespace agentpg::pg
