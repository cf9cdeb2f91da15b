#include "config/config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

#include <yaml-cpp/exceptions.h>

#include "config/dotenv.hpp"
#include "config/settings.hpp"
#include "core/error.hpp"
#include "util/files.hpp"
#include "util/interval.hpp"
#include "util/strings.hpp"
#include "util/yaml_tree.hpp"

extern char** environ;

namespace agentpg::config {

namespace {

using core::Error;
using core::ExitCode;

struct YamlEntry {
  std::string value;
  int line = 0;
};

std::string join_path(const std::string& dir, const std::string& file) {
  if (file.empty() || file[0] == '/' || dir.empty() || dir == ".") {
    return file;
  }
  return dir + "/" + file;
}

std::vector<std::string> setting_keys() {
  std::vector<std::string> keys;
  for (const auto& spec : settings()) {
    keys.emplace_back(spec.key);
  }
  return keys;
}

bool is_section(const std::string& prefix) {
  for (const auto& spec : settings()) {
    if (util::starts_with(spec.key, prefix + ".")) {
      return true;
    }
  }
  return false;
}

[[noreturn]] void unknown_key(const std::string& file, int line, const std::string& key) {
  std::string suggestion = util::closest_match(key, setting_keys());
  throw Error(
      ExitCode::usage,
      fmt::format("{}:{}: unknown key '{}'{}", file, line, key,
                  suggestion.empty() ? "" : fmt::format(" (did you mean '{}'?)", suggestion)),
      "see 'agentpg --help' or the README's configuration table for the keys");
}

[[noreturn]] void malformed(const std::string& file, const util::YamlMark& mark,
                            const std::string& what) {
  throw Error(ExitCode::usage,
              fmt::format("{}:{}:{}: {}", file, mark.line + 1, mark.column + 1, what));
}

// A scalar's text, "" for a null; anything else is refused with `what`.
std::string scalar_text(const std::string& file, const util::YamlNode& node,
                        const std::string& what) {
  if (node.type == util::YamlNode::Type::map || node.type == util::YamlNode::Type::sequence) {
    malformed(file, node.mark, what);
  }
  return node.value;
}

void flatten_yaml(const util::YamlNode& map, const std::string& prefix, const std::string& file,
                  std::map<std::string, YamlEntry>& out) {
  for (size_t i = 0; i + 1 < map.items.size(); i += 2) {
    const util::YamlNode& key_node = map.items[i];
    const util::YamlNode& value = map.items[i + 1];
    std::string key = prefix + scalar_text(file, key_node, "a key must be a single name");
    int line = key_node.mark.line + 1;
    if (key == "vars" && value.type == util::YamlNode::Type::map) {
      // Names of the user's choosing: each is a variable, not a setting.
      for (size_t v = 0; v + 1 < value.items.size(); v += 2) {
        std::string name = scalar_text(file, value.items[v], "a variable's name must be a name");
        out["vars." + name] =
            YamlEntry{scalar_text(file, value.items[v + 1],
                                  fmt::format("variable '{}' takes one value", name)),
                      value.items[v].mark.line + 1};
      }
      continue;
    }
    if (value.type == util::YamlNode::Type::map && is_section(key)) {
      flatten_yaml(value, key + ".", file, out);
      continue;
    }
    const SettingSpec* spec = find_setting(key);
    if (spec == nullptr) {
      unknown_key(file, line, key);
    }
    if (value.type == util::YamlNode::Type::sequence && spec->field.kind() == Kind::list) {
      std::vector<std::string> items;
      for (const auto& element : value.items) {
        items.push_back(scalar_text(file, element, fmt::format("'{}' is a list of names", key)));
      }
      out[key] = YamlEntry{util::join(items, ","), line};
    } else if (value.type != util::YamlNode::Type::map &&
               value.type != util::YamlNode::Type::sequence) {
      out[key] = YamlEntry{value.value, line};
    } else {
      throw Error(ExitCode::usage,
                  fmt::format("{}:{}: '{}' must be a single value", file, line, key));
    }
  }
}

// agentpg.yaml, read by the rules of seed files: aliases are bounded and a key given
// twice is an error (util/yaml_node.hpp), both naming the file, line and column.
std::map<std::string, YamlEntry> read_yaml(const std::string& path) {
  std::string text = util::read_file(path);
  std::map<std::string, YamlEntry> out;
  util::YamlNode root;
  try {
    root = util::parse_yaml(text);
  } catch (const YAML::Exception& e) {
    malformed(path, util::YamlMark{e.mark.line, e.mark.column}, e.msg);
  } catch (const util::YamlRefused& e) {
    malformed(path, e.mark, e.msg);
  }
  if (root.type == util::YamlNode::Type::null) {
    return out;
  }
  if (root.type != util::YamlNode::Type::map) {
    throw Error(ExitCode::usage,
                fmt::format("{}:1: expected a map of settings (key: value)", path));
  }
  flatten_yaml(root, "", path, out);
  return out;
}

class Layers {
public:
  Layers(const Sources& sources, std::map<std::string, DotenvEntry> dotenv, std::string dotenv_file,
         std::map<std::string, YamlEntry> yaml, std::string yaml_file)
      : m_sources(sources), m_dotenv(std::move(dotenv)), m_dotenv_file(std::move(dotenv_file)),
        m_yaml(std::move(yaml)), m_yaml_file(std::move(yaml_file)) {}

