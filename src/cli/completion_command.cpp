#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/spec.hpp"
#include "cli/words.hpp"

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

// `agentpg help [COMMAND [SUBCOMMAND]]`: the general help, or a command's (`help backup verify`).
void wire_help(CLI::App* cmd, Runtime& runtime) {
  auto topic = std::make_shared<std::vector<std::string>>();
  cmd->add_option("command", *topic, "the command (and its subcommand)")->expected(0, 2);
  CLI::App* root = cmd->get_parent();
  cmd->callback([&runtime, topic, root] {
    runtime.action = [&runtime, topic, root](ops::Context&) {
      runtime.wire_all();
      size_t width = help_width();
      if (topic->empty()) {
        fmt::print("{}", general_help(*root, width));
        return core::ExitCode::ok;
      }
      const CLI::App* target = root;
      std::string prefix = root->get_name();
      for (const std::string& word : *topic) {
        auto found =
            target->get_subcommands([&](const CLI::App* sub) { return sub->check_name(word); });
        if (found.empty() || found.front()->get_group().empty()) {
          throw core::Error(core::ExitCode::usage,
                            fmt::format("no command '{}'", fmt::join(*topic, " ")),
                            "see 'agentpg help' for the commands");
        }
        if (target != root) {
          prefix += " " + target->get_name();
        }
        target = found.front();
      }
      fmt::print("{}", wrap_help(target->help(prefix), width));
      return core::ExitCode::ok;
    };
  });
}

} // namespace agentpg::cli
