#include "ops/bundled.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "migrate/files.hpp"
#include "migrate/runner.hpp"
#include "ops/bundled_files.hpp"
#include "ops/guard.hpp"
#include "ops/migrate.hpp"
#include "ops/target.hpp"
#include "pg/admin.hpp"
#include "pg/connection.hpp"
#include "pg/migration_database.hpp"
#include "seed/files.hpp"
#include "seed/loader.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace agentpg::ops {

namespace {

using core::Error;
using core::ExitCode;
using core::Json;

// A bundled file's place: "migrations/core/2024..._core_helpers.sql" is {"migrations",
// "core", "2024..._core_helpers.sql"}. Files at another depth are not part of a module or
// an environment.
struct Place {
  std::string top;    // "migrations" or "seeds"
  std::string folder; // the module or the seed environment
  std::string name;   // the file name
};

std::optional<Place> place_of(const BundledFile& file) {
  std::vector<std::string> parts = util::split(file.path, '/');
  if (parts.size() != 3) {
    return std::nullopt;
  }
  return Place{parts[0], parts[1], parts[2]};
}

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Whether the SQL names an object of schema `schema` ("core.set_updated_at()") outside
// `--` comments (core's comments name the tables that use its helpers).
bool uses_schema(std::string_view sql, const std::string& schema) {
  std::string qualified = schema + ".";
  for (size_t at = sql.find(qualified); at != std::string_view::npos;
       at = sql.find(qualified, at + 1)) {
    size_t line_start = sql.rfind('\n', at);
    line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
    bool in_comment = sql.substr(line_start, at - line_start).find("--") != std::string_view::npos;
    if (!in_comment && (at == 0 || !is_identifier_char(sql[at - 1]))) {
      return true;
    }
  }
  return false;
}

// The module whose tables a seed file fills, by its name: "[NN_]<module>.<table>.yaml",
// "[NN_]<module>_<what>.sql"; "" when it names none of `modules`.
std::string seed_module(const std::string& file, const std::vector<std::string>& modules) {
  size_t start = 0;
  while (start < file.size() && file[start] >= '0' && file[start] <= '9') {
    ++start;
  }
  if (start > 0 && start < file.size() && file[start] == '_') {
    ++start;
  }
  std::string_view rest = std::string_view(file).substr(start);
  std::string found;
  for (const auto& module : modules) {
    bool prefix = util::starts_with(rest, module) && rest.size() > module.size() &&
                  (rest[module.size()] == '.' || rest[module.size()] == '_');
    if (prefix && module.size() > found.size()) {
      found = module;
    }
  }
  return found;
}

std::vector<std::string> module_names(const std::vector<BundledModule>& modules) {
  std::vector<std::string> names;
  for (const auto& m : modules) {
    names.push_back(m.name);
  }
  return names;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

Json json_strings(const std::vector<std::string>& items) {
  Json list = Json::array();
  for (const auto& item : items) {
    list.push(item);
  }
  return list;
}

// The migrations of `modules`, parsed from the bundled text as `load_migrations` parses
// the same files written out: the same versions, names, modules and checksums. Their
// paths read "bundled:migrations/<module>/<file>".
std::vector<migrate::MigrationFile>
bundled_migration_files(const std::vector<std::string>& modules) {
  std::vector<migrate::MigrationFile> files;
  for (size_t i = 0; i < k_bundled_file_count; ++i) {
    std::optional<Place> place = place_of(k_bundled_files[i]);
    if (!place || place->top != "migrations" || !contains(modules, place->folder) ||
        !util::ends_with(place->name, ".sql")) {
      continue;
    }
    files.push_back(migrate::parse_native(std::string("bundled:") + k_bundled_files[i].path,
                                          k_bundled_files[i].content()));
    files.back().module = place->folder;
  }
  migrate::check_unique_versions(files);
  std::stable_sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
    return migrate::version_less(a.version, b.version);
  });
  return files;
}

// A temporary folder that is deleted with everything in it when the run leaves its scope.
struct TempFolder {
  std::string path = util::make_temp_dir("agentpg-bundled-");
  TempFolder() = default;
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  ~TempFolder() { util::remove_tree(path); }
};