  // The value of an environment-level variable: the real environment first, then .env.
  std::optional<Resolved> variable(const std::string& name) const {
    if (auto it = m_sources.environment.find(name); it != m_sources.environment.end()) {
      return Resolved{it->second, name};
    }
    if (auto it = m_dotenv.find(name); it != m_dotenv.end()) {
      return Resolved{it->second.value,
                      fmt::format("{}:{} ({})", m_dotenv_file, it->second.line, name)};
    }
    return std::nullopt;
  }

  Resolved resolve(const SettingSpec& spec,
                   const std::vector<std::string>& extra_names = {}) const {
    if (auto it = m_sources.flags.find(&spec); it != m_sources.flags.end()) {
      std::string flag = spec.flag ? util::split(spec.flag, ',')[0] : spec.key;
      return Resolved{it->second, flag};
    }
    std::vector<std::string> names = extra_names;
    names.push_back(env_name(spec));
    if (spec.env_alias) {
      names.emplace_back(spec.env_alias);
    }
    // Every name's real-environment value wins over every .env value.
    for (const auto& name : names) {
      if (auto it = m_sources.environment.find(name); it != m_sources.environment.end()) {
        return Resolved{it->second, name};
      }
    }
    for (const auto& name : names) {
      if (auto found = variable(name)) {
        return *found;
      }
    }
    if (auto it = m_yaml.find(spec.key); it != m_yaml.end()) {
      return Resolved{it->second.value, fmt::format("{}:{}", m_yaml_file, it->second.line)};
    }
    return Resolved{spec.default_value, "default"};
  }

private:
  const Sources& m_sources;
  std::map<std::string, DotenvEntry> m_dotenv;
  std::string m_dotenv_file;
  std::map<std::string, YamlEntry> m_yaml;
  std::string m_yaml_file;
};

[[noreturn]] void bad_value(const Resolved& r, const char* key, const std::string& expected) {
  throw Error(ExitCode::usage,
              fmt::format("{}: {} must be {}, not '{}'", r.origin, key, expected, r.value));
}

// One of the row's words ("error,warning,hint").
std::string as_choice(const Resolved& r, const SettingSpec& spec) {
  std::string value = util::trim(r.value);
  std::vector<std::string> choices = util::split(spec.choices, ',');
  if (std::find(choices.begin(), choices.end(), value) == choices.end()) {
    bad_value(r, spec.key, "one of " + util::join(choices, ", "));
  }
  return value;
}

int as_seconds(const Resolved& r, const char* key) {
  unsigned long long value = 0;
  if (!util::parse_uint(util::trim(r.value), value) || value > 86400 * 7) {
    bad_value(r, key, "a whole number of seconds");
  }
  return static_cast<int>(value);
}

// A retention window: parsed and checked here, never by the server, and kept in canonical
// form.
std::string as_interval(const Resolved& r, const char* key) {
  util::IntervalParse parsed = util::parse_interval(r.value);
  if (!parsed.ok) {
    throw Error(ExitCode::usage,
                fmt::format("{}: {} must be a length of time with its unit, such as '90 days', not "
                            "'{}': it {}",
                            r.origin, key, r.value, parsed.problem),
                fmt::format("write a whole number and a unit ({}); it must be more than zero",
                            util::k_interval_units));
  }
  return parsed.value.text;
}

bool as_bool(const Resolved& r, const char* key) {
  bool value = false;
  if (!util::parse_bool(r.value, value)) {
    bad_value(r, key, "true or false");
  }
  return value;
}

std::vector<std::string> as_list(const Resolved& r) {
  std::vector<std::string> items;
  for (const auto& item : util::split(r.value, ',')) {
    if (!util::trim(item).empty()) {
      items.push_back(util::trim(item));
    }
  }
  return items;
}

Environment as_environment(const Resolved& r, const char* key, std::string& name) {
  name = util::to_lower(util::trim(r.value));
  if (name == "development" || name == "dev") {
    name = "development";
    return Environment::development;
  }
  if (name == "test") {
    return Environment::test;
  }
  if (name == "staging") {
    return Environment::staging;
  }
  if (name == "production" || name == "prod") {
    name = "production";
    return Environment::production;
  }
  bad_value(r, key, "development, test, staging or production");
}

// A table of agentpg's schema: a plain name (letters, digits, '_', not starting with a
// digit, at most 63 bytes), optionally written "agentpg.name". Its other table,
// seed_history, cannot be it.
std::string as_table_name(const Resolved& r, const char* key) {
  std::string name = util::trim(r.value);
  if (name.rfind("agentpg.", 0) == 0) {
    name = name.substr(8);
  }
  bool valid = !name.empty() && name.size() <= 63 && !(name[0] >= '0' && name[0] <= '9') &&
               name != "seed_history";
  for (char c : name) {
    valid = valid && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_');
  }
  if (!valid) {
    bad_value(r, key,
              "a table name of letters, digits and '_' (up to 63, not starting with a digit; "
              "the table is made in the agentpg schema, and seed_history is taken)");
  }
  return name;
}

// The database URL is looked for first in the variable that url_env names (DATABASE_URL
// unless changed), then as any other setting; the direct URL as any other setting.
Resolved resolve_url(const SettingSpec& spec, const Layers& layers) {
  if (!spec.field.is(&Config::database_url)) {
    return layers.resolve(spec);
  }
  std::string variable = util::trim(layers.resolve(setting(&Config::url_env)).value);
  return layers.resolve(spec, {variable});
}

// Reads one setting, from whichever source wins, into its Config field.
void read_setting(const SettingSpec& spec, const Layers& layers, const Sources& sources,
                  Config& config) {
  const Field& field = spec.field;
  Resolved r = field.kind() == Kind::url ? resolve_url(spec, layers) : layers.resolve(spec);
  switch (field.kind()) {
  case Kind::text:
    config.*field.of_type<std::string>() = r.value;
    return;
  case Kind::variable:
    config.*field.of_type<std::string>() = util::trim(r.value);
    return;
  case Kind::url:
    config.*field.of_type<std::string>() = util::trim(r.value);
    (field.is(&Config::direct_url) ? config.direct_url_origin : config.database_url_origin) =
        r.origin;
    return;
  case Kind::path:
    config.*field.of_type<std::string>() = join_path(sources.working_dir, r.value);
    return;
  case Kind::absolute_path:
    config.*field.of_type<std::string>() =
        util::absolute_path(join_path(sources.working_dir, r.value));
    return;
  case Kind::seconds:
    config.*field.of_type<int>() = as_seconds(r, spec.key);
    return;
  case Kind::interval:
    config.*field.of_type<std::string>() = as_interval(r, spec.key);
    return;
  case Kind::boolean:
    config.*field.of_type<bool>() = as_bool(r, spec.key);
    return;
  case Kind::list:
    config.*field.of_type<std::vector<std::string>>() = as_list(r);
    return;
  case Kind::environment:
    config.*field.of_type<Environment>() = as_environment(r, spec.key, config.environment_name);
    return;
  case Kind::table_name:
    config.*field.of_type<std::string>() = as_table_name(r, spec.key);
    return;
  case Kind::choice:
    config.*field.of_type<std::string>() = as_choice(r, spec);
    return;
  }
}

// A window shorter than its setting's minimum deletes nearly everything it covers: refused
// unless maintain.allow_short_retention says it is meant (a test).
void check_minimums(const Layers& layers, const Config& config) {
  if (config.allow_short_retention) {
    return;
  }
  for (const SettingSpec& spec : settings()) {
    if (spec.field.kind() != Kind::interval || spec.minimum == nullptr) {
      continue;
    }
    util::IntervalParse value = util::parse_interval(config.*spec.field.of_type<std::string>());
    util::IntervalParse minimum = util::parse_interval(spec.minimum);
    if (value.value.seconds() >= minimum.value.seconds()) {
      continue;
    }
    Resolved r = layers.resolve(spec);
    const SettingSpec& allow = setting(&Config::allow_short_retention);
    throw Error(ExitCode::usage,
                fmt::format("{}: {} is '{}', shorter than its minimum of {}", r.origin, spec.key,
                            r.value, spec.minimum),
                fmt::format("a window that short deletes nearly every row it covers; to allow it "
                            "anyway (a test), set {}=true ({} in agentpg.yaml)",
                            env_name(allow), allow.key));
  }
}

void collect_libpq_defaults(const Sources& sources, const Layers& layers, Config& config) {
  static const std::vector<std::pair<const char*, const char*>> k_variables = {
      {"PGHOST", "host"},         {"PGHOSTADDR", "hostaddr"}, {"PGPORT", "port"},
      {"PGUSER", "user"},         {"PGPASSWORD", "password"}, {"PGDATABASE", "dbname"},
      {"PGSSLMODE", "sslmode"},   {"PGSERVICE", "service"},   {"PGAPPNAME", "application_name"},
      {"PGPASSFILE", "passfile"}, {"PGOPTIONS", "options"},
  };
  for (const auto& [variable, keyword] : k_variables) {
    std::optional<Resolved> found = layers.variable(variable);
    if (!found) {
      continue;
    }
    std::string name = variable;
    if (name == "PGHOST" || name == "PGHOSTADDR" || name == "PGDATABASE" || name == "PGSERVICE" ||
        name == "PGPORT" || name == "PGUSER") {
      config.libpq_configured = true;
    }
    config.sslmode_configured = config.sslmode_configured || name == "PGSSLMODE";
    if (sources.environment.count(variable) == 0) {
      config.libpq_defaults[keyword] = found->value;
    }
  }
  // The docker-compose convention (the postgres image's POSTGRES_*, used by the AI-First
  // platform's .env), when no URL is given: each one only where its PG* variable is unset.
  static const std::vector<std::array<const char*, 3>> k_compose = {
      {"POSTGRES_HOST", "PGHOST", "host"},
      {"POSTGRES_PORT", "PGPORT", "port"},
      {"POSTGRES_DB", "PGDATABASE", "dbname"},
      {"POSTGRES_USER", "PGUSER", "user"},
      {"POSTGRES_PASSWORD", "PGPASSWORD", "password"},
  };
  if (!config.database_url.empty()) {
    return;
  }
  for (const auto& [variable, pg_variable, keyword] : k_compose) {
    std::optional<Resolved> found = layers.variable(variable);
    if (!found || layers.variable(pg_variable)) {
      continue;
    }
    config.libpq_defaults[keyword] = found->value;
    config.libpq_configured = config.libpq_configured || std::string(keyword) != "password";
  }
}

std::string pick_file(const std::string& explicit_path, const std::string& fallback,
                      const Sources& sources, const char* what) {
  if (!explicit_path.empty()) {
    std::string path = join_path(sources.working_dir, explicit_path);
    if (!util::path_exists(path)) {
      throw Error(ExitCode::usage, fmt::format("{} {} does not exist", what, explicit_path));
    }
    return path;
  }
  std::string path = join_path(sources.working_dir, fallback);
  return util::path_exists(path) ? path : "";
}

// The path given on the command line, else the one in the environment variable `name`.
std::string flag_or_env(const Sources& sources, const char* name, const std::string& flag_value) {
  auto it = sources.environment.find(name);
  return flag_value.empty() && it != sources.environment.end() ? it->second : flag_value;
}

// A dbmate project keeps its migrations in db/migrations: when no folder is configured and
// migrations/ does not exist, that one is used (and the Config says so, for a notice).
void find_dbmate_migrations(const Layers& layers, const Sources& sources, Config& config) {
  if (layers.resolve(setting(&Config::migrations_dir)).origin != "default" ||
      util::is_directory(config.migrations_dir)) {
    return;
  }
  std::string dbmate = join_path(sources.working_dir, "db/migrations");
  if (util::is_directory(dbmate)) {
    config.migrations_dir = dbmate;
    config.migrations_dir_note = "agentpg: no migrations/ folder: using dbmate's db/migrations "
                                 "(set migrations_dir or --migrations-dir to choose)";
  }
}

// A variable's name: letters, digits and _, as psql's (ASCII only).
void check_variable_name(const std::string& name, const std::string& origin) {
  bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
  if (!ok) {
    throw Error(
        ExitCode::usage,
        fmt::format("{}: '{}' is not a variable name (letters, digits and _)", origin, name));
  }
}

// The variables for migration files, lowest first: agentpg.yaml's `vars:`, then
// AGENTPG_VAR_<NAME> in the .env file, then in the environment, then --var NAME=VALUE.
void read_variables(const Sources& sources, const std::map<std::string, DotenvEntry>& dotenv,
                    const std::map<std::string, YamlEntry>& yaml, Config& config) {
  for (const auto& [key, entry] : yaml) {
    if (util::starts_with(key, "vars.")) {
      std::string origin = fmt::format("{}:{}", config.config_file, entry.line);
      check_variable_name(key.substr(5), origin);
      config.vars[key.substr(5)] = Variable{entry.value, origin};
    }
  }
  const std::string prefix = "AGENTPG_VAR_";
  for (const auto& [key, entry] : dotenv) {
    if (util::starts_with(key, prefix) && key.size() > prefix.size()) {
      std::string origin = fmt::format("{}:{}", config.env_file, entry.line);
      check_variable_name(key.substr(prefix.size()), origin);
      config.vars[key.substr(prefix.size())] = Variable{entry.value, origin};
    }
  }
  for (const auto& [key, value] : sources.environment) {
    if (util::starts_with(key, prefix) && key.size() > prefix.size()) {
      check_variable_name(key.substr(prefix.size()), key);
      config.vars[key.substr(prefix.size())] = Variable{value, key};
    }
  }
  for (const auto& given : sources.vars) {
    size_t eq = given.find('=');
    if (eq == std::string::npos) {
      throw Error(ExitCode::usage, fmt::format("--var takes NAME=VALUE, not '{}'", given));
    }
    check_variable_name(given.substr(0, eq), "--var");
    config.vars[given.substr(0, eq)] = Variable{given.substr(eq + 1), "--var"};
  }
}

// schema_file: a path, or false (off: dump and load then use schema.sql). Outside
// development and test it is written only when set: a server's checkout is read, not
// rewritten.
void resolve_schema_file(const Layers& layers, Config& config) {
  bool on = true;
  std::string value = util::trim(config.schema_file);
  if (util::parse_bool(value, on) || value.empty()) {
    config.write_schema_file = on && !value.empty();
    value = "schema.sql";
  }
  config.schema_file = value; // relative to the working folder, as the user wrote it
  bool set = layers.resolve(setting(&Config::schema_file)).origin != "default";
  if (!set && config.environment != Environment::development &&
      config.environment != Environment::test) {
    config.write_schema_file = false;
  }
}

} // namespace

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    size_t eq = entry.find('=');
    if (eq != std::string::npos) {
      env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
    }
  }
  return env;
}

