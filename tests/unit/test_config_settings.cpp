#include <doctest/doctest.h>

#include <stdexcept>

#include "config/config.hpp"
#include "config/settings.hpp"
#include "util/strings.hpp"

using namespace agentpg::config;

namespace {

// A value of the setting's kind that is not its default, as the environment would give it.
std::string other_than_default(const SettingSpec& spec, size_t n) {
  switch (spec.field.kind()) {
  case Kind::seconds:
    return std::to_string(1000 + n);
  case Kind::interval:
    return std::to_string(100 + n) + " days";
  case Kind::boolean:
    return std::string(spec.default_value) == "true" ? "false" : "true";
  case Kind::list:
    return "a" + std::to_string(n) + ",b" + std::to_string(n);
  case Kind::environment:
    return "staging";
  case Kind::choice: // the last word, or the first when the last is the default
    return spec.default_value == agentpg::util::split(spec.choices, ',').back()
               ? agentpg::util::split(spec.choices, ',').front()
               : agentpg::util::split(spec.choices, ',').back();
  default:
    return "v" + std::to_string(n);
  }
}

// Whether `config` holds, in the setting's field, what other_than_default(spec, n) reads as.
bool holds_other_than_default(const Config& config, const SettingSpec& spec, size_t n) {
  const Field& field = spec.field;
  std::string text = other_than_default(spec, n);
  switch (field.kind()) {
  case Kind::seconds:
    return config.*field.of_type<int>() == static_cast<int>(1000 + n);
  case Kind::interval:
    return config.*field.of_type<std::string>() == std::to_string(100 + n) + " days";
  case Kind::boolean:
    return config.*field.of_type<bool>() == (text == "true");
  case Kind::list:
    return config.*field.of_type<std::vector<std::string>>() ==
           std::vector<std::string>{"a" + std::to_string(n), "b" + std::to_string(n)};
  case Kind::environment:
    return config.*field.of_type<Environment>() == Environment::staging;
  case Kind::path:
  case Kind::absolute_path:
    return config.*field.of_type<std::string>() == "/nowhere/" + text;
  default:
    return config.*field.of_type<std::string>() == text;
  }
}

} // namespace

TEST_SUITE("config::settings") {
  TEST_CASE("reads every setting from its AGENTPG_ variable into a field of its own") {
    // All at once: two settings filling one field would leave one of them unread.
    Sources sources;
    sources.working_dir = "/nowhere";
    for (size_t n = 0; n < settings().size(); ++n) {
      sources.environment[env_name(settings()[n])] = other_than_default(settings()[n], n);
    }
    Config config = load_config(sources);
    for (size_t n = 0; n < settings().size(); ++n) {
      const SettingSpec& spec = settings()[n];
      INFO(spec.key);
      CHECK(holds_other_than_default(config, spec, n));
    }
  }

  TEST_CASE("finds a setting by the Config field it fills") {
    CHECK(std::string(setting(&Config::lock_timeout).key) == "lock_timeout");
    CHECK(setting(&Config::init_seed).flag == nullptr);
    CHECK(std::string(setting(&Config::environment).env_alias) == "AGENTPG_ENV");
    CHECK(find_setting("init.seed_env") == &setting(&Config::init_seed_env));
    CHECK(find_setting("init") == nullptr);
  }

  TEST_CASE("refuses a Config field that no setting fills") {
    CHECK_THROWS_AS(setting(&Config::environment_name), std::logic_error);
    CHECK_THROWS_AS(setting(&Config::libpq_configured), std::logic_error);
  }

  TEST_CASE("names each setting's variable AGENTPG_ and its key, dots as underscores") {
    CHECK(env_name(setting(&Config::lock_timeout)) == "AGENTPG_LOCK_TIMEOUT");
    CHECK(env_name(setting(&Config::init_seed)) == "AGENTPG_INIT_SEED");
    CHECK(env_name(setting(&Config::report_blocking_seconds)) == "AGENTPG_REPORT_BLOCKING_SECONDS");
  }
}
