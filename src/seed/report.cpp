#include <fmt/format.h>

#include "core/json.hpp"
#include "seed/loader.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace agentpg::seed {

namespace {

core::Json json_strings(const std::vector<std::string>& items) {
  core::Json list = core::Json::array();
  for (const auto& item : items) {
    list.push(item);
  }
  return list;
}

} // namespace

core::Json seed_report_json(const SeedReport& r) {
  core::Json tables = core::Json::array();
  for (const auto& t : r.tables) {
    tables.push(core::Json::object()
                    .set("table", t.table)
                    .set("inserted", t.inserted)
                    .set("updated", t.updated)
                    .set("unchanged", t.unchanged));
  }
  return core::Json::object()
      .set("environment", r.environment)
      .set("dry_run", r.dry_run)
      .set("reset", r.reset)
      .set("also_emptied", json_strings(r.also_emptied))
      .set("guards_set_aside", json_strings(r.guards_set_aside))
      .set("tables", tables)
      .set("files", json_strings(r.files))
      .set("skipped", json_strings(r.skipped))
      .set("sql_statements", r.statements)
      .set("sequences_restored", r.sequences_restored)
      .set("sequences_not_restored", json_strings(r.sequences_not_restored))
      .set("total_ms", r.ms);
}

void print_seed_report(const core::Output& out, const SeedReport& r) {
  std::vector<std::vector<std::string>> rows = {{"TABLE", "INSERTED", "UPDATED", "UNCHANGED"}};
  for (const auto& t : r.tables) {
    rows.push_back({t.table, std::to_string(t.inserted), std::to_string(t.updated),
                    std::to_string(t.unchanged)});
  }
  out.emit(seed_report_json(r).with_first("command", "seed"));
  out.line(fmt::format("seeded {} from {} file{}{} in {}{}", r.environment, r.files.size(),
                       r.files.size() == 1 ? "" : "s", r.reset ? " after a reset" : "",
                       util::format_duration_ms(r.ms), r.dry_run ? " (dry run: rolled back)" : ""));
  if (r.sequences_restored > 0) {
    out.line(fmt::format("the dry run moved {} sequence{} and put {} back", r.sequences_restored,
                         r.sequences_restored == 1 ? "" : "s",
                         r.sequences_restored == 1 ? "it" : "them"));
  }
  if (!r.also_emptied.empty()) {
    out.line(fmt::format("the reset also emptied the tables that refer to seeded ones: {}",
                         util::join(r.also_emptied, ", ")));
  }
  if (!r.guards_set_aside.empty()) {
    out.line(fmt::format("the reset emptied append-only tables past their TRUNCATE guards "
                         "(switched off and on again inside its transaction): {}",
                         util::join(r.guards_set_aside, ", ")));
  }
  if (rows.size() > 1) {
    out.table(rows);
  }
}

} // namespace agentpg::seed
