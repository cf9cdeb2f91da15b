#include "config/settings.hpp"

#include "util/strings.hpp"

namespace agentpg::config {

const std::vector<SettingSpec>& settings() {
  static const std::vector<SettingSpec> k_settings = {
      {"database_url", "--database-url", "",
       "database to use (postgresql:// URL or libpq key=value string)",
       Field::url(&Config::database_url)},
      {"direct_url", "--direct-url", "",
       "direct URL of the database, not through a transaction pooler, for what holds the "
       "migration lock or changes the schema (default: the database URL)",
       Field::url(&Config::direct_url), "DATABASE_DIRECT_URL"},
      {"url_env", "--url-env", "DATABASE_URL", "environment variable that holds the database URL",
       Field::variable(&Config::url_env)},
      {"environment", "--environment", "development",
       "development, test, staging or production (production enables the guards)",
       Field::environment(&Config::environment), "AGENTPG_ENV"},
      {"migrations_dir", "--migrations-dir", "migrations", "folder of migration files",
       Field::path(&Config::migrations_dir), "DB_MIGRATION_PATH"},
      {"history_table", "--history-table", "schema_migrations",
       "name of the migration history table, in the agentpg schema",
       Field::table_name(&Config::history_table), "DB_MIGRATION_TABLE"},
      {"seeds_dir", "--seeds-dir", "seeds", "folder of seed data, one sub-folder per environment",
       Field::path(&Config::seeds_dir)},
      {"modules", "--modules", "",
       "comma-separated migration modules to use (default: all folders found)",
       Field::list(&Config::modules)},
      {"connect_timeout", "--connect-timeout", "10",
       "seconds to wait for a connection before giving up",
       Field::seconds(&Config::connect_timeout)},
      {"wait", "--wait", "0",
       "before connecting, retry this many seconds until the server accepts connections "
       "(container start-up; 0: try once)",
       Field::seconds(&Config::wait_seconds)},
      {"lock_timeout", "--lock-timeout", "60",
       "seconds to wait for another agentpg holding the migration lock",
       Field::seconds(&Config::lock_timeout)},
      {"migration_lock_timeout", "--migration-lock-timeout", "0",
       "lock_timeout for each migration's statements, so DDL on a busy table fails fast (0: off)",
       Field::seconds(&Config::migration_lock_timeout)},
      {"allow_drift", "--allow-drift", "false",
       "go on although applied migrations changed or vanished on disk",
       Field::boolean(&Config::allow_drift)},
      {"vars_enabled", nullptr, "false",
       "substitute variables (:'name', :\"name\") in every migration, not only in those whose "
       "header says '-- agentpg: vars'",
       Field::boolean(&Config::vars_enabled)},
      {"vars_secret", nullptr, "",
       "variables whose values --dry-run shows as **** (besides names holding password, "
       "passwd, secret, token or key)",
       Field::list(&Config::vars_secret)},
      {"allow_out_of_order", "--allow-out-of-order", "false",
       "apply pending migrations older than the newest applied one",
       Field::boolean(&Config::allow_out_of_order)},
      {"allow_production", "--allow-production", "false",
       "let guarded commands run in the production environment",
       Field::boolean(&Config::allow_production)},
      {"allow_plaintext", "--allow-plaintext", "false",
       "in production, connect over the network without TLS (with a warning) instead of refusing",
       Field::boolean(&Config::allow_plaintext)},
      {"local", "--local", "false",
       "use the project-local PostgreSQL in .agentpg/, starting it if needed",
       Field::boolean(&Config::local)},
      {"local_dir", "--local-dir", ".agentpg", "where the project-local PostgreSQL lives",
       Field::absolute_path(&Config::local_dir)},
      {"local_user", nullptr, "postgres",
       "account that runs the local server when agentpg runs as root",
       Field::text(&Config::local_user)},
      {"local_database", nullptr, "agentpg_development",
       "database name used on the project-local server", Field::text(&Config::local_database)},
      // "false" (or --no-schema-file) turns the writing off (load_config).
      {"schema_file", "--schema-file", "schema.sql",
       "schema file that migrate and rollback rewrite, dump writes, load and check --schema read "
       "('false': not written after migrate/rollback)",
       Field::text(&Config::schema_file)},
      {"backup_dir", nullptr, "backups", "folder of backups (backup --output overrides it)",
       Field::path(&Config::backup_dir)},
      {"report.blocking_seconds", nullptr, "60",
       "check --report flags a session blocking others for longer than this",
       Field::seconds(&Config::report_blocking_seconds)},
      {"redis_url", nullptr, "",
       "the Redis beside the database (redis://[[user]:password@]host[:port][/db]): check "
       "reports it",
       Field::text(&Config::redis_url), "REDIS_URL"},
      {"maintain.tasks_retention", nullptr, "90 days",
       "maintain: agency task artifacts and progress older than this are deleted, old tasks "
       "archived (at least 1 day)",
       Field::interval(&Config::tasks_retention), nullptr, "1 day"},
      {"maintain.metrics_retention", nullptr, "30 days",
       "maintain: agency metrics and SLO measurements older than this are deleted (at least 1 "
       "day)",
       Field::interval(&Config::metrics_retention), nullptr, "1 day"},
      {"maintain.audit_retention", nullptr, "1 year",
       "maintain: agency audit log rows older than this are deleted (at least 7 days)",
       Field::interval(&Config::audit_retention), nullptr, "7 days"},
      {"maintain.allow_short_retention", nullptr, "false",
       "maintain: allow retention windows shorter than their minimum (for tests)",
       Field::boolean(&Config::allow_short_retention)},
      {"json", "--json", "false", "print one JSON document on stdout",
       Field::boolean(&Config::json)},
      {"quiet", "--quiet,-q", "false", "print only errors", Field::boolean(&Config::quiet)},
      {"verbose", "--verbose,-v", "false", "say each step and how long it took, on stderr",
       Field::boolean(&Config::verbose)},
      {"no_color", "--no-color", "false", "no colour (NO_COLOR is honoured too)",
       Field::boolean(&Config::no_color)},
      {"yes", "--yes,-y", "false",
       "answer yes to confirmations (needed when stdin is not a terminal)",
       Field::boolean(&Config::yes)},
      {"auto_migrate", nullptr, "true", "whether init migrates to latest",
       Field::boolean(&Config::auto_migrate), "DATABASE_AUTO_MIGRATE"},
      {"init.seed", nullptr, "false", "whether init loads seed data",
       Field::boolean(&Config::init_seed), "DATABASE_SEED_DATA"},
      // Its default, "", stands for the environment setting (load_config).
      {"init.seed_env", nullptr, "", "seed environment init loads (default: environment)",
       Field::text(&Config::init_seed_env)},
      {"lint.disable", nullptr, "", "lint rules switched off (list of rule ids)",
       Field::list(&Config::lint_disable)},
      {"lint.fail_on", nullptr, "warning",
       "lint exits 1 on findings of this severity or above: error, warning or hint",
       Field::choice(&Config::lint_fail_on), nullptr, nullptr, "error,warning,hint"},
      {"lint.on_migrate", nullptr, "off",
       "migrate lints the pending migrations first: error (stop, exit 5, on findings at "
       "lint.fail_on or above), warn (print them and go on) or off",
       Field::choice(&Config::lint_on_migrate), nullptr, nullptr, "error,warn,off"},
  };
  return k_settings;
}

const SettingSpec* find_setting(const std::string& key) {
  for (const auto& spec : settings()) {
    if (key == spec.key) {
      return &spec;
    }
  }
  return nullptr;
}

std::string env_name(const SettingSpec& spec) {
  std::string name = "AGENTPG_" + util::to_upper(spec.key);
  for (char& c : name) {
    c = c == '.' ? '_' : c;
  }
  return name;
}

} // namespace agentpg::config
