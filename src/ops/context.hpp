#pragma once
// One Context per run, passed explicitly: the resolved Config and the Output.
#include "config/config.hpp"
#include "core/output.hpp"
#include "pg/history_table.hpp"

namespace agentpg::ops {

struct Context {
  explicit Context(config::Config c)
      : config(std::move(c)),
        out(core::OutputOptions{config.json, config.quiet, config.verbose, config.no_color}) {
    pg::use_history_table(config.history_table.empty() ? "schema_migrations"
                                                       : config.history_table);
  }

  config::Config config;
  core::Output out;
  // Whether production's TLS rule (ops::check_transport) was applied in this run: it
  // is applied, and warns, once per command.
  mutable bool transport_checked = false;
  // Whether --local has said that it leaves a configured database URL aside (once per run).
  mutable bool local_choice_told = false;
};

} // namespace agentpg::ops
