#pragma once
// One Config per run, built from (highest first) flags, the environment, a .env file,
// agentpg.yaml and the defaults of settings.cpp, whose table says which setting fills which
// field. libpq's own defaults (PGHOST, ~/.pgpass, service files) apply below all of them,
// when no URL is configured.
#include <map>
#include <string>
#include <vector>

namespace agentpg::config {

enum class Environment { development, test, staging, production };

struct SettingSpec; // a row of settings.cpp's table

// Where the loader reads from. A value, not globals, so unit tests can build one.
struct Sources {
  // Values given on the command line: flags[&setting(&Config::lock_timeout)] = "10".
  std::map<const SettingSpec*, std::string> flags;
  std::map<std::string, std::string> environment; // the process environment
  std::string config_path;                        // --config; "" = agentpg.yaml if present
  std::string env_file;                           // --env-file; "" = .env if present
  std::string working_dir = ".";
  std::vector<std::string> vars; // --var NAME=VALUE, in the order given
};

// A value with where it came from ("--lock-timeout", "agentpg.yaml:7", ".env:3", ...).
struct Resolved {
  std::string value;
  std::string origin;
};

// The settings' fields are filled from their rows in settings.cpp (key, flag, default,
// help); the others are derived from them or from the sources.
// A variable for migration files (`vars:` in agentpg.yaml, AGENTPG_VAR_<NAME>, --var).
struct Variable {
  std::string value;
  std::string origin; // "--var", "AGENTPG_VAR_schema", "agentpg.yaml:7"
};

struct Config {
  std::string database_url;        // raw text; "" when none is configured
  std::string database_url_origin; // e.g. "DATABASE_URL", "--database-url", "agentpg.yaml:2"
  // The database itself, past any connection pooler: what holds the migration lock or
  // changes the schema connects here when it is set (ops::Route). "" when none is.
  std::string direct_url;
  std::string direct_url_origin; // e.g. "DATABASE_DIRECT_URL", "--direct-url"
  std::string url_env;
  Environment environment = Environment::development;
  std::string environment_name; // "development", ...: the environment's canonical name
  std::string migrations_dir;
  std::string history_table;       // in the agentpg schema: schema_migrations unless configured
  std::string migrations_dir_note; // set when dbmate's db/migrations was chosen
  std::string seeds_dir;
  std::vector<std::string> modules;
  int connect_timeout = 0;
  int wait_seconds = 0; // retry until the server accepts connections (0: try once)
  int lock_timeout = 0;
  int migration_lock_timeout = 0;
  bool allow_drift = false;
  bool allow_out_of_order = false;
  bool vars_enabled = false;            // variables in every migration file
  std::vector<std::string> vars_secret; // names whose values --dry-run masks
  std::map<std::string, Variable> vars; // by name: --var over AGENTPG_VAR_ over agentpg.yaml
  bool allow_production = false;
  bool allow_plaintext = false;
  bool local = false;
  std::string local_dir;
  std::string local_user;
  std::string local_database;
  std::string backup_dir;
  // The schema file's path (relative to the working folder), and whether migrate and
  // rollback rewrite it: not when schema_file is false, nor by default outside development
  // and test (staging and production read the committed one: check --schema).
  std::string schema_file;
  bool write_schema_file = true;
  int report_blocking_seconds = 60;
  std::string redis_url; // "" = no Redis to check
  // Retention windows: checked intervals in canonical form ("90 days"), see util/interval.
  std::string tasks_retention;
  std::string metrics_retention;
  std::string audit_retention;
  bool allow_short_retention = false; // windows below their minimum (for tests)
  bool json = false;
  bool quiet = false;
  bool verbose = false;
  bool no_color = false;
  bool yes = false;
  bool auto_migrate = true;
  // auto_migrate is off only because this is production and nothing set it (init says so).
  bool auto_migrate_held = false;
  bool init_seed = false;
  std::string init_seed_env;
  // agentpg lint: rule ids switched off; the lowest severity that fails (error, warning,
  // hint); what migrate does with findings in pending files (error, warn, off).
  std::vector<std::string> lint_disable;
  std::string lint_fail_on;
  std::string lint_on_migrate;
  // libpq keywords from PG* variables of the .env file that the real environment lacks.
  std::map<std::string, std::string> libpq_defaults;
  // Whether PGHOST/PGDATABASE/PGSERVICE/... say where the database is.
  bool libpq_configured = false;
  // Whether PGSSLMODE is set (environment or .env): an sslmode the user chose.
  bool sslmode_configured = false;
  std::string config_file; // the agentpg.yaml read, or ""
  std::string env_file;    // the .env read, or ""

  bool production() const { return environment == Environment::production; }
};

// Throws core::Error (usage) naming the file, line and key of any bad value.
Config load_config(const Sources& sources);

// The process environment as a map (for Sources::environment).
std::map<std::string, std::string> process_environment();

} // namespace agentpg::config
