#include "backup/progress.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"
#include "pg/connection.hpp"
#include "pg/tools.hpp"
#include "util/strings.hpp"

namespace agentpg::backup {

namespace {

// Below this share of the rows, or this long into the dump, the time left is a guess.
constexpr double k_fraction_for_time_left = 0.05;
constexpr double k_seconds_for_time_left = 2;

std::string seconds(double s) {
  return util::format_duration_ms(s * 1000);
}

} // namespace

DumpProgress::DumpProgress(const core::Output& out, std::string file,
                           std::function<unsigned long long()> written)
    : m_out(out), m_file(std::move(file)), m_written(std::move(written)),
      m_start(util::Clock::now()) {}

DumpProgress::~DumpProgress() = default;

void DumpProgress::watch(std::unique_ptr<pg::Connection> conn, std::string since,
                         const std::vector<pg::TableRows>& counts) {
  m_conn = std::move(conn);
  m_since = std::move(since);
  m_counts = counts;
  m_total = 0;
  for (const auto& t : m_counts) {
    m_total += t.rows;
  }
}

long long DumpProgress::rows_done() {
  std::set<std::pair<std::string, std::string>> running;
  long long done = 0;
  auto rows_of = [&](const std::pair<std::string, std::string>& table) {
    auto it = std::find_if(m_counts.begin(), m_counts.end(), [&](const pg::TableRows& t) {
      return t.schema == table.first && t.table == table.second;
    });
    return it == m_counts.end() ? 0 : it->rows;
  };
  for (const auto& copy : pg::running_copies_out(*m_conn, m_since)) {
    std::pair<std::string, std::string> table{copy.schema, copy.table};
    running.insert(table);
    m_seen.insert(table);
    done += std::min(copy.rows, rows_of(table));
  }
  for (const auto& table : m_seen) {
    done += running.count(table) == 0 ? rows_of(table) : 0;
  }
  return done;
}

void DumpProgress::tick() {
  double elapsed = util::elapsed_ms(m_start) / 1000;
  std::string written = util::format_bytes(m_written());
  if (m_conn && m_total > 0) {
    try {
      double fraction =
          std::min(0.99, static_cast<double>(rows_done()) / static_cast<double>(m_total));
      std::string left = fraction >= k_fraction_for_time_left && elapsed >= k_seconds_for_time_left
                             ? ", about " + seconds(elapsed * (1 - fraction) / fraction) + " left"
                             : "";
      // The numbers first: a narrow terminal cuts the end of the line.
      m_out.progress(fmt::format("backup about {:.0f}% ({} of {} rows), {} written, {}{}: {}",
                                 fraction * 100,
                                 static_cast<long long>(fraction * static_cast<double>(m_total)),
                                 m_total, written, seconds(elapsed), left, m_file));
      return;
    } catch (const core::Error&) {
      m_conn.reset(); // the server cannot say: the time and the bytes only, from now on
    }
  }
  m_out.progress(fmt::format("backup {} written, {}: {}", written, seconds(elapsed), m_file));
}

RestoreProgress::RestoreProgress(const core::Output& out, std::string what, size_t items)
    : m_out(out), m_what(std::move(what)), m_items(items), m_start(util::Clock::now()) {}

void RestoreProgress::read(std::string_view err) {
  m_pending.append(err);
  size_t end = 0;
  while ((end = m_pending.find('\n')) != std::string::npos) {
    std::string item = pg::restore_item(std::string_view(m_pending).substr(0, end));
    if (!item.empty()) {
      ++m_begun;
      m_current = item;
    }
    m_pending.erase(0, end + 1);
  }
  tick();
}

void RestoreProgress::tick() const {
  std::string elapsed = seconds(util::elapsed_ms(m_start) / 1000);
  if (m_items == 0 || m_begun == 0) {
    m_out.progress(fmt::format("restoring {}: {}", m_what, elapsed));
    return;
  }
  // The count first: a narrow terminal cuts the end of the line.
  m_out.progress(fmt::format("restoring {}/{} items ({}), {}: {}", std::min(m_begun, m_items),
                             m_items, m_current, elapsed, m_what));
}

} // namespace agentpg::backup
