#include "ops/verify.hpp"

#include <fmt/format.h>

#include <csignal>
#include <set>

#include "backup/scratch.hpp"
#include "migrate/files.hpp"
#include "migrate/runner.hpp"
#include "migrate/schema_file.hpp"
#include "ops/target.hpp"
#include "pg/admin.hpp"
#include "pg/connection.hpp"
#include "pg/migration_database.hpp"
#include "pg/query.hpp"
#include "pg/schema_dump.hpp"
#include "util/diff.hpp"
#include "util/interrupt.hpp"
#include "util/strings.hpp"

namespace agentpg::ops {

namespace {

using core::Error;
using core::ExitCode;
using core::Json;
using migrate::MigrationFile;

// A database beside the configured one, for verify to build and tear down; dropped when
// this goes, whatever happened.
class Scratch {
public:
  Scratch(const Context& ctx, const pg::ConnParams& target) : m_ctx(ctx), m_params(target) {
    std::string base = target.get("dbname").empty() ? "agentpg" : target.get("dbname");
    for (int attempt = 0; attempt < 5; ++attempt) {
      m_params.set("dbname", backup::side_database_name(base, "verify"));
      if (pg::create_database_if_missing(m_params, ctx.config.connect_timeout)) {
        return;
      }
    }
    throw Error(ExitCode::unexpected,
                fmt::format("cannot find a free name for a scratch database beside {}", base));
  }
  ~Scratch() {
    if (m_dropped.empty()) {
      drop();
    }
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  const pg::ConnParams& params() const { return m_params; }
  std::string name() const { return m_params.get("dbname"); }
  // Drops it and says so (or, when even that fails, where it is left).
  const std::string& drop() {
    try {
      pg::drop_database(m_params, m_ctx.config.connect_timeout, true);
      m_dropped = fmt::format("the scratch database {} was dropped", name());
    } catch (const Error& e) {
      m_dropped = fmt::format("the scratch database {} is left on the server ({}): drop it with "
                              "DROP DATABASE {}",
                              name(), e.what(), pg::quote_identifier(name()));
    }
    return m_dropped;
  }

private:
  const Context& m_ctx;
  pg::ConnParams m_params;
  std::string m_dropped;
};

struct Problem {
  std::string step; // "down", "up again"
  std::vector<std::string> objects;
  std::string diff;
};

struct Checked {
  const MigrationFile* file = nullptr;
  std::vector<std::string> kept; // what its down section says it leaves in place
  std::vector<Problem> problems;
  std::string error; // the down or the second up failed
  bool exact() const { return problems.empty() && error.empty(); }
};

// Runs migrations on the scratch database through the migration engine, as migrate and
// rollback do (history, lock), without their report.
class Steps {
public:
  Steps(const Context& ctx, pg::Connection& conn, const std::vector<MigrationFile>& files)
      : m_ctx(ctx), m_db(conn), m_files(files), m_quiet(core::OutputOptions{false, true}) {}

