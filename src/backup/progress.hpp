#pragma once
// The progress lines of backup and restore on a terminal (core::Output::progress): how far
// pg_dump and pg_restore are, measured as closely as they let it be, and said so.
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/output.hpp"
#include "pg/row_counts.hpp"
#include "util/time.hpp"

namespace agentpg::pg {
class Connection;
}

namespace agentpg::backup {

// "backup about 45% (450000 of 1000000 rows), 12 MiB written, 3 s, about 4 s left:
// app-20261202T101500Z.dump". The rows are those of the tables pg_dump has dumped and is dumping
// (pg_stat_progress_copy, looked at over a connection of its own) against the rows counted in
// its snapshot. Rows of different tables weigh differently, a table dumped between two looks
// counts only once it is seen or pg_dump ends, and the schema and the indexes count nothing:
// hence "about", and never more than 99% while pg_dump runs. Without the counts or the
// connection: what is written, and the time.
class DumpProgress {
public:
  DumpProgress(const core::Output& out, std::string file,
               std::function<unsigned long long()> written);
  ~DumpProgress();
  // Measures rows through `conn` (sessions started at or after `since`, pg::server_now), out
  // of `counts`.
  void watch(std::unique_ptr<pg::Connection> conn, std::string since,
             const std::vector<pg::TableRows>& counts);
  // Redraws the line (Output rate-limits it).
  void tick();

private:
  // The rows of the tables pg_dump has finished (seen before, not running now) and of those
  // it is dumping; updates m_seen. Throws when the server cannot be asked.
  long long rows_done();

  const core::Output& m_out;
  std::string m_file;
  std::function<unsigned long long()> m_written;
  util::Clock::time_point m_start;
  std::unique_ptr<pg::Connection> m_conn;
  std::string m_since;
  std::vector<pg::TableRows> m_counts;
  long long m_total = 0;
  std::set<std::pair<std::string, std::string>> m_seen; // (schema, table) seen being dumped
};

// "restoring 12/40 items (processing data for table "public.a"), 3 s: FILE into DB": the
// items of the archive (pg_restore --list, `items`) against those pg_restore --verbose has
// begun. `items` 0 (a plain SQL dump): the time only.
class RestoreProgress {
public:
  RestoreProgress(const core::Output& out, std::string what, size_t items);
  // A piece of pg_restore's stderr, as it comes.
  void read(std::string_view err);
  void tick() const;

private:
  const core::Output& m_out;
  std::string m_what;
  size_t m_items;
  util::Clock::time_point m_start;
  std::string m_pending; // the start of a line not yet ended
  size_t m_begun = 0;
  std::string m_current; // what the item begun last is
};

} // namespace agentpg::backup
