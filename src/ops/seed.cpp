#include "ops/seed.hpp"

#include <fmt/format.h>

#include "ops/guard.hpp"
#include "ops/target.hpp"
#include "pg/connection.hpp"
#include "seed/files.hpp"
#include "seed/loader.hpp"

namespace agentpg::ops {

core::ExitCode run_seed(Context& ctx, const SeedCommand& command) {
  std::string environment =
      command.environment.empty() ? ctx.config.environment_name : command.environment;
  guard_seeding(ctx, environment);
  std::vector<seed::SeedFile> files =
      seed::load_seed_files(ctx.config.seeds_dir + "/" + environment);
  std::unique_ptr<pg::Connection> conn = connect_target(ctx);
  if (command.reset && !command.dry_run) {
    confirm_destructive(ctx, fmt::format("empty the tables that the {} seeds fill in database {}",
                                         environment, conn->database()));
  }
  seed::SeedReport report = seed::load_seeds(
      *conn, files, seed::SeedOptions{environment, command.reset, command.dry_run}, ctx.out);
  seed::print_seed_report(ctx.out, report);
  return core::ExitCode::ok;
}

void seed_for_init(Context& ctx, pg::Connection& conn, const std::string& environment) {
  std::vector<seed::SeedFile> files =
      seed::load_seed_files(ctx.config.seeds_dir + "/" + environment);
  seed::SeedReport report =
      seed::load_seeds(conn, files, seed::SeedOptions{environment, false, false}, ctx.out);
  seed::print_seed_report(ctx.out, report);
}

} // namespace agentpg::ops
