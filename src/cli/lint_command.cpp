#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "ops/lint.hpp"

namespace agentpg::cli {

void wire_lint(CLI::App* cmd, Runtime& runtime) {
  auto options = std::make_shared<ops::LintCommand>();
  cmd->add_option("targets", options->targets,
                  "migration files, folders of them, or versions of the project's migrations "
                  "(default: every migration of the project)")
      ->type_name("FILE");
  cmd->add_option("--format", options->format,
                  "text (file:line:col: severity: message [rule], then why and the fix) or "
                  "github (GitHub Actions annotations); --json gives JSON")
      ->check(CLI::IsMember({"text", "github"}))
      ->capture_default_str();
  cmd->add_option("--fail-on", options->fail_on,
                  "exit 1 when a finding is at least this severe [default: lint.fail_on, "
                  "warning]")
      ->check(CLI::IsMember({"error", "warning", "hint"}));
  cmd->footer("Rules are switched off in agentpg.yaml (lint: {disable: [rule, ...]}), for one "
              "statement by a comment above it ('-- agentpg-lint: disable=rule (why)') and for "
              "a file by '-- agentpg-lint: disable-file=rule (why)'. The rules are listed in "
              "the README and the man page.");
  cmd->callback([&runtime, options] {
    runtime.action = [options](ops::Context& ctx) { return ops::run_lint(ctx, *options); };
  });
}

} // namespace agentpg::cli
