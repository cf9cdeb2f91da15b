#pragma once
// `agentpg bundled`: the five systems' migrations and seeds that are compiled into the
// binary (ops/bundled_files.hpp), listed, written out into a project, or installed
// straight into the database with the normal migration engine and history.
#include <string>
#include <vector>

#include "core/error.hpp"
#include "ops/context.hpp"

namespace agentpg::ops {

struct BundledModule {
  std::string name;                          // its folder: migrations/<name>/
  std::vector<std::string> migrations;       // file names, in name (= version) order
  std::vector<std::string> requires_modules; // other bundled modules its SQL uses (core)
};

struct BundledSeedEnvironment {
  std::string name;                 // seeds/<name>/
  std::vector<std::string> files;   // file names, in name order
  std::vector<std::string> modules; // the bundled modules whose tables its files fill
};

// The bundled modules in the order of their first migration's version.
std::vector<BundledModule> bundled_modules();
std::vector<BundledSeedEnvironment> bundled_seed_environments();
// `requested` with every module they require, in the order of bundled_modules(). Throws
// core::Error (exit 2) for a name that is not a bundled module, naming the bundled ones.
std::vector<std::string> with_required_modules(const std::vector<std::string>& requested);

struct BundledWriteCommand {
  std::vector<std::string> modules; // none = all of them
  std::string to;                   // "" = the project's migrations and seeds folders
};

struct BundledInstallCommand {
  std::vector<std::string> modules;
  std::string seed; // "" = no seeds; else the bundled environment to load
};

core::ExitCode run_bundled_list(Context& ctx);
core::ExitCode run_bundled_write(Context& ctx, const BundledWriteCommand& command);
core::ExitCode run_bundled_install(Context& ctx, const BundledInstallCommand& command);

} // namespace agentpg::ops
