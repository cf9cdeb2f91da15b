#include "cli/app.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/words.hpp"
#include "config/settings.hpp"
#include "util/strings.hpp"

namespace agentpg::cli {

namespace {

using core::Error;
using core::ExitCode;

struct Command {
  const char* name;
  const char* help;
  void (*wire)(CLI::App* cmd, Runtime& runtime);
  bool hidden = false;
};

// The subcommands, in the order --help lists them. A command's options are added when the
// command line reaches it: building all of them costs every run ~1M instructions.
const Command k_commands[] = {
    {"init",
     "create the database if missing, migrate to latest, seed if configured (safe to repeat)",
     wire_init},
    {"create-db", "create the database (nothing to do when it exists)", wire_create_db},
    {"drop-db", "drop the database (guarded: confirmation, --yes, refused in production)",
     wire_drop_db},
    {"migrate", "apply pending migrations in version order", wire_migrate},
    {"rollback", "revert applied migrations, newest first (guarded)", wire_rollback},
    {"status", "show applied, pending, changed, missing and failed migrations", wire_status},
    {"redo", "revert the newest applied migrations and apply them again (guarded)", wire_redo},
    {"diff", "show how an applied migration's file differs from what was applied", wire_diff},
    {"accept",
     "record changed migrations as applied as they are now, forget missing ones (guarded)",
     wire_accept},
    {"new", "write a new timestamped migration file", wire_new},
    {"lint",
     "check migration files for what locks, breaks or cannot be undone in production "
     "(offline, on PostgreSQL's parser)",
     wire_lint},
    {"seed", "load seeds/<environment>/ (SQL, YAML, CSV) in one transaction", wire_seed},
    {"adopt",
     "take over the history of dbmate, golang-migrate, diesel, Flyway or Alembic (their table "
     "stays)",
     wire_adopt},
    {"baseline",
     "record every migration up to VERSION as applied without running it (a database built by "
     "hand)",
     wire_baseline},
    {"dump",
     "write the schema file (schema.sql): the schema as pg_dump prints it, made deterministic, "
     "and the applied migrations",
     wire_dump},
    {"load", "build an empty database from the schema file and record its migrations as applied",
     wire_load},
    {"verify",
     "prove that migrations are reversible: up, down and up again on a scratch database, "
     "comparing schema dumps",
     wire_verify},
    {"check", "check connectivity, server version, any pooler in between and the schema's state",
     wire_check},
    {"wait", "wait until the database accepts logins, then exit 0 (3 when it does not in time)",
     wire_wait},
    {"maintain",
     "upkeep jobs: release expired charges, apply retention windows, ANALYZE stale tables",
     wire_maintain},
    {"backup", "pg_dump to a timestamped file with a manifest (also: verify, list)", wire_backup},
    {"restore",
     "verify a backup, restore it into a new database and check it, then rename it into place "
     "(--clean: replace an existing one, which is never lost)",
     wire_restore},
    {"bundled",
     "the five bundled systems' migrations and seeds: list, write into the project, or "
     "install into the database",
     wire_bundled},
    {"local", "manage the project-local PostgreSQL in .agentpg/", wire_local},
    {"completion", "print a completion script for bash, zsh or fish", wire_completion},
    {"help", "show the help of a command ('agentpg help migrate')", wire_help},
    {"manpage", "print the man page (roff): man/agentpg.1 is its output", wire_manpage, true},
};

void add_global_options(CLI::App& app, Runtime& runtime) {
  for (const auto& spec : config::settings()) {
    if (spec.flag == nullptr) {
      continue;
    }
    const config::SettingSpec* setting = &spec;
    std::string help = fmt::format("{} [env: {}]", spec.help, config::env_name(spec));
    if (spec.field.kind() == config::Kind::boolean) {
      app.add_flag_callback(
          spec.flag, [&runtime, setting] { runtime.sources.flags[setting] = "true"; }, help);
      continue;
    }
    CLI::Option* option = app.add_option_function<std::string>(
        spec.flag,
        [&runtime, setting](const std::string& value) { runtime.sources.flags[setting] = value; },
        help);
    bool folder = util::ends_with(spec.flag, "-dir"); // completed with folder names
    option->type_name(spec.field.kind() == config::Kind::seconds ? "SECONDS"
                      : folder                                   ? "DIR"
                                                                 : "TEXT");
    if (*spec.default_value != '\0') {
      option->default_str(spec.default_value);
    }
    if (setting == &config::setting(&config::Config::schema_file)) {
      // The flag form of `schema_file: false`.
      app.add_flag_callback(
          "--no-schema-file", [&runtime, setting] { runtime.sources.flags[setting] = "false"; },
          "do not write the schema file after migrate and rollback");
    }
  }
  app.add_option("--config", runtime.sources.config_path,
                 "settings file [default: agentpg.yaml if present]")
      ->type_name("PATH");
  app.add_option("--var", runtime.sources.vars,
                 "a variable for migration files (repeat for more; wins over AGENTPG_VAR_NAME "
                 "and agentpg.yaml's vars:)")
      ->type_name("NAME=VALUE")
      ->allow_extra_args(false);
  app.add_option("--env-file", runtime.sources.env_file,
                 "environment file [default: .env if present]")
      ->type_name("PATH");
}

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
    names.insert(names.end(), sub->get_aliases().begin(), sub->get_aliases().end());
  }
  return names;
}

