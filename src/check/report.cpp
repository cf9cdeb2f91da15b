#include "check/report.hpp"

#include <fmt/format.h>

#include "core/output.hpp"
#include "util/strings.hpp"

namespace agentpg::check {

namespace {

using core::Json;

// Tables with many dead rows relative to live ones: they bloat until vacuumed.
constexpr long long k_dead_rows_threshold = 1000;
constexpr double k_dead_ratio_threshold = 0.2;
// Indexes that hold data (a few thousand rows) and were never scanned are worth a look;
// the small indexes of a fresh schema are not.
constexpr long long k_unused_index_bytes = 128 * 1024;

bool unused(const pg::IndexUsage& i) {
  return i.scans == 0 && !i.unique && i.size >= k_unused_index_bytes;
}

bool bloat_prone(const pg::DeadTuples& t) {
  return t.dead >= k_dead_rows_threshold &&
         static_cast<double>(t.dead) >
             k_dead_ratio_threshold * static_cast<double>(t.live + t.dead);
}

// The report being rendered: one JSON member and one text section at a time.
struct Rendering {
  Json doc = Json::object();
  std::string text;
  size_t width = 0; // what the tables are fitted to (0: full lines)

  // A titled table (its first row the header), or `empty` when it has no other row.
  void section(const std::string& title, const std::vector<std::vector<std::string>>& rows,
               const std::string& empty) {
    text += fmt::format("\n{}\n{}", title,
                        rows.size() <= 1 ? "  " + empty + "\n" : core::format_table(rows, width));
  }
};

Json or_null(const std::string& s) {
  return s.empty() ? Json() : Json(s);
}

void render_sizes(const HealthFacts& facts, Rendering& out) {
  out.doc.set("database_size_bytes", facts.database_size);
  Json tables = Json::array();
  std::vector<std::vector<std::string>> rows = {{"TABLE", "TOTAL", "HEAP", "INDEXES", "TOAST"}};
  for (const auto& t : facts.largest_tables) {
    tables.push(Json::object()
                    .set("table", t.table)
                    .set("total_bytes", t.total)
                    .set("heap_bytes", t.heap)
                    .set("index_bytes", t.indexes)
                    .set("toast_bytes", t.toast));
    rows.push_back({t.table, util::format_bytes(t.total), util::format_bytes(t.heap),
                    util::format_bytes(t.indexes), util::format_bytes(t.toast)});
  }
  out.doc.set("largest_tables", tables);
  out.text += fmt::format("\ndatabase size: {}\n", util::format_bytes(facts.database_size));
  out.section("largest tables", rows, "none");
}

void render_indexes(const HealthFacts& facts, Rendering& out) {
  Json indexes = Json::array();
  std::vector<std::vector<std::string>> rows = {{"INDEX", "TABLE", "SCANS", "SIZE"}};
  for (const auto& i : facts.indexes) {
    indexes.push(Json::object()
                     .set("index", i.index)
                     .set("table", i.table)
                     .set("scans", i.scans)
                     .set("size_bytes", i.size)
                     .set("unique", i.unique)
                     .set("unused", unused(i)));
    if (unused(i)) {
      rows.push_back({i.index, i.table, "0", util::format_bytes(i.size)});
    }
  }
  Json duplicates = Json::array();
  for (const auto& d : facts.duplicate_indexes) {
    duplicates.push(Json::object()
                        .set("table", d.table)
                        .set("index", d.index)
                        .set("duplicate_of", d.duplicate_of));
  }
  out.doc.set("indexes", indexes).set("duplicate_indexes", duplicates);
  out.section("unused indexes (never scanned)", rows, "none");
}

void render_dead_rows(const HealthFacts& facts, Rendering& out) {
  Json dead = Json::array();
  std::vector<std::vector<std::string>> rows = {
      {"TABLE", "LIVE", "DEAD", "LAST VACUUM", "LAST AUTOVACUUM", "LAST ANALYZE"}};
  for (const auto& t : facts.dead_tuples) {
    dead.push(Json::object()
                  .set("table", t.table)
                  .set("live", t.live)
                  .set("dead", t.dead)
                  .set("last_vacuum", or_null(t.last_vacuum))
                  .set("last_autovacuum", or_null(t.last_autovacuum))
                  .set("last_analyze", or_null(t.last_analyze))
                  .set("bloat_prone", bloat_prone(t)));
    std::string analyzed = t.last_analyze.empty() ? t.last_autoanalyze : t.last_analyze;
    rows.push_back({t.table, std::to_string(t.live), std::to_string(t.dead),
                    t.last_vacuum.empty() ? "never" : t.last_vacuum,
                    t.last_autovacuum.empty() ? "never" : t.last_autovacuum,
                    analyzed.empty() ? "never" : analyzed});
  }
  out.doc.set("dead_tuples", dead);
  out.section("dead rows", rows, "none");
}

void render_sessions(const HealthFacts& facts, Rendering& out) {
  Json states = Json::object();
  std::vector<std::vector<std::string>> rows = {{"STATE", "CONNECTIONS"}};
  for (const auto& [state, count] : facts.connections) {
    states.set(state, count);
    rows.push_back({state, std::to_string(count)});
  }
  out.doc.set("connections", states);
  out.section("connections", rows, "none");

  Json running = Json::array();
  rows = {{"PID", "STATE", "SECONDS", "QUERY"}};
  for (const auto& a : facts.longest_running) {
    running.push(Json::object()
                     .set("pid", a.pid)
                     .set("state", a.state)
                     .set("user", a.user)
                     .set("application", a.application)
                     .set("seconds", a.seconds)
                     .set("query", a.query));
    rows.push_back({std::to_string(a.pid), a.state, fmt::format("{:.1f}", a.seconds),
                    util::trim(a.query).substr(0, 60)});
  }
  out.doc.set("longest_running", running);
  out.section("longest-running queries", rows, "none");
}

void render_blocking(const HealthFacts& facts, Rendering& out) {
  Json blocked = Json::array();
  std::vector<std::vector<std::string>> rows = {
      {"BLOCKED PID", "BY PID", "WAITING S", "BLOCKED QUERY"}};
  for (const auto& b : facts.blocked_sessions) {
    blocked.push(Json::object()
                     .set("blocked_pid", b.blocked_pid)
                     .set("blocking_pid", b.blocking_pid)
                     .set("waiting_seconds", b.waiting_seconds)
                     .set("blocked_query", b.blocked_query)
                     .set("blocking_query", b.blocking_query));
    rows.push_back({std::to_string(b.blocked_pid), std::to_string(b.blocking_pid),
                    fmt::format("{:.1f}", b.waiting_seconds),
                    util::trim(b.blocked_query).substr(0, 60)});
  }
  out.doc.set("blocked_sessions", blocked);
  out.section("blocked sessions", rows, "none");
}

void render_statements(const HealthFacts& facts, Rendering& out) {
  if (!facts.top_statements) {
    out.doc.set("top_statements", Json());
    out.text += "\ntop statements\n  pg_stat_statements is not installed in this database "
                "(CREATE EXTENSION pg_stat_statements, with it in shared_preload_libraries)\n";
    return;
  }
  Json top = Json::array();
  std::vector<std::vector<std::string>> rows = {{"CALLS", "TOTAL MS", "MEAN MS", "QUERY"}};
  for (const auto& s : *facts.top_statements) {
    top.push(Json::object()
                 .set("query", s.query)
                 .set("calls", s.calls)
                 .set("total_ms", s.total_ms)
                 .set("mean_ms", s.mean_ms));
    rows.push_back({std::to_string(s.calls), fmt::format("{:.1f}", s.total_ms),
                    fmt::format("{:.2f}", s.mean_ms), util::trim(s.query).substr(0, 60)});
  }
  out.doc.set("top_statements", top);
  out.section("top statements by total time", rows, "none recorded yet");
}

void render_replicas(const HealthFacts& facts, Rendering& out) {
  Json replicas = Json::array();
  std::vector<std::vector<std::string>> rows = {
      {"REPLICA", "CLIENT", "STATE", "LAG BYTES", "REPLAY LAG"}};
  for (const auto& r : facts.replicas) {
    replicas.push(Json::object()
                      .set("name", r.name)
                      .set("client", r.client)
                      .set("state", r.state)
                      .set("lag_bytes", r.lag_bytes)
                      .set("replay_lag", r.replay_lag));
    rows.push_back({r.name, r.client, r.state, std::to_string(r.lag_bytes), r.replay_lag});
  }
  out.doc.set("replicas", replicas);
  out.section("replication", rows, "no replicas");
}

// The extensions installed, then those the bundled schemas can use that are not.
void render_extensions(const HealthFacts& facts, Rendering& out) {
  Json extensions = Json::array();
  std::vector<std::vector<std::string>> rows = {{"EXTENSION", "VERSION"}};
  for (const auto& e : facts.extensions) {
    extensions.push(Json::object().set("name", e.name).set("version", e.version));
    rows.push_back({e.name, e.version});
  }
  out.doc.set("extensions", extensions);
  out.section("extensions", rows, "none");
  for (const char* wanted : {"vector", "pg_cron", "pgcrypto"}) {
    bool present = false;
    for (const auto& e : facts.extensions) {
      present = present || e.name == wanted;
    }
    if (!present) {
      out.text += fmt::format("  {} is not installed\n", wanted);
    }
  }
}

void render_findings(const std::vector<Finding>& findings, Rendering& out) {
  Json list = Json::array();
  std::vector<std::vector<std::string>> rows = {{"SEVERITY", "SUBJECT", "FINDING"}};
  for (const auto& f : findings) {
    Json finding = Json::object()
                       .set("severity", severity_name(f.severity))
                       .set("subject", f.subject)
                       .set("message", f.message);
    if (!f.fix.empty()) {
      finding.set("fix", f.fix);
    }
    list.push(finding);
    rows.push_back({severity_name(f.severity), f.subject, f.message});
  }
  out.doc.set("findings", list);
  out.section("findings", rows, "none: nothing needs action");
  // What to do, as statements to copy: whole lines, never cut to the terminal's width.
  std::string fixes;
  for (const auto& f : findings) {
    if (!f.fix.empty()) {
      fixes += fmt::format("  {}: {}\n", f.subject, f.fix);
    }
  }
  if (!fixes.empty()) {
    out.text += "\nto fix\n" + fixes;
  }
}

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

HealthFacts read_health(pg::Connection& conn) {
  HealthFacts facts;
  // What is happening right now first, before anything that takes a lock; and no
  // section may queue behind a lock someone holds.
  facts.longest_running = pg::longest_running(conn, 5);
  facts.blocked_sessions = pg::blocked_sessions(conn);
  facts.connections = pg::connections_by_state(conn);
  conn.try_execute(pg::set_lock_timeout(1));

  facts.database_size = pg::database_size(conn);
  facts.largest_tables = pg::largest_tables(conn, 10);
  facts.indexes = pg::index_usage(conn);
  facts.duplicate_indexes = pg::duplicate_indexes(conn);
  facts.unindexed_foreign_keys = pg::unindexed_foreign_keys(conn);
  facts.dead_tuples = pg::dead_tuples(conn, 10);
  facts.top_statements = pg::top_statements(conn, 5);
  facts.replicas = pg::replicas(conn);
  facts.extensions = pg::extensions(conn);
  return facts;
}

std::vector<Finding> judge_health(const HealthFacts& facts, int blocking_seconds) {
  std::vector<Finding> findings;
  for (const auto& i : facts.indexes) {
    if (unused(i)) {
      findings.push_back(
          {Severity::warning, i.index,
           fmt::format("index never scanned ({}): it costs every write on {}",
                       util::format_bytes(i.size), i.table),
           fmt::format("if no query needs it: DROP INDEX CONCURRENTLY {}", i.index)});
    }
  }
  for (const auto& d : facts.duplicate_indexes) {
    findings.push_back(
        {Severity::warning, d.index, fmt::format("duplicates {} on {}", d.duplicate_of, d.table),
         fmt::format("DROP INDEX CONCURRENTLY {} (keep {})", d.index, d.duplicate_of)});
  }
  for (const auto& k : facts.unindexed_foreign_keys) {
    findings.push_back(
        {Severity::warning, k.table,
         fmt::format("foreign key {} ({}) to {} has no index: each DELETE or key UPDATE on {} "
                     "scans {}",
                     k.constraint, k.columns, k.referenced, k.referenced, k.table),
         fmt::format("CREATE INDEX CONCURRENTLY ON {} ({});", k.table, k.columns)});
  }
  for (const auto& t : facts.dead_tuples) {
    if (bloat_prone(t)) {
      findings.push_back(
          {Severity::warning, t.table,
           fmt::format("{} dead rows against {} live: bloat-prone until vacuumed", t.dead, t.live),
           fmt::format("VACUUM (ANALYZE) {}; if it keeps coming back, make "
                       "autovacuum visit it more often",
                       t.table)});
    }
  }
  for (const auto& b : facts.blocked_sessions) {
    if (b.waiting_seconds >= blocking_seconds) {
      findings.push_back(
          {Severity::critical, fmt::format("pid {}", b.blocking_pid),
           fmt::format("blocks pid {} for {:.0f} s", b.blocked_pid, b.waiting_seconds),
           fmt::format("see what pid {} runs; if it is stuck: SELECT pg_terminate_backend({})",
                       b.blocking_pid, b.blocking_pid)});
    }
  }
  return findings;
}

HealthReport render_report(const HealthFacts& facts, std::vector<Finding> findings, size_t width) {
  Rendering out;
  out.width = width;
  render_sizes(facts, out);
  render_indexes(facts, out);
  render_dead_rows(facts, out);
  render_sessions(facts, out);
  render_blocking(facts, out);
  render_statements(facts, out);
  render_replicas(facts, out);
  render_extensions(facts, out);
  render_findings(findings, out);
  return HealthReport{out.doc, out.text, std::move(findings), facts};
}

HealthReport build_report(pg::Connection& conn, int blocking_seconds,
                          std::vector<Finding> schema_findings, size_t width) {
  HealthFacts facts = read_health(conn);
  std::vector<Finding> findings = std::move(schema_findings);
  for (Finding& f : judge_health(facts, blocking_seconds)) {
    findings.push_back(std::move(f));
  }
  return render_report(facts, std::move(findings), width);
}

} // namespace agentpg::check
