#pragma once
// One Context per run, passed explicitly: the resolved Config and the Output.
#include "config/config.hpp"
#include "core/output.hpp"

namespace agentpg::core {

struct Context {
  explicit Context(config::Config c)
      : config(std::move(c)), out(OutputOptions{config.json, config.quiet, config.verbose, config.no_color}) {}

  config::Config config;
  Output out;
};

} // namespace agentpg::core
