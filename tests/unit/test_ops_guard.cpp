#include <doctest/doctest.h>

#include "core/error.hpp"
#include "ops/guard.hpp"

using agentpg::config::Config;
using agentpg::config::Environment;
using agentpg::core::Error;
using agentpg::core::ExitCode;
using agentpg::ops::Context;
using agentpg::ops::guard_seeding;

namespace {

Context context(Environment environment, bool allow_production) {
  Config config;
  config.environment = environment;
  config.allow_production = allow_production;
  return Context(config);
}

// The refusal's message and hint, or "" when seeding may go ahead.
std::string refusal(const Context& ctx, const std::string& seed_environment) {
  try {
    guard_seeding(ctx, seed_environment);
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::refused);
    return std::string(e.what()) + " | " + e.hint();
  }
  return "";
}

const std::string k_refused =
    "refused to seed the production environment | pass --allow-production "
    "if production really needs these rows";

} // namespace

TEST_SUITE("ops::guard") {
  TEST_CASE("refuses any seeding in the production environment without --allow-production") {
    CHECK(refusal(context(Environment::production, false), "demo") == k_refused);
    CHECK(refusal(context(Environment::production, true), "demo") == "");
  }

  TEST_CASE("refuses the production seeds in any environment without --allow-production") {
    CHECK(refusal(context(Environment::development, false), "production") == k_refused);
    CHECK(refusal(context(Environment::development, true), "production") == "");
  }

  TEST_CASE("lets other seeds load outside production") {
    CHECK(refusal(context(Environment::staging, false), "staging") == "");
    CHECK(refusal(context(Environment::development, false), "demo") == "");
  }
}
