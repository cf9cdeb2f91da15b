#include "migrate/report.hpp"

#include <fmt/format.h>

#include "util/time.hpp"

namespace agentpg::migrate {

namespace {

using core::Json;
using core::Style;

Json counts_json(const StatusCounts& c) {
  return Json::object()
      .set("applied", c.applied)
      .set("pending", c.pending)
      .set("changed", c.changed)
      .set("missing", c.missing)
      .set("failed", c.failed);
}

Style state_style(State state) {
  switch (state) {
  case State::applied:
    return Style::green;
  case State::pending:
    return Style::yellow;
  case State::changed:
  case State::missing:
  case State::failed:
    return Style::red;
  }
  return Style::plain;
}

// How a migration's up section runs: in one transaction, statement by statement, or by
// its own BEGIN/COMMIT.
const char* transactions_word(const Section& up) {
  return up.own_transactions ? "own" : up.transactional ? "one" : "none";
}

// What a migration's down section would undo: "sql", "empty" (only blanks and comments:
// a rollback undoes nothing), "none" (no down section: it cannot be rolled back).
const char* down_word(const MigrationFile& m) {
  return !m.down.present ? "none" : has_sql(m.down) ? "sql" : "empty";
}

} // namespace

StatusCounts count_states(const std::vector<StatusEntry>& status) {
  StatusCounts c;
  for (const auto& e : status) {
    int& slot = e.state == State::applied   ? c.applied
                : e.state == State::pending ? c.pending
                : e.state == State::changed ? c.changed
                : e.state == State::missing ? c.missing
                                            : c.failed;
    ++slot;
  }
  return c;
}

void print_run_report(const core::Output& out, const RunReport& report, const char* verb,
                      double total_ms) {
  Json steps = Json::array();
  for (const auto& s : report.steps) {
    steps.push(Json::object()
                   .set("version", s.version)
                   .set("name", s.name)
                   .set("module", s.module)
                   .set("file", s.path)
                   .set("execution_ms", report.dry_run ? Json() : Json(s.ms))
                   .set("note", s.note.empty() ? Json() : Json(s.note)));
  }
  Json doc = Json::object();
  doc.set("command", verb)
      .set("dry_run", report.dry_run)
      .set("from_version", report.from_version.empty() ? Json() : Json(report.from_version))
      .set("to_version", report.to_version.empty() ? Json() : Json(report.to_version))
      .set(std::string(verb) == "migrate" ? "applied" : "reverted", steps)
      .set("total_ms", total_ms);
  if (report.dry_run) {
    doc.set("sql", report.sql);
  }
  if (!report.backup.empty()) {
    doc.set("backup", report.backup);
  }
  if (!report.dry_run) {
    doc.set("schema_file", report.schema_file.empty() ? Json() : Json(report.schema_file));
  }
  if (std::string(verb) == "rollback") {
    Json empty = Json::array();
    for (const auto& name : report.empty_down) {
      empty.push(name);
    }
    doc.set("empty_down", empty);
  }
  out.emit(doc);
  if (report.dry_run) {
    out.data(report.sql.empty() ? "-- nothing to do\n" : report.sql);
    return;
  }
  std::string from = report.from_version.empty() ? "empty" : report.from_version;
  std::string to = report.to_version.empty() ? "empty" : report.to_version;
  if (report.steps.empty()) {
    out.line(std::string(verb) == "migrate"
                 ? fmt::format("nothing to migrate: the schema is at {}", from)
                 : "nothing to roll back");
  } else {
    out.line(fmt::format("{} {} migration{} ({} -> {}) in {}",
                         std::string(verb) == "migrate" ? "applied" : "reverted",
                         report.steps.size(), report.steps.size() == 1 ? "" : "s", from, to,
                         util::format_duration_ms(total_ms)));
  }
  if (!report.schema_file.empty()) {
    out.line(fmt::format("wrote {}", report.schema_file));
  }
}

StatusCounts print_status(const core::Output& out, const StatusTarget& target,
                          const std::string& current, const std::vector<StatusEntry>& status,
                          const std::map<std::string, std::string>& diffs) {
  StatusCounts counts = count_states(status);
  if (out.json()) {
    Json migrations = Json::array();
    for (const auto& e : status) {
      Json item = Json::object();
      item.set("state", state_name(e.state))
          .set("version", shown_version(e))
          .set("name", e.name)
          .set("module", e.module)
          .set("file", e.file ? Json(e.file->path) : Json())
          .set("transactions", e.file ? Json(transactions_word(e.file->up)) : Json())
          .set("down", e.file ? Json(down_word(*e.file)) : Json())
          .set("applied_at", e.applied ? Json(e.applied->applied_at) : Json())
          .set("execution_ms", e.applied ? Json(e.applied->execution_ms) : Json());
      if (e.applied && e.applied->status != HistoryStatus::applied) {
        item.set("failed_statement", e.applied->failed_statement)
            .set("error", e.applied->error)
            .set("failed_in", e.applied->failed_down ? "down" : "up")
            .set("outcome_unknown", e.applied->status == HistoryStatus::running);
      }
      if (auto diff = diffs.find(e.version); diff != diffs.end()) {
        item.set("diff", diff->second);
      }
      migrations.push(std::move(item));
    }
    Json doc = Json::object();
    doc.set("database", target.url)
        .set("direct_url", target.direct_url.empty() ? Json() : Json(target.direct_url))
        .set("current_version", current.empty() ? Json() : Json(current))
        .set("counts", counts_json(counts))
        .set("migrations", std::move(migrations));
    out.emit(doc);
    return counts;
  }
  std::vector<std::vector<std::string>> rows = {
      {"STATE", "VERSION", "MODULE", "NAME", "APPLIED AT (UTC)", "TIME"}};
  rows.reserve(status.size() + 1);
  for (const auto& e : status) {
    std::string name = e.name;
    if (e.file && e.file->up.own_transactions) {
      name += " (own BEGIN/COMMIT)";
    } else if (e.file && !e.file->up.transactional) {
      name += " (transaction:false)";
    }
    if (e.file && std::string(down_word(*e.file)) == "empty") {
      name += " (empty down: rollback undoes nothing)";
    }
    if (e.applied && e.applied->status == HistoryStatus::running) {
      name += fmt::format(" (interrupted at statement {}{})", e.applied->failed_statement,
                          e.applied->failed_down ? " of its down section" : "");
    }
    rows.push_back({out.paint(state_style(e.state), state_name(e.state)), shown_version(e),
                    e.module.empty() ? "-" : e.module, name, e.applied ? e.applied->applied_at : "",
                    e.applied ? util::format_duration_ms(e.applied->execution_ms) : ""});
  }
  out.line(fmt::format("database {}", target.url));
  if (!target.direct_url.empty()) {
    out.line(fmt::format("migrations use {} (direct_url from {})", target.direct_url,
                         target.direct_origin));
  }
  out.line(
      fmt::format("current version: {}", current.empty() ? "none (nothing applied)" : current));
  if (status.empty()) {
    out.line("no migrations found");
  } else {
    out.table(rows, 3); // the name gives way first
  }
  out.line(fmt::format("{} applied, {} pending, {} changed, {} missing, {} failed", counts.applied,
                       counts.pending, counts.changed, counts.missing, counts.failed));
  for (const auto& e : status) {
    if (auto diff = diffs.find(e.version); diff != diffs.end()) {
      out.line("");
      out.data(diff->second);
    }
  }
  return counts;
}

} // namespace agentpg::migrate
