#include "config/config.hpp"

#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include "config/dotenv.hpp"
#include "config/settings.hpp"
#include "core/error.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"

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
  throw Error(ExitCode::usage,
              fmt::format("{}:{}: unknown key '{}'{}", file, line, key,
                          suggestion.empty() ? "" : fmt::format(" (did you mean '{}'?)", suggestion)),
              "see 'agentpg --help' or the README's configuration table for the keys");
}

void flatten_yaml(const YAML::Node& map, const std::string& prefix, const std::string& file,
                  std::map<std::string, YamlEntry>& out) {
  for (const auto& item : map) {
    std::string key = prefix + item.first.as<std::string>();
    int line = item.first.Mark().line + 1;
    const YAML::Node& value = item.second;
    if (value.IsMap() && is_section(key)) {
      flatten_yaml(value, key + ".", file, out);
      continue;
    }
    const SettingSpec* spec = find_setting(key);
    if (spec == nullptr) {
      unknown_key(file, line, key);
    }
    if (value.IsSequence() && spec->kind == Kind::list) {
      std::vector<std::string> items;
      for (const auto& element : value) {
        items.push_back(element.as<std::string>());
      }
      out[key] = YamlEntry{util::join(items, ","), line};
    } else if (value.IsScalar() || value.IsNull()) {
      out[key] = YamlEntry{value.IsNull() ? "" : value.as<std::string>(), line};
    } else {
      throw Error(ExitCode::usage, fmt::format("{}:{}: '{}' must be a single value", file, line, key));
    }
  }
}

std::map<std::string, YamlEntry> read_yaml(const std::string& path) {
  std::optional<std::string> text = util::read_file(path);
  if (!text) {
    throw Error(ExitCode::usage, fmt::format("cannot read config file {}", path));
  }
  std::map<std::string, YamlEntry> out;
  try {
    YAML::Node root = YAML::Load(*text);
    if (root.IsNull()) {
      return out;
    }
    if (!root.IsMap()) {
      throw Error(ExitCode::usage, fmt::format("{}:1: expected a map of settings (key: value)", path));
    }
    flatten_yaml(root, "", path, out);
  } catch (const YAML::Exception& e) {
    throw Error(ExitCode::usage, fmt::format("{}:{}:{}: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
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
      return Resolved{it->second.value, fmt::format("{}:{} ({})", m_dotenv_file, it->second.line, name)};
    }
    return std::nullopt;
  }

  Resolved resolve(const SettingSpec& spec, const std::vector<std::string>& extra_names = {}) const {
    if (auto it = m_sources.flags.find(spec.key); it != m_sources.flags.end()) {
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

  Resolved resolve(const char* key) const { return resolve(*find_setting(key)); }

private:
  const Sources& m_sources;
  std::map<std::string, DotenvEntry> m_dotenv;
  std::string m_dotenv_file;
  std::map<std::string, YamlEntry> m_yaml;
  std::string m_yaml_file;
};

[[noreturn]] void bad_value(const Resolved& r, const char* key, const std::string& expected) {
  throw Error(ExitCode::usage, fmt::format("{}: {} must be {}, not '{}'", r.origin, key, expected, r.value));
}

int as_seconds(const Layers& layers, const char* key) {
  Resolved r = layers.resolve(key);
  unsigned long long value = 0;
  if (!util::parse_uint(util::trim(r.value), value) || value > 86400 * 7) {
    bad_value(r, key, "a whole number of seconds");
  }
  return static_cast<int>(value);
}

bool as_bool(const Layers& layers, const char* key) {
  Resolved r = layers.resolve(key);
  bool value = false;
  if (!util::parse_bool(r.value, value)) {
    bad_value(r, key, "true or false");
  }
  return value;
}

std::vector<std::string> as_list(const Layers& layers, const char* key) {
  std::vector<std::string> items;
  for (const auto& item : util::split(layers.resolve(key).value, ',')) {
    if (!util::trim(item).empty()) {
      items.push_back(util::trim(item));
    }
  }
  return items;
}

Environment as_environment(const Layers& layers, std::string& name) {
  Resolved r = layers.resolve("environment");
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
  bad_value(r, "environment", "development, test, staging or production");
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
    if (sources.environment.count(variable) == 0) {
      config.libpq_defaults[keyword] = found->value;
    }
  }
}

std::string pick_file(const std::string& explicit_path, const std::string& fallback, const Sources& sources,
                      const char* what) {
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
  config.env_file = pick_file(flag_or_env(sources, "AGENTPG_ENV_FILE", sources.env_file), ".env", sources, "env file");
  config.config_file =
      pick_file(flag_or_env(sources, "AGENTPG_CONFIG", sources.config_path), "agentpg.yaml", sources, "config file");

  std::map<std::string, DotenvEntry> dotenv;
  if (!config.env_file.empty()) {
    std::optional<std::string> text = util::read_file(config.env_file);
    if (!text) {
      throw Error(ExitCode::usage, fmt::format("cannot read {}", config.env_file));
    }
    dotenv = parse_dotenv(*text, config.env_file);
  }
  std::map<std::string, YamlEntry> yaml;
  if (!config.config_file.empty()) {
    yaml = read_yaml(config.config_file);
  }
  Layers layers(sources, std::move(dotenv), config.env_file, std::move(yaml), config.config_file);

  config.url_env = util::trim(layers.resolve("url_env").value);
  Resolved url = layers.resolve(*find_setting("database_url"), {config.url_env});
  config.database_url = util::trim(url.value);
  config.database_url_origin = url.origin;
  config.environment = as_environment(layers, config.environment_name);
  config.migrations_dir = join_path(sources.working_dir, layers.resolve("migrations_dir").value);
  config.seeds_dir = join_path(sources.working_dir, layers.resolve("seeds_dir").value);
  config.modules = as_list(layers, "modules");
  config.connect_timeout = as_seconds(layers, "connect_timeout");
  config.lock_timeout = as_seconds(layers, "lock_timeout");
  config.migration_lock_timeout = as_seconds(layers, "migration_lock_timeout");
  config.allow_drift = as_bool(layers, "allow_drift");
  config.allow_out_of_order = as_bool(layers, "allow_out_of_order");
  config.allow_production = as_bool(layers, "allow_production");
  config.local = as_bool(layers, "local");
  config.local_dir = util::absolute_path(join_path(sources.working_dir, layers.resolve("local_dir").value));
  config.local_user = layers.resolve("local_user").value;
  config.local_database = layers.resolve("local_database").value;
  config.backup_dir = join_path(sources.working_dir, layers.resolve("backup_dir").value);
  config.report_blocking_seconds = as_seconds(layers, "report.blocking_seconds");
  config.tasks_retention = layers.resolve("maintain.tasks_retention").value;
  config.metrics_retention = layers.resolve("maintain.metrics_retention").value;
  config.audit_retention = layers.resolve("maintain.audit_retention").value;
  config.json = as_bool(layers, "json");
  config.quiet = as_bool(layers, "quiet");
  config.verbose = as_bool(layers, "verbose");
  config.no_color = as_bool(layers, "no_color");
  config.yes = as_bool(layers, "yes");
  config.auto_migrate = as_bool(layers, "auto_migrate");
  config.init_seed = as_bool(layers, "init.seed");
  config.init_seed_env = layers.resolve("init.seed_env").value;
  if (config.init_seed_env.empty()) {
    config.init_seed_env = config.environment_name;
  }
  collect_libpq_defaults(sources, layers, config);
  return config;
}

} // namespace agentpg::config
