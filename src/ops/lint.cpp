#include "ops/lint.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "sql/lint.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"

namespace agentpg::ops {

namespace {

using core::Error;
using core::ExitCode;
using migrate::MigrationFile;
using sql::Finding;
using sql::Severity;

sql::LintSection lint_section(const migrate::Section& section) {
  return sql::LintSection{section.present, section.sql, section.path, section.first_line,
                          section.transactional};
}

// The rules the Config switches off, each checked to exist (a misspelt id would silently
// switch nothing off).
std::vector<std::string> disabled_rules(const config::Config& config) {
  for (const std::string& id : config.lint_disable) {
    if (sql::find_lint_rule(id) != nullptr) {
      continue;
    }
    std::vector<std::string> ids;
    for (const sql::LintRule& rule : sql::lint_rules()) {
      ids.emplace_back(rule.id);
    }
    std::string suggestion = util::closest_match(id, ids);
    throw Error(
        ExitCode::usage,
        fmt::format("lint.disable names no lint rule '{}'{}", id,
                    suggestion.empty() ? "" : fmt::format(" (did you mean '{}'?)", suggestion)),
        "'agentpg lint --help' and the README list the rule ids");
  }
  return config.lint_disable;
}

std::vector<Finding> lint_files(const config::Config& config,
                                const std::vector<const MigrationFile*>& files) {
  std::vector<std::string> disabled = disabled_rules(config);
  sql::LintOptions options;
  options.lock_timeout_configured = config.migration_lock_timeout > 0;
  std::vector<Finding> findings;
  for (const MigrationFile* m : files) {
    sql::LintMigration input{m->header, lint_section(m->up), lint_section(m->down)};
    for (Finding& f : sql::lint_migration(input, options)) {
      if (std::find(disabled.begin(), disabled.end(), f.rule) == disabled.end()) {
        findings.push_back(std::move(f));
      }
    }
  }
  return findings;
}

Severity threshold(const std::string& text, const char* what) {
  std::optional<Severity> severity = sql::parse_severity(text);
  if (!severity) {
    throw Error(ExitCode::usage,
                fmt::format("{} takes error, warning or hint, not '{}'", what, text));
  }
  return *severity;
}

bool fails(const std::vector<Finding>& findings, Severity at_least) {
  return std::any_of(findings.begin(), findings.end(),
                     [at_least](const Finding& f) { return f.severity >= at_least; });
}

// The files of a target: a migration of the project (by its path or version), or files
// and folders elsewhere.
class Targets {
public:
  explicit Targets(const config::Config& config) : m_config(config) {}

  std::vector<const MigrationFile*> resolve(const std::vector<std::string>& targets) {
    if (targets.empty()) {
      return migrate::in_version_order(project());
    }
    std::vector<const MigrationFile*> out;
    for (const std::string& target : targets) {
      std::vector<const MigrationFile*> found = resolve_one(target);
      for (const MigrationFile* m : found) {
        if (std::find(out.begin(), out.end(), m) == out.end()) {
          out.push_back(m);
        }
      }
    }
    return out;
  }

private:
  const std::vector<MigrationFile>& project() {
    if (!m_project_loaded) {
      m_project = migrate::load_migrations(m_config.migrations_dir, m_config.modules);
      m_project_loaded = true;
    }
    return m_project;
  }

  std::vector<const MigrationFile*> resolve_one(const std::string& target) {
    bool in_project = util::is_directory(m_config.migrations_dir);
    if (util::path_exists(target)) {
      std::string wanted = util::absolute_path(target);
      if (in_project) {
        for (const MigrationFile& m : project()) {
          for (const std::string& path : {m.path, m.up.path, m.down.path}) {
            if (!path.empty() && util::absolute_path(path) == wanted) {
              return {&m};
            }
          }
        }
      }
      return elsewhere(target);
    }
    if (util::is_all_digits(target) && in_project) {
      std::string version = migrate::normalise_version(target);
      for (const MigrationFile& m : project()) {
        if (m.version == version) {
          return {&m};
        }
      }
      throw Error(ExitCode::usage,
                  fmt::format("no migration in {} has version {}", m_config.migrations_dir, target),
                  "'agentpg status' lists the versions");
    }
    throw Error(ExitCode::usage,
                fmt::format("'{}' is neither a file nor a migration version", target),
                "name migration files, folders of them, or versions of the project's migrations");
  }

  // Migration files outside the project's folder: a folder of them, or one file.
  std::vector<const MigrationFile*> elsewhere(const std::string& target) {
    std::vector<MigrationFile> loaded;
    if (util::is_directory(target)) {
      loaded = migrate::load_migrations(target, {});
    } else if (util::ends_with(target, ".up.sql") || util::ends_with(target, ".down.sql")) {
      bool up = util::ends_with(target, ".up.sql");
      std::string stem = target.substr(0, target.size() - (up ? 7 : 9));
      MigrationFile m;
      m.path = stem + ".up.sql";
      m.up = migrate::parse_plain_section(m.path, util::read_file(m.path, ExitCode::validation));
      if (std::string down = stem + ".down.sql"; util::path_exists(down)) {
        m.down = migrate::parse_plain_section(down, util::read_file(down, ExitCode::validation));
      }
      loaded.push_back(std::move(m));
    } else {
      loaded.push_back(
          migrate::parse_native(target, util::read_file(target, ExitCode::validation)));
    }
    std::vector<const MigrationFile*> out;
    for (MigrationFile& m : loaded) {
      m_elsewhere.push_back(std::make_unique<MigrationFile>(std::move(m)));
      out.push_back(m_elsewhere.back().get());
    }
    return out;
  }

