#pragma once
// `agentpg adopt` (take over another tool's history) and `agentpg baseline VERSION`.
#include <string>

#include "core/error.hpp"
#include "migrate/adopt.hpp"
#include "ops/context.hpp"

namespace agentpg::ops {

struct AdoptCommand {
  std::string tool;  // "" = find it
  std::string table; // "" = the tool's default name, in search_path
  bool dry_run = false;
  migrate::AdoptRules rules;
};

struct BaselineCommand {
  std::string version;
  bool dry_run = false;
};

core::ExitCode run_adopt(Context& ctx, const AdoptCommand& command);
core::ExitCode run_baseline(Context& ctx, const BaselineCommand& command);

} // namespace agentpg::ops