// The history rows that are not bundled migrations: installing into such a database would
// report them missing. Throws (exit 5) naming the first of them.
void refuse_project_history(const std::vector<migrate::AppliedMigration>& history,
                            const std::string& database) {
  std::vector<migrate::MigrationFile> bundled =
      bundled_migration_files(module_names(bundled_modules()));
  std::vector<std::string> foreign;
  for (const auto& row : history) {
    bool known = std::any_of(bundled.begin(), bundled.end(), [&row](const auto& m) {
      return m.version == row.version && m.module == row.module;
    });
    if (!known) {
      foreign.push_back(row.module.empty()
                            ? fmt::format("{}_{}", row.version, row.name)
                            : fmt::format("{}_{} (module {})", row.version, row.name, row.module));
    }
  }
  if (!foreign.empty()) {
    throw Error(ExitCode::validation,
                fmt::format("database {} holds migrations that are not bundled: {}{}", database,
                            foreign.front(),
                            foreign.size() > 1 ? fmt::format(" and {} more", foreign.size() - 1)
                                               : std::string()),
                "this database is a project's: write the bundled systems into the project "
                "('agentpg bundled write MODULE...') and run 'agentpg migrate' there");
  }
}

// Loads the bundled seed environment's files for the `installed` modules into the
// database: they are written to a private temporary folder (CSV seeds are streamed from a
// file) and loaded as `seed` does. The other modules' files are left out, not listed as
// skipped one by one: they were not asked for.
seed::SeedReport install_seeds(Context& ctx, pg::Connection& conn, const std::string& environment,
                               const std::vector<std::string>& installed) {
  std::vector<std::string> all = module_names(bundled_modules());
  TempFolder temp;
  std::string dir = temp.path + "/" + environment;
  util::make_dirs(dir, 0700);
  for (size_t i = 0; i < k_bundled_file_count; ++i) {
    std::optional<Place> place = place_of(k_bundled_files[i]);
    if (!place || place->top != "seeds" || place->folder != environment) {
      continue;
    }
    std::string module = seed_module(place->name, all);
    if (!module.empty() && !contains(installed, module)) {
      continue;
    }
    if (!util::write_file_atomic(dir + "/" + place->name, std::string(k_bundled_files[i].content()),
                                 0600)) {
      throw Error(ExitCode::unexpected, fmt::format("cannot write {}/{}", dir, place->name));
    }
  }
  seed::SeedOptions options;
  options.environment = environment;
  options.modules = all;
  return seed::load_seeds(conn, seed::load_seed_files(dir), options, ctx.out);
}

} // namespace

std::vector<BundledModule> bundled_modules() {
  std::vector<BundledModule> modules;
  std::map<std::string, std::vector<std::string_view>> texts;
  for (size_t i = 0; i < k_bundled_file_count; ++i) {
    std::optional<Place> place = place_of(k_bundled_files[i]);
    if (!place || place->top != "migrations") {
      continue;
    }
    auto it = std::find_if(modules.begin(), modules.end(),
                           [&place](const BundledModule& m) { return m.name == place->folder; });
    if (it == modules.end()) {
      modules.push_back(BundledModule{place->folder, {}, {}});
      it = modules.end() - 1;
    }
    it->migrations.push_back(place->name);
    texts[place->folder].push_back(k_bundled_files[i].content());
  }
  // Versions lead the file names: the first file's name orders the modules.
  std::sort(modules.begin(), modules.end(), [](const BundledModule& a, const BundledModule& b) {
    return a.migrations.front() < b.migrations.front();
  });
  // A module requires an earlier one when its SQL names that one's schema (core's
  // helpers); a later one cannot be required: its migrations would run after.
  for (auto module = modules.begin(); module != modules.end(); ++module) {
    for (auto other = modules.begin(); other != module; ++other) {
      const std::vector<std::string_view>& sqls = texts[module->name];
      const std::string& schema = other->name;
      if (std::any_of(sqls.begin(), sqls.end(),
                      [&schema](std::string_view sql) { return uses_schema(sql, schema); })) {
        module->requires_modules.push_back(schema);
      }
    }
  }
  return modules;
}

std::vector<BundledSeedEnvironment> bundled_seed_environments() {
  std::vector<std::string> modules = module_names(bundled_modules());
  std::vector<BundledSeedEnvironment> environments;
  for (size_t i = 0; i < k_bundled_file_count; ++i) {
    std::optional<Place> place = place_of(k_bundled_files[i]);
    if (!place || place->top != "seeds") {
      continue;
    }
    if (environments.empty() || environments.back().name != place->folder) {
      environments.push_back(BundledSeedEnvironment{place->folder, {}, {}});
    }
    BundledSeedEnvironment& env = environments.back();
    env.files.push_back(place->name);
    std::string module = seed_module(place->name, modules);
    if (!module.empty() && !contains(env.modules, module)) {
      env.modules.push_back(module);
    }
  }
  for (auto& env : environments) {
    std::sort(env.modules.begin(), env.modules.end(), [&modules](const auto& a, const auto& b) {
      return std::find(modules.begin(), modules.end(), a) <
             std::find(modules.begin(), modules.end(), b);
    });
  }
  return environments;
}

