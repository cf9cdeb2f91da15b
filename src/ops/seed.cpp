#include "ops/seed.hpp"

#include <fmt/format.h>

#include <cctype>

#include "ops/guard.hpp"
#include "ops/target.hpp"
#include "pg/connection.hpp"
#include "seed/files.hpp"
#include "seed/loader.hpp"
#include "util/files.hpp"

namespace agentpg::ops {

namespace {

// The project's modules: the folders of the migrations folder (all of them, also those
// that `modules:` leaves out), whose schema a seed may find not installed. A diesel
// migration folder starts with its version's digits and is no module.
std::vector<std::string> project_modules(const Context& ctx) {
  std::vector<std::string> modules;
  if (!util::is_directory(ctx.config.migrations_dir)) {
    return modules;
  }
  for (const util::DirEntry& entry : util::list_directory(ctx.config.migrations_dir)) {
    if (entry.directory && entry.name[0] != '.' &&
        !std::isdigit(static_cast<unsigned char>(entry.name[0]))) {
      modules.push_back(entry.name);
    }
  }
  return modules;
}

seed::SeedOptions seed_options(const Context& ctx, const std::string& environment, bool reset,
                               bool dry_run) {
  seed::SeedOptions options;
  options.environment = environment;
  options.reset = reset;
  options.dry_run = dry_run;
  options.modules = project_modules(ctx);
  return options;
}

} // namespace

core::ExitCode run_seed(Context& ctx, const SeedCommand& command) {
  std::string environment =
      command.environment.empty() ? ctx.config.environment_name : command.environment;
  guard_seeding(ctx, environment);
  std::vector<seed::SeedFile> files =
      seed::load_seed_files(ctx.config.seeds_dir + "/" + environment);
  std::unique_ptr<pg::Connection> conn = connect_target(ctx);
  seed::SeedOptions options = seed_options(ctx, environment, command.reset, command.dry_run);
  if (command.reset && !command.dry_run) {
    // Asked once the tables are known and before any is emptied, listing every one.
    std::string action = fmt::format("empty the tables that the {} seeds fill in database {}",
                                     environment, conn->database());
    options.before_reset = [&ctx, action](const std::vector<std::string>& seeded,
                                          const std::vector<std::string>& referring,
                                          const std::vector<std::string>& guarded) {
      std::vector<std::string> items = seeded;
      for (const auto& t : referring) {
        items.push_back(t + " (refers to a table above)");
      }
      for (const auto& g : guarded) {
        items.push_back("append-only, emptied past its TRUNCATE guard (" + g + ")");
      }
      confirm_destructive(ctx, action, items);
    };
  }
  seed::SeedReport report = seed::load_seeds(*conn, files, options, ctx.out);
  seed::print_seed_report(ctx.out, report);
  return core::ExitCode::ok;
}

void seed_for_init(Context& ctx, pg::Connection& conn, const std::string& environment) {
  std::vector<seed::SeedFile> files =
      seed::load_seed_files(ctx.config.seeds_dir + "/" + environment);
  seed::SeedReport report =
      seed::load_seeds(conn, files, seed_options(ctx, environment, false, false), ctx.out);
  seed::print_seed_report(ctx.out, report);
}

} // namespace agentpg::ops
