#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/spec.hpp"

namespace agentpg::cli {

void add_completion_command(CLI::App& app, Runtime& runtime) {
  auto shell = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("completion", "print a completion script for bash, zsh or fish");
  cmd->add_option("shell", *shell, "bash, zsh or fish")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
  CLI::App* root = &app;
  cmd->callback([&runtime, shell, root] {
    runtime.action = [shell, root](core::Context&) {
      CommandSpec spec = describe(*root);
      std::string script = *shell == "bash" ? bash_completion(spec) : *shell == "zsh" ? zsh_completion(spec)
                                                                                      : fish_completion(spec);
      fmt::print("{}", script);
      return core::ExitCode::ok;
    };
  });
  // Hidden: the man page is generated from the same definition (man/agentpg.1).
  CLI::App* man = app.add_subcommand("manpage", "print the man page (roff)")->group("");
  man->callback([&runtime, root] {
    runtime.action = [root](core::Context&) {
      fmt::print("{}", man_page(describe(*root)));
      return core::ExitCode::ok;
    };
  });
}

void add_help_command(CLI::App& app, Runtime& runtime) {
  auto topic = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("help", "show the help of a command ('agentpg help migrate')");
  cmd->add_option("command", *topic, "the command");
  CLI::App* root = &app;
  cmd->callback([&runtime, topic, root] {
    runtime.action = [topic, root](core::Context&) {
      const CLI::App* target = root;
      if (!topic->empty()) {
        auto found = root->get_subcommands([&](const CLI::App* sub) { return sub->get_name() == *topic; });
        target = found.empty() ? nullptr : found.front();
        if (target == nullptr) {
          throw core::Error(core::ExitCode::usage, fmt::format("no command '{}'", *topic), "see 'agentpg --help'");
        }
      }
      fmt::print("{}", target == root ? root->help() : target->help(root->get_name()));
      return core::ExitCode::ok;
    };
  });
}

} // namespace agentpg::cli