Config load_config(const Sources& sources) {
  Config config;
  config.env_file = pick_file(flag_or_env(sources, "AGENTPG_ENV_FILE", sources.env_file), ".env",
                              sources, "env file");
  config.config_file = pick_file(flag_or_env(sources, "AGENTPG_CONFIG", sources.config_path),
                                 "agentpg.yaml", sources, "config file");

  std::map<std::string, DotenvEntry> dotenv;
  if (!config.env_file.empty()) {
    dotenv = parse_dotenv(util::read_file(config.env_file), config.env_file);
  }
  std::map<std::string, YamlEntry> yaml;
  if (!config.config_file.empty()) {
    yaml = read_yaml(config.config_file);
  }
  read_variables(sources, dotenv, yaml, config);
  Layers layers(sources, std::move(dotenv), config.env_file, std::move(yaml), config.config_file);

  for (const SettingSpec& spec : settings()) {
    read_setting(spec, layers, sources, config);
  }
  find_dbmate_migrations(layers, sources, config);
  // Production migrates by hand (FreeAgentics: "manual migrations only"): init there
  // migrates only when auto_migrate is set explicitly, or with init --migrate.
  if (config.production() && layers.resolve(setting(&Config::auto_migrate)).origin == "default") {
    config.auto_migrate = false;
    config.auto_migrate_held = true;
  }
  resolve_schema_file(layers, config);
  // A default that depends on another setting.
  if (config.init_seed_env.empty()) {
    config.init_seed_env = config.environment_name;
  }
  check_minimums(layers, config);
  collect_libpq_defaults(sources, layers, config);
  return config;
}

} // namespace agentpg::config
