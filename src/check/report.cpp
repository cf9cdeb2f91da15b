#include "check/report.hpp"

#include <fmt/format.h>

#include "core/output.hpp"
#include "pg/health.hpp"
#include "util/strings.hpp"

namespace agentpg::check {

namespace {

using core::Json;

std::string section(const std::string& title, const std::vector<std::vector<std::string>>& rows,
                    const std::string& empty) {
  return fmt::format("\n{}\n{}", title, rows.size() <= 1 ? "  " + empty + "\n" : core::format_table(rows));
}

// Tables with many dead rows relative to live ones: they bloat until vacuumed.
constexpr long long k_dead_rows_threshold = 1000;
constexpr double k_dead_ratio_threshold = 0.2;
// Indexes that hold data (a few thousand rows) and were never scanned are worth a look;
// the small indexes of a fresh schema are not.
constexpr long long k_unused_index_bytes = 128 * 1024;

} // namespace

const char* severity_name(Severity severity) {
  switch (severity) {
  case Severity::info:
    return "info";
  case Severity::warning:
    return "warning";
  case Severity::critical:
    return "critical";
  }
  return "info";
}

bool fails_on(const std::vector<Finding>& findings, const std::string& level) {
  if (level.empty()) {
    return false;
  }
  Severity threshold = level == "critical" ? Severity::critical : Severity::warning;
  for (const auto& f : findings) {
    if (f.severity >= threshold) {
      return true;
    }
  }
  return false;
}

HealthReport build_report(const ops::Context& ctx, pg::Connection& conn, std::vector<Finding> schema_findings) {
  HealthReport report;
  report.findings = std::move(schema_findings);
  std::vector<Finding>& findings = report.findings;
  Json doc = Json::object();
  // What is happening right now first, before anything that takes a lock; and no
  // section may queue behind a lock someone holds.
  std::vector<pg::Activity> activity = pg::longest_running(conn, 5);
  std::vector<pg::Blocking> blocking = pg::blocked_sessions(conn);
  std::vector<std::pair<std::string, long long>> connections = pg::connections_by_state(conn);
  conn.try_execute("SET lock_timeout = '1s'");

  long long db_size = pg::database_size(conn);
  doc.set("database_size_bytes", db_size);
  Json tables = Json::array();
  std::vector<std::vector<std::string>> rows = {{"TABLE", "TOTAL", "HEAP", "INDEXES", "TOAST"}};
  for (const auto& t : pg::largest_tables(conn, 10)) {
    tables.push(Json::object().set("table", t.table).set("total_bytes", t.total).set("heap_bytes", t.heap)
                    .set("index_bytes", t.indexes).set("toast_bytes", t.toast));
    rows.push_back({t.table, util::format_bytes(t.total), util::format_bytes(t.heap), util::format_bytes(t.indexes), util::format_bytes(t.toast)});
  }
  doc.set("largest_tables", tables);
  report.text += fmt::format("\ndatabase size: {}\n", util::format_bytes(db_size));
  report.text += section("largest tables", rows, "none");

  Json indexes = Json::array();
  rows = {{"INDEX", "TABLE", "SCANS", "SIZE"}};
  for (const auto& i : pg::index_usage(conn)) {
    bool unused = i.scans == 0 && !i.unique && i.size >= k_unused_index_bytes;
    indexes.push(Json::object().set("index", i.index).set("table", i.table).set("scans", i.scans)
                     .set("size_bytes", i.size).set("unique", i.unique).set("unused", unused));
    if (unused) {
      findings.push_back({Severity::warning, i.index,
                          fmt::format("index never scanned ({}): it costs every write on {}", util::format_bytes(i.size), i.table)});
      rows.push_back({i.index, i.table, "0", util::format_bytes(i.size)});
    }
  }
  Json duplicates = Json::array();
  for (const auto& d : pg::duplicate_indexes(conn)) {
    duplicates.push(Json::object().set("table", d.table).set("index", d.index).set("duplicate_of", d.duplicate_of));
    findings.push_back({Severity::warning, d.index, fmt::format("duplicates {} on {}", d.duplicate_of, d.table)});
  }
  doc.set("indexes", indexes).set("duplicate_indexes", duplicates);
  report.text += section("unused indexes (never scanned)", rows, "none");

  Json dead = Json::array();
  rows = {{"TABLE", "LIVE", "DEAD", "LAST VACUUM", "LAST AUTOVACUUM", "LAST ANALYZE"}};
  for (const auto& t : pg::dead_tuples(conn, 10)) {
    bool bloated = t.dead >= k_dead_rows_threshold &&
                   static_cast<double>(t.dead) > k_dead_ratio_threshold * static_cast<double>(t.live + t.dead);
    dead.push(Json::object().set("table", t.table).set("live", t.live).set("dead", t.dead)
                  .set("last_vacuum", t.last_vacuum.empty() ? Json() : Json(t.last_vacuum))
                  .set("last_autovacuum", t.last_autovacuum.empty() ? Json() : Json(t.last_autovacuum))
                  .set("last_analyze", t.last_analyze.empty() ? Json() : Json(t.last_analyze))
                  .set("bloat_prone", bloated));
    rows.push_back({t.table, std::to_string(t.live), std::to_string(t.dead), t.last_vacuum.empty() ? "never" : t.last_vacuum,
                    t.last_autovacuum.empty() ? "never" : t.last_autovacuum,
                    t.last_analyze.empty() ? (t.last_autoanalyze.empty() ? "never" : t.last_autoanalyze) : t.last_analyze});
    if (bloated) {
      findings.push_back({Severity::warning, t.table,
                          fmt::format("{} dead rows against {} live: bloat-prone until vacuumed", t.dead, t.live)});
    }
  }
  doc.set("dead_tuples", dead);
  report.text += section("dead rows", rows, "none");

  Json states = Json::object();
  rows = {{"STATE", "CONNECTIONS"}};
  for (const auto& [state, count] : connections) {
    states.set(state, count);
    rows.push_back({state, std::to_string(count)});
  }
  doc.set("connections", states);
  report.text += section("connections", rows, "none");

  Json running = Json::array();
  rows = {{"PID", "STATE", "SECONDS", "QUERY"}};
  for (const auto& a : activity) {
    running.push(Json::object().set("pid", a.pid).set("state", a.state).set("user", a.user)
                     .set("application", a.application).set("seconds", a.seconds).set("query", a.query));
    rows.push_back({std::to_string(a.pid), a.state, fmt::format("{:.1f}", a.seconds), util::trim(a.query).substr(0, 60)});
  }
  doc.set("longest_running", running);
  report.text += section("longest-running queries", rows, "none");

  Json blocked = Json::array();
  rows = {{"BLOCKED PID", "BY PID", "WAITING S", "BLOCKED QUERY"}};
  for (const auto& b : blocking) {
    bool long_wait = b.waiting_seconds >= ctx.config.report_blocking_seconds;
    blocked.push(Json::object().set("blocked_pid", b.blocked_pid).set("blocking_pid", b.blocking_pid)
                     .set("waiting_seconds", b.waiting_seconds).set("blocked_query", b.blocked_query)
                     .set("blocking_query", b.blocking_query));
    rows.push_back({std::to_string(b.blocked_pid), std::to_string(b.blocking_pid), fmt::format("{:.1f}", b.waiting_seconds),
                    util::trim(b.blocked_query).substr(0, 60)});
    if (long_wait) {
      findings.push_back({Severity::critical, fmt::format("pid {}", b.blocking_pid),
                          fmt::format("blocks pid {} for {:.0f} s", b.blocked_pid, b.waiting_seconds)});
    }
  }
  doc.set("blocked_sessions", blocked);
  report.text += section("blocked sessions", rows, "none");

  std::optional<std::vector<pg::Statement>> statements = pg::top_statements(conn, 5);
  if (!statements) {
    doc.set("top_statements", Json());
    report.text += "\ntop statements\n  pg_stat_statements is not installed in this database (CREATE EXTENSION "
                   "pg_stat_statements, with it in shared_preload_libraries)\n";
  } else {
    Json top = Json::array();
    rows = {{"CALLS", "TOTAL MS", "MEAN MS", "QUERY"}};
    for (const auto& s : *statements) {
      top.push(Json::object().set("query", s.query).set("calls", s.calls).set("total_ms", s.total_ms).set("mean_ms", s.mean_ms));
      rows.push_back({std::to_string(s.calls), fmt::format("{:.1f}", s.total_ms), fmt::format("{:.2f}", s.mean_ms),
                      util::trim(s.query).substr(0, 60)});
    }
    doc.set("top_statements", top);
    report.text += section("top statements by total time", rows, "none recorded yet");
  }

  Json replicas = Json::array();
  rows = {{"REPLICA", "CLIENT", "STATE", "LAG BYTES", "REPLAY LAG"}};
  for (const auto& r : pg::replicas(conn)) {
    replicas.push(Json::object().set("name", r.name).set("client", r.client).set("state", r.state)
                      .set("lag_bytes", r.lag_bytes).set("replay_lag", r.replay_lag));
    rows.push_back({r.name, r.client, r.state, std::to_string(r.lag_bytes), r.replay_lag});
  }
  doc.set("replicas", replicas);
  report.text += section("replication", rows, "no replicas");

  Json extensions = Json::array();
  rows = {{"EXTENSION", "VERSION"}};
  for (const auto& e : pg::extensions(conn)) {
    extensions.push(Json::object().set("name", e.name).set("version", e.version));
    rows.push_back({e.name, e.version});
  }
  doc.set("extensions", extensions);
  report.text += section("extensions", rows, "none");
  for (const char* wanted : {"vector", "pg_cron", "pgcrypto"}) {
    bool present = false;
    for (const auto& e : pg::extensions(conn)) {
      present = present || e.name == wanted;
    }
    if (!present) {
      report.text += fmt::format("  {} is not installed\n", wanted);
    }
  }

  Json list = Json::array();
  rows = {{"SEVERITY", "SUBJECT", "FINDING"}};
  for (const auto& f : findings) {
    list.push(Json::object().set("severity", severity_name(f.severity)).set("subject", f.subject).set("message", f.message));
    rows.push_back({severity_name(f.severity), f.subject, f.message});
  }
  doc.set("findings", list);
  report.text += section("findings", rows, "none: nothing needs action");
  report.json = doc;
  return report;
}

} // namespace agentpg::check
