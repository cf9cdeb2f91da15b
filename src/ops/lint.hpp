#pragma once
// agentpg lint: the project's migration files (or those named) checked by sql/lint's
// rules, offline, with the Config's disabled rules left out; and migrate's check of its
// pending migrations (lint.on_migrate).
#include <string>
#include <vector>

#include "core/error.hpp"
#include "migrate/files.hpp"
#include "ops/context.hpp"

namespace agentpg::ops {

struct LintCommand {
  std::vector<std::string> targets; // files, folders or versions; none: every migration
  std::string format = "text";      // text or github (--json wins)
  std::string fail_on;              // "" = lint.fail_on
};

// A lint rule as the help and the man page list it.
struct LintRuleText {
  std::string id;
  std::string squawk; // "" when squawk has no such rule
  std::string severity;
  std::string summary;
};
std::vector<LintRuleText> lint_rule_texts();

// Exit 0, or 1 when a finding is at or above --fail-on; 2 for a bad argument.
core::ExitCode run_lint(Context& ctx, const LintCommand& command);

// migrate's check before it applies `pending` (lint.on_migrate): off does nothing; warn
// prints the findings on stderr; error prints them too and throws (exit 5) when one is
// at or above lint.fail_on.
void lint_before_migrate(const Context& ctx,
                         const std::vector<const migrate::MigrationFile*>& pending);

} // namespace agentpg::ops
