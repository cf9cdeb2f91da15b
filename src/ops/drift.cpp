// `accept`: the history takes the files as they are now (see migrate/accept.hpp).
#include <fmt/format.h>

#include "migrate/accept.hpp"
#include "migrate/files.hpp"
#include "migrate/runner.hpp"
#include "ops/guard.hpp"
#include "ops/migrate.hpp"
#include "ops/target.hpp"
#include "pg/connection.hpp"
#include "pg/migration_database.hpp"

namespace agentpg::ops {

namespace {

using core::ExitCode;
using core::Json;
using migrate::AcceptAction;
using migrate::AcceptItem;

std::string item_name(const migrate::StatusEntry& e) {
  return fmt::format("{}_{}", migrate::shown_version(e), e.name);
}

// What the question lists: what each accepted migration's history row becomes.
std::vector<std::string> accept_preview(const std::vector<AcceptItem>& plan) {
  std::vector<std::string> items;
  for (const AcceptItem& item : plan) {
    if (item.action == AcceptAction::record) {
      items.push_back(fmt::format("{}: record {} as it is now as applied", item_name(*item.entry),
                                  item.entry->file->path));
    } else if (item.action == AcceptAction::forget) {
      items.push_back(fmt::format("{}: its file is missing: forget it (the schema keeps what it "
                                  "did)",
                                  item_name(*item.entry)));
    }
  }
  return items;
}

} // namespace

ExitCode run_accept(Context& ctx, const AcceptCommand& command) {
  std::vector<migrate::MigrationFile> files =
      migrate::load_migrations(ctx.config.migrations_dir, ctx.config.modules);
  std::unique_ptr<pg::Connection> conn = connect_target(ctx);
  pg::MigrationDatabase db(*conn);
  // Planned once for the question (refusals come before it), and again under the lock.
  std::vector<migrate::AppliedMigration> history =
      db.read_history().value_or(std::vector<migrate::AppliedMigration>{});
  std::vector<migrate::StatusEntry> status = migrate::compute_status(files, history);
  std::vector<std::string> items = accept_preview(migrate::plan_accept(status, command.versions));
  if (!command.dry_run && !items.empty()) {
    confirm_destructive(ctx,
                        fmt::format("change the history of {} migration{} in database {}",
                                    items.size(), items.size() == 1 ? "" : "s", conn->database()),
                        items);
  }
  migrate::AcceptOptions options{command.versions, command.dry_run, ctx.config.lock_timeout};
  migrate::RunReport report = migrate::Runner(db, ctx.out).accept(files, options);
  Json accepted = Json::array();
  for (const auto& s : report.steps) {
    accepted.push(Json::object()
                      .set("version", s.version)
                      .set("name", s.name)
                      .set("module", s.module)
                      .set("file", s.path.empty() ? Json() : Json(s.path))
                      .set("action", s.note));
  }
  Json doc = Json::object().set("dry_run", command.dry_run).set("accepted", accepted);
  if (command.dry_run) {
    doc.set("sql", report.sql);
  }
  ctx.out.emit(doc);
  if (command.dry_run) {
    ctx.out.data(report.sql.empty() ? "-- nothing to do\n" : report.sql);
    return ExitCode::ok;
  }
  for (const auto& s : report.steps) {
    std::string name = fmt::format("{}_{}", s.version, s.name);
    ctx.out.line(
        s.note == "recorded"
            ? fmt::format("accepted {}: {} as it is now is recorded as applied", name, s.path)
        : s.note == "forgotten"
            ? fmt::format("forgot {}: its file is missing; its history row is gone "
                          "(the schema is unchanged)",
                          name)
            : fmt::format("{}: the file is as it was applied, nothing to accept", name));
  }
  return ExitCode::ok;
}

} // namespace agentpg::ops
