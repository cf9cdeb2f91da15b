#pragma once
// The one table of agentpg's settings (settings.cpp). A row says everything about a setting:
// its key in agentpg.yaml, its flag, its default, its help, another environment variable
// honoured for it, how its text is read and which Config field it fills. --help (and so
// the man page and completions) and the loader all read it from there; the environment
// variable is AGENTPG_<KEY>.
//
// Adding a setting: a field in Config (config.hpp) and a row in the table, plus its line
// in the README's configuration table (tests/cli/docs_generated.sh checks that one). The
// row names the field through a pointer to it, so a row without its field, or a field of
// the wrong type for the way the row reads it, does not compile; a test reads every row
// into its field. Code names a setting by its field (`setting(&Config::lock_timeout)`),
// not by its key, so a misspelt name does not compile either; only keys read from
// agentpg.yaml are looked up as text (find_setting).
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "config/config.hpp"

namespace agentpg::config {

// How a setting's text (from whichever source wins) becomes the value of its field.
enum class Kind {
  text,          // as written
  variable,      // the name of an environment variable: spaces around it dropped
  url,           // a database URL (see load_config): spaces dropped, where it came from kept
  path,          // relative to the working folder
  absolute_path, // relative to the working folder, then made absolute
  seconds,       // a whole number of seconds, at most a week
  interval,      // a length of time with its unit ("90 days"), positive, at least the minimum
  boolean,       // true/false, yes/no, on/off, 1/0
  list,          // comma-separated, or a YAML sequence
  choice,        // one of the row's `choices`
  environment,   // development (dev), test, staging or production (prod)
  table_name,    // a table name in the agentpg schema (letters, digits, '_'; "agentpg." allowed)
};

// The Config field a setting fills and its Kind. Made only through the functions below,
// each of which takes a field of the one type its kind fills.
class Field {
public:
  static Field text(std::string Config::*field) { return {Kind::text, field}; }
  static Field variable(std::string Config::*field) { return {Kind::variable, field}; }
  static Field url(std::string Config::*field) { return {Kind::url, field}; }
  static Field path(std::string Config::*field) { return {Kind::path, field}; }
  static Field absolute_path(std::string Config::*field) { return {Kind::absolute_path, field}; }
  static Field seconds(int Config::*field) { return {Kind::seconds, field}; }
  static Field interval(std::string Config::*field) { return {Kind::interval, field}; }
  static Field boolean(bool Config::*field) { return {Kind::boolean, field}; }
  static Field list(std::vector<std::string> Config::*field) { return {Kind::list, field}; }
  static Field choice(std::string Config::*field) { return {Kind::choice, field}; }
  static Field environment(Environment Config::*field) { return {Kind::environment, field}; }
  static Field table_name(std::string Config::*field) { return {Kind::table_name, field}; }

  Kind kind() const { return m_kind; }
  // The field, as a pointer to a member of type T; throws std::bad_variant_access when
  // it is of another type.
  template <typename T> T Config::*of_type() const { return std::get<T Config::*>(m_field); }
  template <typename T> bool is(T Config::*field) const {
    auto* mine = std::get_if<T Config::*>(&m_field);
    return mine != nullptr && *mine == field;
  }

private:
  using Member = std::variant<std::string Config::*, int Config::*, bool Config::*,
                              std::vector<std::string> Config::*, Environment Config::*>;
  Field(Kind kind, Member field) : m_kind(kind), m_field(field) {}

  Kind m_kind;
  Member m_field;
};

struct SettingSpec {
  const char* key;           // in agentpg.yaml; nested keys joined with '.' ("init.seed")
  const char* flag;          // global flag, or nullptr when it has none
  const char* default_value; // as text, read like any other source
  const char* help;
  Field field;                     // has no default: a row without one does not compile
  const char* env_alias = nullptr; // another variable honoured at the environment level
  // Kind::interval: the shortest value allowed unless maintain.allow_short_retention is set.
  const char* minimum = nullptr;
  // Kind::choice: the words it takes, comma-separated.
  const char* choices = nullptr;
};

// In the order --help lists them.
const std::vector<SettingSpec>& settings();
// The setting of a key in agentpg.yaml, or nullptr.
const SettingSpec* find_setting(const std::string& key);

// The setting that fills `field`. A Config field with no row is not a setting: asking for
// one throws std::logic_error.
template <typename T> const SettingSpec& setting(T Config::*field) {
  for (const SettingSpec& spec : settings()) {
    if (spec.field.is(field)) {
      return spec;
    }
  }
  throw std::logic_error("no setting fills this Config field");
}

// AGENTPG_LOCK_TIMEOUT for "lock_timeout", AGENTPG_INIT_SEED for "init.seed".
std::string env_name(const SettingSpec& spec);

} // namespace agentpg::config