// The long options valid on this command line: the global ones and those of each
// (sub)command it names.
std::vector<std::string> option_names(const CLI::App& app, int argc, char** argv) {
  std::vector<std::string> names;
  const CLI::App* current = &app;
  auto add = [&names](const CLI::App* from) {
    for (const CLI::Option* option : from->get_options()) {
      for (const std::string& name : option->get_lnames()) {
        names.push_back("--" + name);
      }
    }
  };
  add(current);
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    auto found =
        current->get_subcommands([&word](const CLI::App* sub) { return sub->check_name(word); });
    if (!found.empty()) {
      current = found.front();
      add(current);
    }
  }
  return names;
}

// "--dry-rn" (or "--dry-rn=x"): the option it most likely meant, or "".
std::optional<Error> unknown_option(const CLI::App& app, int argc, char** argv) {
  std::vector<std::string> names = option_names(app, argc, argv);
  for (int i = 1; i < argc; ++i) {
    std::string word = std::string(argv[i]).substr(0, std::string(argv[i]).find('='));
    if (word.rfind("--", 0) != 0 || word.size() < 3 ||
        std::find(names.begin(), names.end(), word) != names.end()) {
      continue;
    }
    std::string suggestion = util::closest_match(word, names);
    return Error(ExitCode::usage, fmt::format("unknown option '{}'", word),
                 suggestion.empty() ? "see 'agentpg help COMMAND' for a command's options"
                                    : fmt::format("did you mean '{}'?", suggestion));
  }
  return std::nullopt;
}

// CLI11's parse errors become exit 2, with "did you mean" for a misspelt command.
Error usage_error(const CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  std::string message = e.what();
  std::string hint = "see 'agentpg --help'";
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    if (std::optional<Error> option = unknown_option(app, argc, argv)) {
      return *option;
    }
  }
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr ||
      dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) {
    for (int i = 1; i < argc; ++i) {
      std::string word = argv[i];
      std::string previous = argv[i - 1];
      const CLI::Option* option =
          previous.size() > 1 && previous[0] == '-' && previous.find('=') == std::string::npos
              ? app.get_option_no_throw(previous)
              : nullptr;
      if (word.empty() || word[0] == '-' ||
          (option != nullptr && option->get_items_expected_min() > 0)) {
        continue;
      }
      std::vector<std::string> names = command_names(app);
      if (std::find(names.begin(), names.end(), word) != names.end()) {
        break;
      }
      std::string suggestion = util::closest_match(word, names);
      return Error(ExitCode::usage, fmt::format("unknown command '{}'", word),
                   suggestion.empty() ? hint
                                      : fmt::format("did you mean 'agentpg {}'?", suggestion));
    }
  }
  return Error(ExitCode::usage, message, hint);
}

// The command named on the command line, with its subcommand: "migrate", "backup list".
std::string command_path(const CLI::App& app) {
  std::string path;
  const CLI::App* at = &app;
  while (!at->get_subcommands().empty()) {
    at = at->get_subcommands().front();
    path += (path.empty() ? "" : " ") + at->get_name();
  }
  return path;
}

