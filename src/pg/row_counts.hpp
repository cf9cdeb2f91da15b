#pragma once
// Exact row counts of a database's tables, seen through a snapshot that pg_dump can share:
// a backup's manifest records how many rows of each table the dump holds, and a restored
// copy is checked against them.
#include <optional>
#include <string>
#include <vector>

namespace agentpg::pg {

class Connection;

struct TableRows {
  std::string schema;
  std::string table;
  long long rows = 0;
};

// Begins a read-only REPEATABLE READ transaction on `conn` and exports its snapshot: the id
// that `pg_dump --snapshot` takes, so the dump sees exactly what this transaction sees (as
// long as it stays open). nullopt, with the transaction rolled back, when the server cannot
// export one.
std::optional<std::string> begin_exported_snapshot(Connection& conn);

// The exact row count (count(*)) of every ordinary table and partition that pg_dump dumps the
// rows of, as the connection's transaction sees them, by schema and table: system schemas and
// tables that belong to an extension are left out. Row level security is off for the
// counts, as it is for pg_dump (a policy that would hide rows is an error, not a lower count).
std::vector<TableRows> count_table_rows(Connection& conn);

// The server's clock (now(), as text): what running_copies_out() takes as `since`.
std::string server_now(Connection& conn);

// The COPY ... TO STDOUT commands that sessions of this database started at or after `since`
// are running: pg_dump's as it dumps table data, each with the rows sent so far (`rows`).
// From pg_stat_progress_copy (PostgreSQL 14 and later: empty on older servers).
std::vector<TableRows> running_copies_out(Connection& conn, const std::string& since);

} // namespace agentpg::pg
