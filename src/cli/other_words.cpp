#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/words.hpp"

namespace agentpg::cli {

namespace {

// dbmate's, golang-migrate's, Alembic's and Flyway's words with the same meaning here:
// CLI11 runs the command under its other name.
struct Alias {
  const char* word;
  const char* command;
};

// Other tools' words that mean something else here, or nothing yet: a pointer, exit 2.
struct Pointer {
  const char* word;
  const char* message;
  const char* hint;
};

const Alias k_aliases[] = {
    {"up", "migrate"},   {"down", "rollback"},    {"current", "status"}, {"history", "status"},
    {"info", "status"},  {"create", "create-db"}, {"drop", "drop-db"},   {"generate", "new"},
    {"revision", "new"}, {"repair", "accept"},
};

const Pointer k_pointers[] = {
    {"clean", "refused: agentpg has no command that drops every object in the database",
     "to drop the whole database run 'agentpg drop-db'; to revert every migration run "
     "'agentpg rollback --to base'"},
    {"validate", "'validate' is not an agentpg command",
     "run 'agentpg check' (or 'agentpg status') to compare the database with the migrations"},
    {"goto", "'goto' is not an agentpg command",
     "run 'agentpg migrate --to VERSION' or 'agentpg rollback --to VERSION'"},
    {"force", "'force' is not an agentpg command",
     "to mark migrations as applied without running them run 'agentpg baseline VERSION'"},
};

} // namespace

void add_other_tools_words(CLI::App& app, Runtime& runtime) {
  for (const Alias& alias : k_aliases) {
    app.get_subcommand(alias.command)->alias(alias.word);
  }
  for (const Pointer& pointer : k_pointers) {
    CLI::App* cmd = app.add_subcommand(pointer.word, pointer.message);
    cmd->group("");
    // Whatever follows (`verify FILE`) belongs to the word, not to the global options.
    cmd->fallthrough(false);
    cmd->allow_extras();
    cmd->callback([&runtime, &pointer] {
      runtime.action = [&pointer](ops::Context&) -> core::ExitCode {
        throw core::Error(core::ExitCode::usage, pointer.message, pointer.hint);
      };
    });
  }
}

std::string other_tools_words_help() {
  std::string text = "Also understood:";
  for (const Alias& alias : k_aliases) {
    text += fmt::format(" {} ({}),", alias.word,
                        std::string(alias.command) == "rollback" ? "rollback one" : alias.command);
  }
  text.back() = '.';
  return text;
}

} // namespace agentpg::cli