std::vector<std::string> with_required_modules(const std::vector<std::string>& requested) {
  std::vector<BundledModule> modules = bundled_modules();
  std::vector<std::string> names = module_names(modules);
  std::set<std::string> chosen;
  std::vector<std::string> todo = requested;
  while (!todo.empty()) {
    std::string name = todo.back();
    todo.pop_back();
    auto it = std::find_if(modules.begin(), modules.end(),
                           [&name](const BundledModule& m) { return m.name == name; });
    if (it == modules.end()) {
      std::string guess = util::closest_match(name, names);
      throw Error(ExitCode::usage, fmt::format("'{}' is not a bundled module", name),
                  fmt::format("{}the bundled modules are: {} ('agentpg bundled list')",
                              guess.empty() ? "" : fmt::format("did you mean '{}'? ", guess),
                              util::join(names, ", ")));
    }
    if (chosen.insert(name).second) {
      todo.insert(todo.end(), it->requires_modules.begin(), it->requires_modules.end());
    }
  }
  std::vector<std::string> ordered;
  for (const auto& name : names) {
    if (chosen.count(name) > 0) {
      ordered.push_back(name);
    }
  }
  return ordered;
}

ExitCode run_bundled_list(Context& ctx) {
  std::vector<BundledModule> modules = bundled_modules();
  std::vector<BundledSeedEnvironment> environments = bundled_seed_environments();
  Json modules_json = Json::array();
  std::vector<std::vector<std::string>> rows = {{"MODULE", "MIGRATIONS", "REQUIRES", "LATEST"}};
  for (const auto& m : modules) {
    modules_json.push(Json::object()
                          .set("name", m.name)
                          .set("migrations", json_strings(m.migrations))
                          .set("requires", json_strings(m.requires_modules)));
    rows.push_back({m.name, std::to_string(m.migrations.size()),
                    m.requires_modules.empty() ? "-" : util::join(m.requires_modules, ", "),
                    m.migrations.back()});
  }
  Json environments_json = Json::array();
  std::vector<std::vector<std::string>> env_rows = {{"SEEDS", "FILES", "FOR MODULES"}};
  for (const auto& env : environments) {
    environments_json.push(Json::object()
                               .set("name", env.name)
                               .set("files", json_strings(env.files))
                               .set("modules", json_strings(env.modules)));
    env_rows.push_back({env.name, std::to_string(env.files.size()), util::join(env.modules, ", ")});
  }
  ctx.out.emit(
      Json::object().set("modules", modules_json).set("seed_environments", environments_json));
  ctx.out.line(core::format_table(rows));
  ctx.out.line(core::format_table(env_rows));
  ctx.out.line("install: agentpg bundled install MODULE... [--seed ENV]; "
               "into the project: agentpg bundled write [MODULE...]");
  return ExitCode::ok;
}

ExitCode run_bundled_write(Context& ctx, const BundledWriteCommand& command) {
  std::vector<std::string> all = module_names(bundled_modules());
  std::vector<std::string> modules =
      command.modules.empty() ? all : with_required_modules(command.modules);
  std::string migrations_dir =
      command.to.empty() ? ctx.config.migrations_dir : command.to + "/migrations";
  std::string seeds_dir = command.to.empty() ? ctx.config.seeds_dir : command.to + "/seeds";
  // Every destination is checked before anything is written: a different file in the
  // way stops the run with nothing written.
  struct Planned {
    std::string path;
    std::string_view content;
  };
  std::vector<Planned> to_write;
  std::vector<std::string> unchanged;
  std::vector<std::string> different;
  for (size_t i = 0; i < k_bundled_file_count; ++i) {
    std::optional<Place> place = place_of(k_bundled_files[i]);
    if (!place) {
      continue;
    }
    bool migration = place->top == "migrations" && contains(modules, place->folder);
    std::string seed_of = place->top == "seeds" ? seed_module(place->name, all) : std::string();
    bool seed = place->top == "seeds" && (seed_of.empty() || contains(modules, seed_of));
    if (!migration && !seed) {
      continue;
    }
    std::string path =
        fmt::format("{}/{}/{}", migration ? migrations_dir : seeds_dir, place->folder, place->name);
    std::optional<std::string> existing = util::try_read_file(path);
    if (existing && *existing == k_bundled_files[i].content()) {
      unchanged.push_back(path);
    } else if (existing || util::path_exists(path)) {
      different.push_back(path);
    } else {
      to_write.push_back(Planned{path, k_bundled_files[i].content()});
    }
  }
  if (!different.empty()) {
    throw Error(
        ExitCode::usage,
        fmt::format("{} exists and differs from the bundled file{}; nothing was written",
                    different.front(),
                    different.size() > 1
                        ? fmt::format(" (and {} more: {})", different.size() - 1,
                                      util::join({different.begin() + 1, different.end()}, ", "))
                        : std::string()),
        "keep your version and write the bundled ones elsewhere to compare "
        "('agentpg bundled write --to DIR'), or move yours away first");
  }
  for (const auto& file : to_write) {
    std::string dir = file.path.substr(0, file.path.find_last_of('/'));
    if (!util::make_dirs(dir) || !util::write_file_atomic(file.path, std::string(file.content))) {
      throw Error(ExitCode::unexpected, fmt::format("cannot write {}", file.path));
    }
    ctx.out.line(fmt::format("wrote {}", file.path));
  }
  std::vector<std::string> written;
  for (const auto& file : to_write) {
    written.push_back(file.path);
  }
  ctx.out.emit(Json::object()
                   .set("modules", json_strings(modules))
                   .set("migrations_dir", migrations_dir)
                   .set("seeds_dir", seeds_dir)
                   .set("written", json_strings(written))
                   .set("unchanged", json_strings(unchanged)));
  ctx.out.line(fmt::format("{} file{} written, {} already there and identical ({})", written.size(),
                           written.size() == 1 ? "" : "s", unchanged.size(),
                           util::join(modules, ", ")));
  return ExitCode::ok;
}

