#pragma once
// A plain description of the command line, read from the CLI definition, from which the
// completions and the man page are generated (so they list exactly what the binary takes).
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace agentpg::cli {

// What a value is, for completion: read from the CLI definition (a CLI::IsMember check
// gives `choice`; the type names FILE/PATH, DIR, ENVIRONMENT and MODULE the others).
enum class ValueKind {
  none,             // a flag, or a command without positional arguments
  text,             // anything: nothing to complete
  choice,           // one of `choices`
  file,             // a file name
  directory,        // a folder name
  seed_environment, // a folder of seeds/
  module,           // a folder of migrations/
};

struct OptionSpec {
  std::vector<std::string> names; // "--to", "-q", "--quiet"
  std::string value_name;         // "" for flags
  std::string help;
  std::string default_value;
  ValueKind kind = ValueKind::none;
  std::vector<std::string> choices; // kind == choice
};

struct CommandSpec {
  std::string name;
  std::string help;
  std::vector<std::string> positionals; // their names
  ValueKind positional_kind = ValueKind::none;
  std::vector<std::string> positional_choices; // positional_kind == choice
  std::vector<OptionSpec> options;
  std::vector<CommandSpec> subcommands;
};

// Hidden commands (no group) are left out.
CommandSpec describe(const CLI::App& app);

std::string bash_completion(const CommandSpec& root);
std::string zsh_completion(const CommandSpec& root);
std::string fish_completion(const CommandSpec& root);
std::string man_page(const CommandSpec& root);

} // namespace agentpg::cli
