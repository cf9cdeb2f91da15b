#pragma once
// The command line: global options (from the settings table) and the subcommands, each
// wired in its own <name>_command.cpp and registered in app.cpp's list.
#include <functional>
#include <memory>
#include <vector>

#include "config/config.hpp"
#include "core/error.hpp"
#include "ops/context.hpp"

namespace CLI {
class App;
}

namespace agentpg::cli {

// What the chosen subcommand does, once the command line is parsed and the Config built.
using Action = std::function<core::ExitCode(ops::Context&)>;

// State the command files share with the wiring.
struct Runtime {
  config::Sources sources;
  Action action;
  // Adds the options of every subcommand (only the one named is wired during parsing).
  std::function<void()> wire_all;
};

class App {
public:
  App();
  ~App();

  // Parses argv, builds the Context and runs the chosen command. Throws core::Error.
  int run(int argc, char** argv);
  // The output to report a failure on: the run's own, or a default one before it exists.
  const core::Output& output() const;

private:
  // Adds the options of the index-th subcommand, once.
  void wire(size_t index);

  std::unique_ptr<CLI::App> m_app;
  std::vector<CLI::App*> m_subcommands;
  std::vector<bool> m_wired;
  Runtime m_runtime;
  std::unique_ptr<ops::Context> m_context;
  core::Output m_fallback_output;
};

} // namespace agentpg::cli