  const config::Config& m_config;
  std::vector<MigrationFile> m_project;
  bool m_project_loaded = false;
  std::vector<std::unique_ptr<MigrationFile>> m_elsewhere;
};

core::Style style_of(Severity severity) {
  return severity == Severity::error     ? core::Style::red
         : severity == Severity::warning ? core::Style::yellow
                                         : core::Style::cyan;
}

// "path:line:col: severity: message [rule]", then why and the fix, as compilers print.
std::string text_finding(const core::Output& out, const Finding& f) {
  return fmt::format("{}:{}:{}: {}: {} [{}]\n  why: {}\n  fix: {}", f.path, f.line, f.column,
                     out.paint(style_of(f.severity), sql::severity_name(f.severity)), f.message,
                     f.rule, f.why, f.fix);
}

// GitHub Actions' workflow command escapes: data and property values.
std::string github_escape(const std::string& text, bool property) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '%':
      out += "%25";
      break;
    case '\r':
      out += "%0D";
      break;
    case '\n':
      out += "%0A";
      break;
    case ':':
      out += property ? "%3A" : ":";
      break;
    case ',':
      out += property ? "%2C" : ",";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::string github_finding(const Finding& f) {
  const char* level = f.severity == Severity::error     ? "error"
                      : f.severity == Severity::warning ? "warning"
                                                        : "notice";
  return fmt::format(
      "::{} file={},line={},col={},title={}::{}", level, github_escape(f.path, true), f.line,
      f.column, github_escape("agentpg lint: " + f.rule, true),
      github_escape(fmt::format("{}\nwhy: {}\nfix: {}", f.message, f.why, f.fix), false));
}

core::Json json_finding(const Finding& f) {
  return core::Json::object()
      .set("rule", f.rule)
      .set("severity", sql::severity_name(f.severity))
      .set("file", f.path)
      .set("line", f.line)
      .set("column", f.column)
      .set("message", f.message)
      .set("why", f.why)
      .set("fix", f.fix);
}

std::map<Severity, int> counts(const std::vector<Finding>& findings) {
  std::map<Severity, int> n{{Severity::error, 0}, {Severity::warning, 0}, {Severity::hint, 0}};
  for (const Finding& f : findings) {
    ++n[f.severity];
  }
  return n;
}

std::string summary(const std::vector<Finding>& findings, size_t files) {
  std::map<Severity, int> n = counts(findings);
  std::string in = fmt::format("{} migration{}", files, files == 1 ? "" : "s");
  if (findings.empty()) {
    return fmt::format("no findings in {}", in);
  }
  return fmt::format("{} finding{} in {}: {} error{}, {} warning{}, {} hint{}", findings.size(),
                     findings.size() == 1 ? "" : "s", in, n[Severity::error],
                     n[Severity::error] == 1 ? "" : "s", n[Severity::warning],
                     n[Severity::warning] == 1 ? "" : "s", n[Severity::hint],
                     n[Severity::hint] == 1 ? "" : "s");
}

} // namespace

std::vector<LintRuleText> lint_rule_texts() {
  std::vector<LintRuleText> out;
  for (const sql::LintRule& rule : sql::lint_rules()) {
    out.push_back(
        LintRuleText{rule.id, rule.squawk, sql::severity_name(rule.severity), rule.summary});
  }
  return out;
}

core::ExitCode run_lint(Context& ctx, const LintCommand& command) {
  const config::Config& config = ctx.config;
  Severity fail_on =
      threshold(command.fail_on.empty() ? config.lint_fail_on : command.fail_on, "--fail-on");
  if (command.format != "text" && command.format != "github") {
    throw Error(ExitCode::usage,
                fmt::format("--format takes text or github, not '{}'", command.format));
  }
  Targets targets(config);
  std::vector<const MigrationFile*> files = targets.resolve(command.targets);
  std::vector<Finding> findings = lint_files(config, files);
  bool failed = fails(findings, fail_on);
  if (ctx.out.json()) {
    core::Json list = core::Json::array();
    for (const Finding& f : findings) {
      list.push(json_finding(f));
    }
    std::map<Severity, int> n = counts(findings);
    ctx.out.emit(core::Json::object()
                     .set("migrations", files.size())
                     .set("counts", core::Json::object()
                                        .set("error", n[Severity::error])
                                        .set("warning", n[Severity::warning])
                                        .set("hint", n[Severity::hint]))
                     .set("fail_on", sql::severity_name(fail_on))
                     .set("failed", failed)
                     .set("findings", std::move(list)));
  } else {
    for (const Finding& f : findings) {
      ctx.out.data(command.format == "github" ? github_finding(f) : text_finding(ctx.out, f));
    }
    ctx.out.line(summary(findings, files.size()));
  }
  return failed ? ExitCode::unexpected : ExitCode::ok;
}

void lint_before_migrate(const Context& ctx,
                         const std::vector<const migrate::MigrationFile*>& pending) {
  const config::Config& config = ctx.config;
  if (config.lint_on_migrate == "off" || pending.empty()) {
    return;
  }
  std::vector<Finding> findings = lint_files(config, pending);
  for (const Finding& f : findings) {
    ctx.out.warn(fmt::format("{}:{}:{}: {}: {} [{}]", f.path, f.line, f.column,
                             sql::severity_name(f.severity), f.message, f.rule));
  }
  Severity fail_on = threshold(config.lint_fail_on, "lint.fail_on");
  if (config.lint_on_migrate == "error" && fails(findings, fail_on)) {
    throw Error(ExitCode::validation,
                fmt::format("lint of the pending migrations: {}; nothing was applied",
                            summary(findings, pending.size())),
                "'agentpg lint' explains each finding and its fix; fix them, switch a rule off "
                "with '-- agentpg-lint: disable=RULE (why)' above the statement, or set "
                "lint.on_migrate: warn");
  }
}

} // namespace agentpg::ops
