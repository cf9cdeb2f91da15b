#include <CLI/CLI.hpp>

#include "cli/spec.hpp"

namespace agentpg::cli {

CommandSpec describe(const CLI::App& app) {
  CommandSpec spec;
  spec.name = app.get_name();
  spec.help = app.get_description();
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_positional()) {
      spec.positionals.push_back(option->get_name());
      continue;
    }
    OptionSpec o;
    for (const auto& s : option->get_snames()) {
      o.names.push_back("-" + s);
    }
    for (const auto& l : option->get_lnames()) {
      o.names.push_back("--" + l);
    }
    o.value_name = option->get_type_size() > 0 ? option->get_type_name() : "";
    o.help = option->get_description();
    o.default_value = option->get_default_str();
    spec.options.push_back(o);
  }
  for (const CLI::App* sub :
       app.get_subcommands([](const CLI::App* a) { return !a->get_group().empty(); })) {
    spec.subcommands.push_back(describe(*sub));
  }
  return spec;
}

} // namespace agentpg::cli
