#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "ops/bundled.hpp"
#include "util/strings.hpp"

namespace agentpg::cli {

namespace {

// "MODULE:{core,caracal,...}": the value names show the bundled choices in the help and
// the man page, and the completions offer them (the binary's own list: there may be no
// migrations folder to look in). The commands check the names themselves, to suggest one.
std::string choices(const std::string& value_name, const std::vector<std::string>& names) {
  return value_name + ":{" + util::join(names, ",") + "}";
}

std::string module_choices() {
  std::vector<std::string> names;
  for (const auto& module : ops::bundled_modules()) {
    names.push_back(module.name);
  }
  return choices("MODULE", names);
}

std::string environment_choices() {
  std::vector<std::string> names;
  for (const auto& environment : ops::bundled_seed_environments()) {
    names.push_back(environment.name);
  }
  return choices("ENV", names);
}

} // namespace

void wire_bundled(CLI::App* cmd, Runtime& runtime) {
  cmd->require_subcommand(1);
  cmd->add_subcommand("list", "the bundled modules, what each requires, and the seed environments")
      ->callback([&runtime] {
        runtime.action = [](ops::Context& ctx) { return ops::run_bundled_list(ctx); };
      });

  auto write_options = std::make_shared<ops::BundledWriteCommand>();
  CLI::App* write = cmd->add_subcommand(
      "write", "write the bundled migrations and seeds into the project's migrations and seeds "
               "folders, to edit them (a different file in the way: exit 2, nothing written)");
  write
      ->add_option("module", write_options->modules,
                   "modules to write, with those they require (default: all)")
      ->type_name(module_choices());
  write->add_option("--to", write_options->to, "write into DIR/migrations and DIR/seeds instead")
      ->type_name("DIR");
  write->callback([&runtime, write_options] {
    runtime.action = [write_options](ops::Context& ctx) {
      return ops::run_bundled_write(ctx, *write_options);
    };
  });

  auto install_options = std::make_shared<ops::BundledInstallCommand>();
  CLI::App* install = cmd->add_subcommand(
      "install", "create the database if missing and apply the modules' bundled migrations "
                 "(and those they require) with the usual history; no project folder needed");
  install->add_option("module", install_options->modules, "modules to install (e.g. caracal)")
      ->required()
      ->type_name(module_choices());
  install->add_option("--seed", install_options->seed, "then load this bundled seed environment")
      ->type_name(environment_choices());
  install->callback([&runtime, install_options] {
    runtime.action = [install_options](ops::Context& ctx) {
      return ops::run_bundled_install(ctx, *install_options);
    };
  });
}

} // namespace agentpg::cli