ExitCode run_bundled_install(Context& ctx, const BundledInstallCommand& command) {
  const config::Config& config = ctx.config;
  util::Clock::time_point start = util::Clock::now();
  std::vector<std::string> modules = with_required_modules(command.modules);
  if (!command.seed.empty()) {
    std::vector<BundledSeedEnvironment> environments = bundled_seed_environments();
    std::vector<std::string> names;
    for (const auto& env : environments) {
      names.push_back(env.name);
    }
    if (!contains(names, command.seed)) {
      throw Error(ExitCode::usage,
                  fmt::format("'{}' is not a bundled seed environment", command.seed),
                  fmt::format("the bundled environments are: {}", util::join(names, ", ")));
    }
    guard_seeding(ctx, command.seed);
  }
  pg::ConnParams params = target_params(ctx);
  std::unique_ptr<pg::Connection> conn = open_existing_for_lock(ctx, params);
  bool created = pg::create_database_if_missing(params, config.connect_timeout);
  if (created) {
    ctx.out.line(fmt::format("created database {}", params.get("dbname")));
  }
  Json doc = Json::object().set("database", params.display()).set("created", created);
  std::vector<std::string> installed; // these modules and those installed before
  {
    if (!conn) {
      conn = pg::Connection::open(params, config.connect_timeout);
      require_own_session(ctx, params, *conn);
    }
    pg::MigrationDatabase db(*conn);
    std::vector<migrate::AppliedMigration> history =
        db.read_history().value_or(std::vector<migrate::AppliedMigration>{});
    refuse_project_history(history, params.get("dbname"));
    // Bundled modules installed before stay in the plan: else they would be missing.
    std::vector<std::string> wanted = modules;
    for (const auto& row : history) {
      if (!contains(wanted, row.module)) {
        wanted.push_back(row.module);
      }
    }
    installed = with_required_modules(wanted);
    std::vector<migrate::MigrationFile> files = bundled_migration_files(installed);
    migrate::MigrateOptions options = migrate_options(ctx, *conn);
    // Modules may come in any order (chad, then caracal): their schemas are independent
    // but for what `requires` names, which is installed with them.
    options.rules.allow_out_of_order = true;
    migrate::RunReport report = migrate::Runner(db, ctx.out).migrate(files, options);
    doc.set("modules", json_strings(modules))
        .set("applied", static_cast<long long>(report.steps.size()))
        .set("schema_version", report.to_version.empty() ? Json() : Json(report.to_version));
    ctx.out.line(
        report.steps.empty()
            ? fmt::format("{}: installed already, nothing to migrate", util::join(modules, ", "))
            : fmt::format(
                  "installed {}: applied {} migration{} ({} -> {})", util::join(modules, ", "),
                  report.steps.size(), report.steps.size() == 1 ? "" : "s",
                  report.from_version.empty() ? "empty" : report.from_version, report.to_version));
  }
  if (!command.seed.empty()) {
    std::unique_ptr<pg::Connection> seed_conn =
        pg::Connection::open(params, config.connect_timeout);
    seed::SeedReport report = install_seeds(ctx, *seed_conn, command.seed, installed);
    doc.set("seed", seed::seed_report_json(report));
    if (!ctx.out.json()) {
      seed::print_seed_report(ctx.out, report);
    }
  } else {
    doc.set("seed", Json());
  }
  doc.set("total_ms", util::elapsed_ms(start));
  ctx.out.emit(doc);
  return ExitCode::ok;
}

} // namespace agentpg::ops
