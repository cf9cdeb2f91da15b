#include <CLI/CLI.hpp>

#include "cli/spec.hpp"

namespace agentpg::cli {

namespace {

// CLI11 gives the type name followed by its checks: "TEXT:{custom,directory,plain}".
ValueKind value_kind(const std::string& type_name, std::vector<std::string>& choices) {
  size_t open = type_name.find(":{");
  if (open != std::string::npos && type_name.back() == '}') {
    std::string list = type_name.substr(open + 2, type_name.size() - open - 3);
    for (size_t start = 0; start <= list.size();) {
      size_t comma = std::min(list.find(',', start), list.size());
      choices.push_back(list.substr(start, comma - start));
      start = comma + 1;
    }
    return ValueKind::choice;
  }
  std::string name = type_name.substr(0, type_name.find(':'));
  if (name == "FILE" || name == "PATH") {
    return ValueKind::file;
  }
  if (name == "DIR") {
    return ValueKind::directory;
  }
  if (name == "ENVIRONMENT") {
    return ValueKind::seed_environment;
  }
  return name == "MODULE" ? ValueKind::module : ValueKind::text;
}

} // namespace

CommandSpec describe(const CLI::App& app) {
  CommandSpec spec;
  spec.name = app.get_name();
  spec.help = app.get_description();
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_positional()) {
      spec.positionals.push_back(option->get_name());
      spec.positional_kind = value_kind(option->get_type_name(), spec.positional_choices);
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
    if (!o.value_name.empty()) {
      o.kind = value_kind(o.value_name, o.choices);
    }
    spec.options.push_back(o);
  }
  for (const CLI::App* sub :
       app.get_subcommands([](const CLI::App* a) { return !a->get_group().empty(); })) {
    spec.subcommands.push_back(describe(*sub));
  }
  return spec;
}

} // namespace agentpg::cli
