#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/spec.hpp"

namespace agentpg::cli {

void wire_completion(CLI::App* cmd, Runtime& runtime) {
  auto shell = std::make_shared<std::string>();
  cmd->add_option("shell", *shell, "bash, zsh or fish")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "fish"}));
  CLI::App* root = cmd->get_parent();
  cmd->callback([&runtime, shell, root] {
    runtime.action = [&runtime, shell, root](ops::Context&) {
      runtime.wire_all();
      CommandSpec spec = describe(*root);
      std::string script = *shell == "bash"  ? bash_completion(spec)
                           : *shell == "zsh" ? zsh_completion(spec)
                                             : fish_completion(spec);
      fmt::print("{}", script);
      return core::ExitCode::ok;
    };
  });
}

// Hidden: the man page is generated from the same definition (man/agentpg.1).
void wire_manpage(CLI::App* cmd, Runtime& runtime) {
  CLI::App* root = cmd->get_parent();
  cmd->callback([&runtime, root] {
    runtime.action = [&runtime, root](ops::Context&) {
      runtime.wire_all();
      fmt::print("{}", man_page(describe(*root)));
      return core::ExitCode::ok;
    };
  });
}

void wire_help(CLI::App* cmd, Runtime& runtime) {
  auto topic = std::make_shared<std::string>();
  cmd->add_option("command", *topic, "the command");
  CLI::App* root = cmd->get_parent();
  cmd->callback([&runtime, topic, root] {
    runtime.action = [&runtime, topic, root](ops::Context&) {
      runtime.wire_all();
      const CLI::App* target = root;
      if (!topic->empty()) {
        auto found =
            root->get_subcommands([&](const CLI::App* sub) { return sub->get_name() == *topic; });
        target = found.empty() ? nullptr : found.front();
        if (target == nullptr) {
          throw core::Error(core::ExitCode::usage, fmt::format("no command '{}'", *topic),
                            "see 'agentpg --help'");
        }
      }
      fmt::print("{}", target == root ? root->help() : target->help(root->get_name()));
      return core::ExitCode::ok;
    };
  });
}

} // namespace agentpg::cli
