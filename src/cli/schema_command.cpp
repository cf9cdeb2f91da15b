#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "ops/schema.hpp"

namespace agentpg::cli {

void wire_dump(CLI::App* cmd, Runtime& runtime) {
  auto options = std::make_shared<ops::DumpCommand>();
  cmd->add_option("--to", options->to,
                  "write it here, atomically ('-': stdout) [default: the schema_file setting, "
                  "schema.sql]")
      ->type_name("FILE");
  cmd->callback([&runtime, options] {
    runtime.action = [options](ops::Context& ctx) { return ops::run_dump(ctx, *options); };
  });
}

void wire_load(CLI::App* cmd, Runtime& runtime) {
  auto options = std::make_shared<ops::LoadCommand>();
  cmd->add_option("file", options->file,
                  "the schema file [default: the schema_file setting, schema.sql]")
      ->type_name("FILE");
  cmd->callback([&runtime, options] {
    runtime.action = [options](ops::Context& ctx) { return ops::run_load(ctx, *options); };
  });
}

} // namespace agentpg::cli