// Whether --json (or AGENTPG_JSON) was given, for errors reported before the Config
// exists (a typo in an option, an unreadable agentpg.yaml): they are JSON too.
bool asks_for_json(int argc, char** argv) {
  for (int i = 1; i < argc && std::string_view(argv[i]) != "--"; ++i) {
    if (std::string_view(argv[i]) == "--json") {
      return true;
    }
  }
  const char* env = std::getenv("AGENTPG_JSON");
  bool json = false;
  return env != nullptr && util::parse_bool(env, json) && json;
}

} // namespace

App::App() : m_app(std::make_unique<CLI::App>()), m_fallback_output(core::OutputOptions{}) {
  CLI::App& app = *m_app;
  app.name("agentpg");
  app.description("agentpg: create, migrate, roll back, seed, check, back up and restore the "
                  "PostgreSQL database "
                  "of an AI-agent platform.");
  app.set_version_flag("--version", std::string("agentpg ") + AGENTPG_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  app.footer(
      "Run 'agentpg COMMAND --help' for a command's options. Exit codes: 0 ok, 1 unexpected, "
      "2 usage/config, 3 connection, 4 SQL failed, 5 validation, 6 lock timeout, 7 not at latest, "
      "8 refused by a guard.");
  add_global_options(app, m_runtime);
  for (const Command& command : k_commands) {
    CLI::App* cmd = app.add_subcommand(command.name, command.help);
    if (command.hidden) {
      cmd->group("");
    }
    size_t index = m_subcommands.size();
    cmd->preparse_callback([this, index](std::size_t) { wire(index); });
    m_subcommands.push_back(cmd);
  }
  add_other_tools_words(app, m_runtime);
  m_wired.assign(m_subcommands.size(), false);
  m_runtime.wire_all = [this] {
    for (size_t i = 0; i < m_subcommands.size(); ++i) {
      wire(i);
    }
  };
}

void App::wire(size_t index) {
  if (!m_wired[index]) {
    m_wired[index] = true;
    k_commands[index].wire(m_subcommands[index], m_runtime);
  }
}

App::~App() = default;

int App::run(int argc, char** argv) {
  core::OutputOptions fallback;
  fallback.json = asks_for_json(argc, argv);
  m_fallback_output = core::Output(fallback);
  size_t width = help_width();
  m_app->get_formatter()->column_width(std::min<size_t>(30, width / 3));
  try {
    m_app->parse(argc, argv);
  } catch (const CLI::CallForVersion& e) {
    return m_app->exit(e);
  } catch (const CLI::Success& e) {
    // --help: the chosen command's, fitted to the terminal.
    fmt::print("{}", wrap_help(m_app->help(), width));
    return 0;
  } catch (const CLI::ParseError& e) {
    // Reported before the Config exists: --json and --no-color are honoured all the same.
    bool no_color = std::any_of(argv + 1, argv + argc,
                                [](const char* arg) { return std::string(arg) == "--no-color"; });
    fallback.no_color = no_color;
    m_fallback_output = core::Output(fallback);
    m_fallback_output.set_command(command_path(*m_app));
    if (m_app->get_subcommands().empty() && m_app->remaining().empty() &&
        dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) {
      // `agentpg` alone: what there is to run, and a usage error for scripts.
      std::fprintf(stderr, "%s", general_help(*m_app, width).c_str());
      return core::to_int(ExitCode::usage);
    }
    throw usage_error(*m_app, e, argc, argv);
  }
  m_fallback_output.set_command(command_path(*m_app));
  m_runtime.sources.environment = config::process_environment();
  m_context = std::make_unique<ops::Context>(config::load_config(m_runtime.sources));
  m_context->out.set_command(command_path(*m_app));
  if (!m_context->config.migrations_dir_note.empty()) {
    m_context->out.notice(m_context->config.migrations_dir_note);
  }
  return core::to_int(m_runtime.action(*m_context));
}

const core::Output& App::output() const {
  return m_context ? m_context->out : m_fallback_output;
}

} // namespace agentpg::cli
