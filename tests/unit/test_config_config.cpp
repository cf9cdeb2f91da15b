#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>

#include "config/config.hpp"
#include "config/settings.hpp"
#include "core/error.hpp"
#include "scratch_folder.hpp"
#include "util/files.hpp"

using agentpg::config::Config;
using agentpg::config::Environment;
using agentpg::config::load_config;
using agentpg::config::setting;
using agentpg::config::Sources;

namespace {

using Files = std::vector<std::pair<std::string, std::string>>;

using Folder = agentpg::test::ScratchFolder;

std::string load_error(const Sources& sources) {
  try {
    load_config(sources);
  } catch (const agentpg::core::Error& e) {
    CHECK(e.code() == agentpg::core::ExitCode::usage);
    return e.what();
  }
  return "no error";
}

} // namespace

TEST_SUITE("config::config") {
  TEST_CASE("takes variables from --var over the environment over .env over agentpg.yaml") {
    Folder dir(Files{{".env", "AGENTPG_VAR_b=dotenv\nAGENTPG_VAR_c=dotenv\n"},
                     {"agentpg.yaml", "vars:\n  a: yaml\n  b: yaml\n  d: yaml\nvars_enabled: true\n"
                                      "vars_secret: [d]\n"}});
    Sources sources;
    sources.working_dir = dir.path;
    sources.environment["AGENTPG_VAR_c"] = "env";
    sources.environment["AGENTPG_VAR_d"] = "env";
    sources.vars = {"d=flag=with=equals", "e="};
    Config config = load_config(sources);
    CHECK(config.vars.at("a").value == "yaml");
    CHECK(config.vars.at("a").origin == dir.path + "/agentpg.yaml:2");
    CHECK(config.vars.at("b").value == "dotenv");
    CHECK(config.vars.at("c").value == "env");
    CHECK(config.vars.at("d").value == "flag=with=equals");
    CHECK(config.vars.at("e").value.empty());
    CHECK(config.vars_enabled);
    CHECK(config.vars_secret == std::vector<std::string>{"d"});

    sources.vars = {"no_value"};
    CHECK(load_error(sources) == "--var takes NAME=VALUE, not 'no_value'");
    sources.vars = {"bad-name=1"};
    CHECK(load_error(sources) ==
          "--var: 'bad-name' is not a variable name (letters, digits and _)");
  }
  TEST_CASE("takes flags over environment over .env over agentpg.yaml over defaults") {
    Folder dir(
        Files{{".env", "AGENTPG_LOCK_TIMEOUT=30\nAGENTPG_CONNECT_TIMEOUT=7\nDATABASE_URL="
                       "postgresql://dotenv/db\n"},
              {"agentpg.yaml", "lock_timeout: 40\nconnect_timeout: 8\nmigration_lock_timeout: 9\n"
                               "seeds_dir: data\nenvironment: staging\n"}});
    Sources sources;
    sources.working_dir = dir.path;
    sources.flags[&setting(&Config::lock_timeout)] = "10";
    sources.environment["AGENTPG_LOCK_TIMEOUT"] = "20";
    sources.environment["AGENTPG_CONNECT_TIMEOUT"] = "6";
    Config config = load_config(sources);
    CHECK(config.lock_timeout == 10);
    CHECK(config.connect_timeout == 6);
    CHECK(config.migration_lock_timeout == 9);
    CHECK(config.seeds_dir == dir.path + "/data");
    CHECK(config.migrations_dir == dir.path + "/migrations");
    CHECK(config.environment == Environment::staging);
    CHECK(config.database_url == "postgresql://dotenv/db");

    sources.environment["DATABASE_URL"] = "postgresql://real/db";
    CHECK(load_config(sources).database_url == "postgresql://real/db");
    sources.flags[&setting(&Config::database_url)] = "postgresql://flag/db";
    CHECK(load_config(sources).database_url == "postgresql://flag/db");
  }

  TEST_CASE("reads the URL from the variable that url_env names") {
    Folder dir(Files{{"agentpg.yaml", "url_env: CARACAL_DATABASE_URL\n"}});
    Sources sources;
    sources.working_dir = dir.path;
    sources.environment["DATABASE_URL"] = "postgresql://wrong/db";
    sources.environment["CARACAL_DATABASE_URL"] = "postgresql://caracal/db";
    Config config = load_config(sources);
    CHECK(config.database_url == "postgresql://caracal/db");
    CHECK(config.database_url_origin == "CARACAL_DATABASE_URL");
  }

  TEST_CASE("reads the direct URL from DATABASE_DIRECT_URL, never from the database URL's") {
    Folder dir(Files{{"agentpg.yaml", "direct_url: postgresql://yaml/db\n"},
                     {".env", "DATABASE_DIRECT_URL=postgresql://dotenv/db\n"}});
    Sources sources;
    sources.working_dir = dir.path;
    sources.environment["DATABASE_URL"] = "postgresql://pooler/db";
    Config config = load_config(sources);
    CHECK(config.database_url == "postgresql://pooler/db");
    CHECK(config.database_url_origin == "DATABASE_URL");
    CHECK(config.direct_url == "postgresql://dotenv/db");
    CHECK(config.direct_url_origin == dir.path + "/.env:1 (DATABASE_DIRECT_URL)");

    sources.environment["DATABASE_DIRECT_URL"] = " postgresql://real/db ";
    config = load_config(sources);
    CHECK(config.direct_url == "postgresql://real/db");
    CHECK(config.direct_url_origin == "DATABASE_DIRECT_URL");
    CHECK(config.database_url_origin == "DATABASE_URL");
    sources.flags[&setting(&Config::direct_url)] = "postgresql://flag/db";
    CHECK(load_config(sources).direct_url_origin == "--direct-url");

    Folder yaml_only(Files{{"agentpg.yaml", "direct_url: postgresql://yaml/db\n"}});
    Sources plain;
    plain.working_dir = yaml_only.path;
    config = load_config(plain);
    CHECK(config.direct_url == "postgresql://yaml/db");
    CHECK(config.direct_url_origin == yaml_only.path + "/agentpg.yaml:1");
    CHECK(config.database_url.empty());
  }

  TEST_CASE("honours the other tools' variables and nested keys") {
    Folder dir(Files{
        {"agentpg.yaml", "init:\n  seed: true\n  seed_env: demo\nmodules: [core, caracal]\n"}});
    Sources sources;
    sources.working_dir = dir.path;
    sources.environment["DATABASE_AUTO_MIGRATE"] = "false";
    sources.environment["AGENTPG_ENV"] = "production";
    Config config = load_config(sources);
    CHECK_FALSE(config.auto_migrate);
    CHECK(config.init_seed);
    CHECK(config.init_seed_env == "demo");
    CHECK(config.production());
    CHECK(config.modules == std::vector<std::string>{"core", "caracal"});
  }

  TEST_CASE("keeps .env's PG variables as libpq defaults below the real environment") {
    Folder dir(Files{{".env", "PGHOST=from-dotenv\nPGPORT=6543\n"}});
    Sources sources;
    sources.working_dir = dir.path;
    sources.environment["PGPORT"] = "5432";
    Config config = load_config(sources);
    CHECK(config.libpq_configured);
    CHECK(config.libpq_defaults.at("host") == "from-dotenv");
    CHECK(config.libpq_defaults.count("port") == 0);
  }

  TEST_CASE("names file, line and key of a bad setting") {
    Folder dir(
        Files{{"agentpg.yaml", "# settings\nlock_timeout: 5\n\nmigratons: db/migrations\n"}});
    Sources sources;
    sources.working_dir = dir.path;
    CHECK(load_error(sources) ==
          dir.path + "/agentpg.yaml:4: unknown key 'migratons' (did you mean 'migrations_dir'?)");
  }

  TEST_CASE("rejects values of the wrong kind, naming where they came from") {
    Folder dir(Files{{"agentpg.yaml", "lock_timeout: soon\n"}, {"bad.yaml", "a: [1,\n"}});
    Sources sources;
    sources.working_dir = dir.path;
    CHECK(load_error(sources) ==
          dir.path + "/agentpg.yaml:1: lock_timeout must be a whole number of seconds, not 'soon'");
    sources.environment["AGENTPG_LOCK_TIMEOUT"] = "-1";
    CHECK(load_error(sources) ==
          "AGENTPG_LOCK_TIMEOUT: lock_timeout must be a whole number of seconds, not '-1'");
    sources.environment["AGENTPG_LOCK_TIMEOUT"] = "1";
    sources.flags[&setting(&Config::environment)] = "prd";
    CHECK(load_error(sources) ==
          "--environment: environment must be development, test, staging or production, not 'prd'");
    sources.flags.clear();
    sources.config_path = "bad.yaml";
    CHECK(load_error(sources).rfind(dir.path + "/bad.yaml:", 0) == 0);
    sources.config_path = "missing.yaml";
    CHECK(load_error(sources) == "config file missing.yaml does not exist");
  }
}
