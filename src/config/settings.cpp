#include "config/settings.hpp"

#include "util/strings.hpp"

namespace agentpg::config {

const std::vector<SettingSpec>& settings() {
  static const std::vector<SettingSpec> k_settings = {
      {"database_url", "--database-url", "", Kind::text,
       "database to use (postgresql:// URL or libpq key=value string)", nullptr, nullptr},
      {"url_env", "--url-env", "DATABASE_URL", Kind::text,
       "environment variable that holds the database URL", nullptr, nullptr},
      {"environment", "--environment", "development", Kind::choice,
       "development, test, staging or production (production enables the guards)", "AGENTPG_ENV",
       "development|test|staging|production"},
      {"migrations_dir", "--migrations-dir", "migrations", Kind::text, "folder of migration files",
       nullptr, nullptr},
      {"seeds_dir", "--seeds-dir", "seeds", Kind::text, "folder of seed data, one sub-folder per environment",
       nullptr, nullptr},
      {"modules", "--modules", "", Kind::list,
       "comma-separated migration modules to use (default: all folders found)", nullptr, nullptr},
      {"connect_timeout", "--connect-timeout", "10", Kind::seconds,
       "seconds to wait for a connection before giving up", nullptr, nullptr},
      {"lock_timeout", "--lock-timeout", "60", Kind::seconds,
       "seconds to wait for another agentpg holding the migration lock", nullptr, nullptr},
      {"migration_lock_timeout", "--migration-lock-timeout", "0", Kind::seconds,
       "lock_timeout for each migration's statements, so DDL on a busy table fails fast (0: off)",
       nullptr, nullptr},
      {"allow_drift", "--allow-drift", "false", Kind::boolean,
       "go on although applied migrations changed or vanished on disk", nullptr, nullptr},
      {"allow_out_of_order", "--allow-out-of-order", "false", Kind::boolean,
       "apply pending migrations older than the newest applied one", nullptr, nullptr},
      {"allow_production", "--allow-production", "false", Kind::boolean,
       "let guarded commands run in the production environment", nullptr, nullptr},
      {"local", "--local", "false", Kind::boolean,
       "use the project-local PostgreSQL in .agentpg/, starting it if needed", nullptr, nullptr},
      {"local_dir", "--local-dir", ".agentpg", Kind::text, "where the project-local PostgreSQL lives",
       nullptr, nullptr},
      {"local_user", nullptr, "postgres", Kind::text,
       "account that runs the local server when agentpg runs as root", nullptr, nullptr},
      {"local_database", nullptr, "agentpg_development", Kind::text,
       "database name used on the project-local server", nullptr, nullptr},
      {"backup_dir", nullptr, "backups", Kind::text, "folder of backups (backup --output overrides it)", nullptr,
       nullptr},
      {"report.blocking_seconds", nullptr, "60", Kind::seconds,
       "check --report flags a session blocking others for longer than this", nullptr, nullptr},
      {"maintain.tasks_retention", nullptr, "90 days", Kind::text,
       "maintain: agency task artifacts and progress older than this are deleted, old tasks archived", nullptr,
       nullptr},
      {"maintain.metrics_retention", nullptr, "30 days", Kind::text,
       "maintain: agency metrics and SLO measurements older than this are deleted", nullptr, nullptr},
      {"maintain.audit_retention", nullptr, "1 year", Kind::text,
       "maintain: agency audit log rows older than this are deleted", nullptr, nullptr},
      {"json", "--json", "false", Kind::boolean, "print one JSON document on stdout", nullptr, nullptr},
      {"quiet", "--quiet,-q", "false", Kind::boolean, "print only errors", nullptr, nullptr},
      {"verbose", "--verbose,-v", "false", Kind::boolean, "say what is being done, on stderr", nullptr,
       nullptr},
      {"no_color", "--no-color", "false", Kind::boolean, "no colour (NO_COLOR is honoured too)", nullptr,
       nullptr},
      {"yes", "--yes,-y", "false", Kind::boolean,
       "answer yes to confirmations (needed when stdin is not a terminal)", nullptr, nullptr},
      {"auto_migrate", nullptr, "true", Kind::boolean, "whether init migrates to latest",
       "DATABASE_AUTO_MIGRATE", nullptr},
      {"init.seed", nullptr, "false", Kind::boolean, "whether init loads seed data",
       "DATABASE_SEED_DATA", nullptr},
      {"init.seed_env", nullptr, "", Kind::text, "seed environment init loads (default: environment)",
       nullptr, nullptr},
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