  void up_to(const std::string& version) {
    migrate::MigrateOptions options;
    options.rules.to = version;
    options.lock_timeout = m_ctx.config.lock_timeout;
    migrate::Runner(m_db, m_quiet).migrate(m_files, options);
  }
  void down_one() {
    migrate::RollbackOptions options;
    options.rules.steps = 1;
    options.lock_timeout = m_ctx.config.lock_timeout;
    migrate::Runner(m_db, m_quiet).rollback(m_files, options);
  }

private:
  const Context& m_ctx;
  pg::MigrationDatabase m_db;
  const std::vector<MigrationFile>& m_files;
  core::Output m_quiet;
};

void stop_if_interrupted(const util::InterruptScope& interrupts) {
  if (int signal = interrupts.signal()) {
    throw Error(signal == SIGINT ? ExitCode::interrupted : ExitCode::terminated,
                fmt::format("verify interrupted by {}", util::signal_name(signal)));
  }
}

// `expected` and `found` should be equal; a Problem when they are not.
void compare(const std::string& expected, const std::string& found, const std::string& step,
             const std::string& expected_label, const std::string& found_label, Checked& into) {
  if (expected == found) {
    return;
  }
  into.problems.push_back(
      Problem{step, pg::object_differences(expected, found, expected_label, found_label),
              util::unified_diff(expected, found, expected_label, found_label)});
}

// The versions applied in the configured database (verify --pending).
std::set<std::string> applied_in_target(const Context& ctx) {
  std::unique_ptr<pg::Connection> conn = connect_target(ctx);
  std::set<std::string> applied;
  for (const auto& a : pg::MigrationDatabase(*conn).read_history().value_or(
           std::vector<migrate::AppliedMigration>{})) {
    if (a.status == migrate::HistoryStatus::applied) {
      applied.insert(a.version);
    }
  }
  return applied;
}

Json checked_json(const Checked& c) {
  Json problems = Json::array();
  for (const Problem& p : c.problems) {
    Json objects = Json::array();
    for (const std::string& o : p.objects) {
      objects.push(o);
    }
    problems.push(Json::object().set("step", p.step).set("objects", objects).set("diff", p.diff));
  }
  Json kept = Json::array();
  for (const std::string& k : c.kept) {
    kept.push(k);
  }
  return Json::object()
      .set("version", migrate::shown_version(*c.file))
      .set("name", c.file->name)
      .set("module", c.file->module)
      .set("file", c.file->path)
      .set("exact", c.exact())
      .set("kept", kept)
      .set("problems", problems)
      .set("error", c.error.empty() ? Json() : Json(c.error));
}

std::string checked_text(const Checked& c) {
  std::string name = fmt::format("{}_{}", migrate::shown_version(*c.file), c.file->name);
  if (c.exact()) {
    return fmt::format(
        "  exact      {}{}", name,
        c.kept.empty() ? ""
                       : fmt::format(" (its down keeps {}, as it says)", util::join(c.kept, ", ")));
  }
  std::string text = fmt::format("  NOT EXACT  {} ({})", name, c.file->path);
  for (const Problem& p : c.problems) {
    text += fmt::format("\n    after {}: {}\n      {}\n{}", p.step,
                        p.step == "down" ? "the schema is not what it was before the up"
                                         : "the schema is not what the first up made",
                        util::join(p.objects, "\n      "), p.diff);
  }
  if (!c.error.empty()) {
    text += "\n    " + util::join(util::split(c.error, '\n'), "\n    ");
  }
  return text;
}

// Up, down and up again for each of `files` from `first`, comparing dumps; stops at a
// migration whose down or second up fails (the scratch database is then not worth more).
std::vector<Checked> check_each(Steps& steps, const pg::ConnParams& scratch, int connect_timeout,
                                const std::vector<const MigrationFile*>& order, size_t first,
                                const util::InterruptScope& interrupts) {
  std::vector<Checked> results;
  std::string before = pg::dump_schema(scratch, connect_timeout);
  for (size_t i = first; i < order.size(); ++i) {
    Checked c;
    c.file = order[i];
    c.kept = migrate::kept_by_down(*c.file);
    steps.up_to(c.file->version);
    std::string after_up = pg::dump_schema(scratch, connect_timeout);
    stop_if_interrupted(interrupts);
    try {
      steps.down_one();
      // What the down says it keeps (an extension other schemas may use) is left out on
      // both sides, with its comment.
      compare(pg::without_objects(before, c.kept),
              pg::without_objects(pg::dump_schema(scratch, connect_timeout), c.kept), "down",
              "the schema before up", "the schema after down", c);
      stop_if_interrupted(interrupts);
      steps.up_to(c.file->version);
      before = pg::dump_schema(scratch, connect_timeout);
      compare(after_up, before, "up again", "the schema after up",
              "the schema after down and up again", c);
    } catch (const Error& e) {
      if (e.code() == ExitCode::interrupted || e.code() == ExitCode::terminated) {
        throw;
      }
      c.error = e.hint().empty() ? e.what() : fmt::format("{}\n({})", e.what(), e.hint());
      results.push_back(std::move(c));
      break;
    }
    results.push_back(std::move(c));
    stop_if_interrupted(interrupts);
  }
  return results;
}

} // namespace

ExitCode run_verify_migrations(Context& ctx, const VerifyMigrationsCommand& command) {
  std::vector<MigrationFile> files =
      migrate::load_migrations(ctx.config.migrations_dir, ctx.config.modules);
  std::vector<const MigrationFile*> order = migrate::in_version_order(files);
  size_t first = 0;
  if (command.pending) {
    std::set<std::string> applied = applied_in_target(ctx);
    while (first < order.size() && applied.count(order[first]->version) != 0) {
      ++first;
    }
  }
  size_t to_check = order.size() - first;
  if (to_check == 0) {
    ctx.out.emit(Json::object()
                     .set("scratch_database", Json())
                     .set("pending_only", command.pending)
                     .set("checked", static_cast<long long>(0))
                     .set("exact", true)
                     .set("migrations", Json::array()));
    ctx.out.line(command.pending ? "nothing to verify: every migration is applied"
                                 : "nothing to verify: no migrations");
    return ExitCode::ok;
  }
  // SIGINT and SIGTERM are held while it runs: the scratch database is dropped first.
  util::InterruptScope interrupts;
  Scratch scratch(ctx, target_params(ctx));
  std::vector<Checked> results;
  try {
    std::unique_ptr<pg::Connection> conn =
        pg::Connection::open(scratch.params(), ctx.config.connect_timeout);
    Steps steps(ctx, *conn, files);
    if (first > 0) {
      steps.up_to(order[first - 1]->version);
    }
    stop_if_interrupted(interrupts);
    results =
        check_each(steps, scratch.params(), ctx.config.connect_timeout, order, first, interrupts);
  } catch (const Error& e) {
    throw Error(e.code(), e.what(), (e.hint().empty() ? "" : e.hint() + "; ") + scratch.drop());
  }
  std::string name = scratch.name();
  std::string dropped = scratch.drop();

  Json list = Json::array();
  size_t inexact = 0;
  std::vector<std::string> lines;
  for (const Checked& c : results) {
    list.push(checked_json(c));
    inexact += c.exact() ? 0 : 1;
    lines.push_back(checked_text(c));
  }
  size_t unchecked = to_check - results.size();
  ctx.out.emit(Json::object()
                   .set("scratch_database", name)
                   .set("pending_only", command.pending)
                   .set("checked", static_cast<long long>(results.size()))
                   .set("unchecked", static_cast<long long>(unchecked))
                   .set("exact", inexact == 0 && unchecked == 0)
                   .set("migrations", list));
  ctx.out.line(
      fmt::format("verify: up, down and up again for {} migration{} on a scratch "
                  "database{}",
                  to_check, to_check == 1 ? "" : "s",
                  first > 0 ? fmt::format(" ({} applied before them unchecked)", first) : ""));
  ctx.out.line(util::join(lines, "\n"));
  if (unchecked > 0) {
    ctx.out.line(fmt::format("  ({} later migration{} not checked: the scratch database is not "
                             "as they expect)",
                             unchecked, unchecked == 1 ? "" : "s"));
  }
  ctx.out.line(inexact == 0
                   ? fmt::format("all {} exact; {}", results.size(), dropped)
                   : fmt::format("{} of {} not exact; {}", inexact, results.size(), dropped));
  stop_if_interrupted(interrupts);
  return inexact == 0 ? ExitCode::ok : ExitCode::unexpected;
}

} // namespace agentpg::ops
