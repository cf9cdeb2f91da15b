#pragma once
// The one table of agentpg's settings: each key's name in agentpg.yaml, its flag, its
// environment variable (AGENTPG_<KEY>, plus an alias where other tools already use one),
// its default and its help. --help, the README and the loader all read it from here.
#include <string>
#include <vector>

namespace agentpg::config {

enum class Kind { text, seconds, boolean, list, choice };

struct SettingSpec {
  const char* key;            // in agentpg.yaml; nested keys joined with '.' ("init.seed")
  const char* flag;           // global flag, or nullptr when it has none
  const char* default_value;  // as text, parsed like any other source
  Kind kind;
  const char* help;
  const char* env_alias;      // another variable honoured at the environment level, or nullptr
  const char* choices;        // for Kind::choice: "a|b|c"
};

const std::vector<SettingSpec>& settings();
const SettingSpec* find_setting(const std::string& key);

// AGENTPG_LOCK_TIMEOUT for "lock_timeout", AGENTPG_INIT_SEED for "init.seed".
std::string env_name(const SettingSpec& spec);

} // namespace agentpg::config
