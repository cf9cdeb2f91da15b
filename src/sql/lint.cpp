#include "sql/lint.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "sql/lint_scope.hpp"
#include "sql/parse_tree.hpp"

namespace agentpg::sql {

namespace lint_detail {

std::string bare(const std::string& name) {
  size_t dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

void NameSet::add(const std::string& name) {
  m_full.insert(name);
  m_bare_of_all.insert(bare(name));
  if (name.find('.') == std::string::npos) {
    m_bare_of_unqualified.insert(name);
  }
}

bool NameSet::contains(const std::string& name) const {
  if (name.find('.') == std::string::npos) {
    return m_bare_of_all.count(name) > 0;
  }
  return m_full.count(name) > 0 || m_bare_of_unqualified.count(bare(name)) > 0;
}

void Scope::report(const char* rule, size_t offset, std::string message) const {
  report(rule, find_lint_rule(rule)->severity, offset, std::move(message));
}

void Scope::report(const char* rule, Severity severity, size_t offset, std::string message) const {
  findings.push_back(RawFinding{rule, severity, offset, std::move(message)});
}

} // namespace lint_detail

namespace {

using lint_detail::bare;
using lint_detail::NameSet;
using lint_detail::RawFinding;
using lint_detail::Scope;
using tree::field;
using tree::Node;
using tree::ParsedStatement;
using tree::relation_name;
using tree::text;

// A place in a text whose first line is `first_line` of `path`.
struct Place {
  std::string_view text;
  std::string path;
  int first_line = 1;
};

Finding make_finding(const Place& place, const RawFinding& raw) {
  Finding f;
  const LintRule* rule = find_lint_rule(raw.rule);
  f.rule = raw.rule;
  f.severity = raw.severity;
  f.path = place.path;
  f.message = raw.message;
  f.why = rule->why;
  f.fix = rule->fix;
  size_t offset = std::min(raw.offset, place.text.size());
  f.line = place.first_line;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (place.text[i] == '\n') {
      ++f.line;
      line_start = i + 1;
    }
  }
  f.column = 1;
  for (size_t i = line_start; i < offset; ++i) {
    f.column += (static_cast<unsigned char>(place.text[i]) & 0xC0) == 0x80 ? 0 : 1;
  }
  return f;
}

// -- agentpg-lint: disable=a,b / disable-file=a,b comments of a stretch of text that
// holds no statement (blanks and comments).
struct Directives {
  std::vector<std::string> statement; // disable=
  std::vector<std::string> file;      // disable-file=
};

void read_directives(std::string_view text, size_t base, Directives& out,
                     std::vector<RawFinding>& unknown) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    end = end == std::string_view::npos ? text.size() : end;
    std::string_view line = text.substr(pos, end - pos);
    size_t start = line.find_first_not_of(" \t");
    size_t marker = line.find("agentpg-lint:");
    if (start != std::string_view::npos && line.compare(start, 2, "--") == 0 &&
        marker != std::string_view::npos) {
      std::string_view rest = line.substr(marker + 13);
      rest.remove_prefix(std::min(rest.find_first_not_of(" \t"), rest.size()));
      std::string_view word = rest.substr(0, rest.find_first_of(" \t\r"));
      bool file = word.rfind("disable-file=", 0) == 0;
      bool one = word.rfind("disable=", 0) == 0;
      std::string_view ids = word.substr(file ? 13 : one ? 8 : word.size());
      while (!ids.empty()) {
        std::string id(ids.substr(0, ids.find(',')));
        ids.remove_prefix(std::min(ids.size(), id.size() + 1));
        if (id.empty()) {
          continue;
        }
        if (find_lint_rule(id) == nullptr) {
          unknown.push_back(RawFinding{"unknown-lint-rule", Severity::warning, base + pos + start,
                                       fmt::format("no lint rule is called '{}'", id)});
        } else {
          (file ? out.file : out.statement).push_back(id);
        }
      }
    }
    pos = end + 1;
  }
}

// One section, parsed, with its findings before the disables.
struct SectionLint {
  const LintSection* section = nullptr;
  bool up = true;
  tree::ParseResult parsed;
  std::vector<RawFinding> findings;
  std::vector<Directives> directives; // per statement
  Directives trailing;                // after the last statement
};

bool controls_transactions(const ParsedStatement& st) {
  std::string kind = text(st.body, "kind");
  return st.kind == "TransactionStmt" &&
         (kind == "TRANS_STMT_BEGIN" || kind == "TRANS_STMT_START" || kind == "TRANS_STMT_COMMIT" ||
          kind == "TRANS_STMT_ROLLBACK");
}

// Records what a statement of the up creates that later statements' rules depend on.
void note_created(const ParsedStatement& st, NameSet& tables, NameSet& indexes) {
  if (st.kind == "CreateStmt") {
    tables.add(relation_name(field(st.body, "relation")));
  } else if (st.kind == "CreateTableAsStmt") {
    tables.add(relation_name(field(field(st.body, "into"), "rel")));
  } else if (st.kind == "IndexStmt" && !text(st.body, "idxname").empty()) {
    std::string schema = text(field(st.body, "relation"), "schemaname");
    indexes.add((schema.empty() ? "" : schema + ".") + text(st.body, "idxname"));
  }
}

void lint_statements(SectionLint& s, const LintOptions& options, NameSet& tables,
                     NameSet& indexes) {
  const std::vector<ParsedStatement>& statements = s.parsed.statements;
  bool own = std::any_of(statements.begin(), statements.end(), controls_transactions);
  bool in_transaction = s.section->transactional && !own;
  bool timeout_set = options.lock_timeout_configured;
  bool timeout_told = false;
  for (size_t i = 0; i < statements.size(); ++i) {
    const ParsedStatement& st = statements[i];
    Scope scope{*s.section, s.up, statements, i, in_transaction, tables, indexes, s.findings};
    lint_detail::check_statement(scope);
    if (st.kind == "VariableSetStmt" && text(st.body, "name") == "lock_timeout") {
      timeout_set = true;
    }
    if (s.up && !timeout_set && !timeout_told && lint_detail::takes_strong_lock(scope)) {
      scope.report("require-timeout-settings", st.first_word,
                   "no SET lock_timeout before this statement takes its lock");
      timeout_told = true;
    }
    if (controls_transactions(st)) {
      std::string kind = text(st.body, "kind");
      in_transaction = kind == "TRANS_STMT_BEGIN" || kind == "TRANS_STMT_START";
    }
    if (s.up) {
      note_created(st, tables, indexes);
    }
  }
}

void read_section_directives(SectionLint& s) {
  std::string_view sql = s.section->sql;
  if (!s.parsed.ok) {
    read_directives(sql, 0, s.trailing, s.findings); // disable-file still counts
    return;
  }
  size_t end = 0;
  for (const ParsedStatement& st : s.parsed.statements) {
    Directives d;
    read_directives(sql.substr(st.offset, st.first_word - st.offset), st.offset, d, s.findings);
    s.directives.push_back(std::move(d));
    end = st.offset + st.length;
  }
  end = std::min(end, sql.size());
  read_directives(sql.substr(end), end, s.trailing, s.findings);
}

SectionLint lint_section(const LintSection& section, bool up, const LintOptions& options,
                         NameSet& tables, NameSet& indexes) {
  SectionLint s;
  s.section = &section;
  s.up = up;
  s.parsed = tree::parse(section.sql);
  read_section_directives(s);
  if (!s.parsed.ok) {
    s.findings.push_back(RawFinding{"parse-error", Severity::error, s.parsed.error_offset,
                                    fmt::format("the parser stops here: {}", s.parsed.error)});
    return s;
  }
  lint_statements(s, options, tables, indexes);
  return s;
}

// What a migration's up creates and its down drops, by kind and name, for the check that
// the down reverses the up.
struct Object {
  std::string kind;  // "table", "index", "column", "type", "function", ...
  std::string name;  // as written: "s.t", "s.t.column", "s.t.trigger"
  std::string table; // the table an index, column, trigger or policy belongs to
  size_t offset = 0;
  bool if_not_exists = false; // created with IF NOT EXISTS: it may have been there before
  bool replace = false;       // CREATE OR REPLACE: the down may restore the old one
};

std::string schema_of(const Object& o) {
  size_t parts = 1 + static_cast<size_t>(std::count(o.name.begin(), o.name.end(), '.'));
  bool child = !o.table.empty();
  return parts > (child ? 2 : 1) ? o.name.substr(0, o.name.find('.')) : "";
}

// "t" matches "s.t", and "t.x" matches "s.t.x": the schema is not known offline.
bool same_name(const std::string& a, const std::string& b) {
  if (a == b) {
    return true;
  }
  const std::string& longer = a.size() > b.size() ? a : b;
  const std::string& shorter = a.size() > b.size() ? b : a;
  return longer.size() > shorter.size() &&
         longer.compare(longer.size() - shorter.size(), shorter.size(), shorter) == 0 &&
         longer[longer.size() - shorter.size() - 1] == '.';
}

std::vector<Object> created_objects(const std::vector<ParsedStatement>& statements) {
  std::vector<Object> out;
  for (const ParsedStatement& st : statements) {
    const Node& b = st.body;
    Object o;
    o.offset = st.first_word;
    o.if_not_exists = tree::flag(b, "if_not_exists");
    o.replace = tree::flag(b, "replace");
    if (st.kind == "CreateStmt") {
      o.kind = "table";
      o.name = relation_name(field(b, "relation"));
    } else if (st.kind == "CreateTableAsStmt") {
      o.kind = text(b, "objtype") == "OBJECT_MATVIEW" ? "materialized view" : "table";
      o.name = relation_name(field(field(b, "into"), "rel"));
    } else if (st.kind == "ViewStmt") {
      o.kind = "view";
      o.name = relation_name(field(b, "view"));
    } else if (st.kind == "IndexStmt" && !text(b, "idxname").empty()) {
      std::string schema = text(field(b, "relation"), "schemaname");
      o.kind = "index";
      o.name = (schema.empty() ? "" : schema + ".") + text(b, "idxname");
      o.table = relation_name(field(b, "relation"));
    } else if (st.kind == "CreateSeqStmt") {
      o.kind = "sequence";
      o.name = relation_name(field(b, "sequence"));
    } else if (st.kind == "CreateSchemaStmt") {
      o.kind = "schema";
      o.name = text(b, "schemaname");
    } else if (st.kind == "CreateEnumStmt" || st.kind == "CreateRangeStmt") {
      o.kind = "type";
      o.name = tree::dotted(tree::strings(field(b, "typeName")));
    } else if (st.kind == "CompositeTypeStmt") {
      o.kind = "type";
      o.name = relation_name(field(b, "typevar"));
    } else if (st.kind == "CreateDomainStmt") {
      o.kind = "type";
      o.name = tree::dotted(tree::strings(field(b, "domainname")));
    } else if (st.kind == "CreateFunctionStmt") {
      o.kind = "function";
      o.name = tree::dotted(tree::strings(field(b, "funcname")));
    } else if (st.kind == "CreateTrigStmt") {
      o.kind = "trigger";
      o.table = relation_name(field(b, "relation"));
      o.name = o.table + "." + text(b, "trigname");
      o.replace = tree::flag(b, "replace");
    } else if (st.kind == "CreatePolicyStmt") {
      o.kind = "policy";
      o.table = relation_name(field(b, "table"));
      o.name = o.table + "." + text(b, "policy_name");
    } else if (st.kind == "CreateExtensionStmt") {
      o.kind = "extension";
      o.name = text(b, "extname");
    } else if (st.kind == "AlterTableStmt") {
      std::string table = relation_name(field(b, "relation"));
      for (const Node& cmd : field(b, "cmds")) {
        const Node& c = field(cmd, "AlterTableCmd");
        if (text(c, "subtype") == "AT_AddColumn" && c.contains("def")) {
          const Node& column = field(field(c, "def"), "ColumnDef");
          out.push_back(Object{"column", table + "." + text(column, "colname"), table,
                               tree::location(column, st.first_word), tree::flag(c, "missing_ok"),
                               false});
        }
      }
    }
    if (!o.kind.empty()) {
      out.push_back(std::move(o));
    }
  }
  return out;
}

std::string drop_kind(const std::string& remove_type) {
  static const std::map<std::string, std::string> k_kinds = {
      {"OBJECT_TABLE", "table"},       {"OBJECT_INDEX", "index"},
      {"OBJECT_VIEW", "view"},         {"OBJECT_MATVIEW", "materialized view"},
      {"OBJECT_SEQUENCE", "sequence"}, {"OBJECT_SCHEMA", "schema"},
      {"OBJECT_TYPE", "type"},         {"OBJECT_DOMAIN", "type"},
      {"OBJECT_FUNCTION", "function"}, {"OBJECT_PROCEDURE", "function"},
      {"OBJECT_ROUTINE", "function"},  {"OBJECT_TRIGGER", "trigger"},
      {"OBJECT_POLICY", "policy"},     {"OBJECT_EXTENSION", "extension"}};
  auto it = k_kinds.find(remove_type);
  return it == k_kinds.end() ? "" : it->second;
}

// What the down drops, and what it creates again (a CREATE OR REPLACE that restores the
// previous definition of what the up replaced).
void dropped_objects(const std::vector<ParsedStatement>& statements, std::vector<Object>& drops,
                     std::vector<Object>& restores) {
  for (const ParsedStatement& st : statements) {
    const Node& b = st.body;
    if (st.kind == "DropStmt") {
      std::string kind = drop_kind(text(b, "removeType"));
      if (kind.empty()) {
        continue;
      }
      for (const Node& object : field(b, "objects")) {
        std::string k = tree::kind_of(object);
        const Node& inner = tree::body_of(object);
        std::string name = k == "List"       ? tree::dotted(tree::strings(field(inner, "items")))
                           : k == "TypeName" ? tree::dotted(tree::strings(field(inner, "names")))
                           : k == "ObjectWithArgs"
                               ? tree::dotted(tree::strings(field(inner, "objname")))
                           : k == "String" ? text(inner, "sval")
                                           : "";
        Object o{kind, name, "", st.first_word, false, false};
        if (kind == "trigger" || kind == "policy") {
          o.table = name.substr(0, name.rfind('.'));
        }
        drops.push_back(std::move(o));
      }
    } else if (st.kind == "AlterTableStmt") {
      std::string table = relation_name(field(b, "relation"));
      for (const Node& cmd : field(b, "cmds")) {
        const Node& c = field(cmd, "AlterTableCmd");
        if (text(c, "subtype") == "AT_DropColumn") {
          drops.push_back(
              Object{"column", table + "." + text(c, "name"), table, st.first_word, false, false});
        }
      }
    } else if (st.kind == "CreateFunctionStmt" || st.kind == "ViewStmt") {
      std::string name = st.kind == "ViewStmt" ? relation_name(field(b, "view"))
                                               : tree::dotted(tree::strings(field(b, "funcname")));
      restores.push_back(Object{st.kind == "ViewStmt" ? "view" : "function", name, "",
                                st.first_word, false, true});
    }
  }
}

bool has(const std::vector<Object>& objects, const std::string& kind, const std::string& name) {
  return std::any_of(objects.begin(), objects.end(),
                     [&](const Object& o) { return o.kind == kind && same_name(o.name, name); });
}

void check_reversal(SectionLint& up, SectionLint& down) {
  std::vector<Object> created = created_objects(up.parsed.statements);
  std::vector<Object> drops;
  std::vector<Object> restores;
  dropped_objects(down.parsed.statements, drops, restores);
  for (const Object& o : created) {
    bool covered = has(drops, o.kind, o.name) || (o.replace && has(restores, o.kind, o.name)) ||
                   (!o.table.empty() && has(drops, "table", o.table)) ||
                   (!schema_of(o).empty() && has(drops, "schema", schema_of(o)));
    if (!covered && !o.if_not_exists) {
      up.findings.push_back(RawFinding{
          "down-incomplete", Severity::warning, o.offset,
          fmt::format("the up creates {} {}, which the down does not drop", o.kind, o.name)});
    }
  }
  for (const Object& d : drops) {
    bool own = has(created, d.kind, d.name) ||
               (!d.table.empty() && has(created, "table", d.table)) ||
               (d.kind == "column" && has(created, "table", d.table));
    if (!own) {
      down.findings.push_back(RawFinding{
          "down-drops-unknown", Severity::warning, d.offset,
          fmt::format("the down drops {} {}, which the up did not create", d.kind, d.name)});
    }
  }
}

// The statement of `s` a finding at `offset` belongs to (its leading comments included).
size_t statement_at(const SectionLint& s, size_t offset) {
  const std::vector<ParsedStatement>& statements = s.parsed.statements;
  size_t index = 0;
  while (index + 1 < statements.size() && statements[index + 1].offset <= offset) {
    ++index;
  }
  return index;
}

bool listed(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

void collect(const SectionLint& s, const std::vector<std::string>& file_disabled,
             std::vector<Finding>& out) {
  Place place{s.section->sql, s.section->path, s.section->first_line};
  std::vector<RawFinding> sorted = s.findings;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const RawFinding& a, const RawFinding& b) { return a.offset < b.offset; });
  for (const RawFinding& raw : sorted) {
    if (listed(file_disabled, raw.rule)) {
      continue;
    }
    if (s.parsed.ok && !s.directives.empty() &&
        listed(s.directives[statement_at(s, raw.offset)].statement, raw.rule)) {
      continue;
    }
    out.push_back(make_finding(place, raw));
  }
}

} // namespace

std::vector<Finding> lint_migration(const LintMigration& migration, const LintOptions& options) {
  NameSet tables;
  NameSet indexes;
  SectionLint up = lint_section(migration.up, true, options, tables, indexes);
  SectionLint down;
  bool down_has_sql = false;
  if (migration.down.present) {
    down = lint_section(migration.down, false, options, tables, indexes);
    down_has_sql = !down.parsed.ok || !down.parsed.statements.empty();
  }
  // Whole-file disables: the header, and every stretch between statements.
  Directives header;
  std::vector<RawFinding> header_findings;
  read_directives(migration.header, 0, header, header_findings);
  std::vector<std::string> file_disabled = header.file;
  for (const SectionLint* s : {&up, &down}) {
    for (const Directives& d : s->directives) {
      file_disabled.insert(file_disabled.end(), d.file.begin(), d.file.end());
    }
    file_disabled.insert(file_disabled.end(), s->trailing.file.begin(), s->trailing.file.end());
  }
  int marker_line = std::max(1, migration.up.first_line - 1);
  std::vector<Finding> findings;
  for (const RawFinding& raw : header_findings) {
    findings.push_back(make_finding(Place{migration.header, migration.up.path, 1}, raw));
  }
  if (!migration.down.present && !listed(file_disabled, "down-missing")) {
    findings.push_back(make_finding(
        Place{"", migration.up.path, marker_line},
        RawFinding{"down-missing", Severity::warning, 0, "the migration has no down section"}));
  } else if (migration.down.present && !down_has_sql && !listed(file_disabled, "down-empty")) {
    findings.push_back(make_finding(
        Place{"", migration.down.path, std::max(1, migration.down.first_line - 1)},
        RawFinding{"down-empty", Severity::hint, 0, "the down section has no statement"}));
  }
  if (down_has_sql && up.parsed.ok && down.parsed.ok) {
    check_reversal(up, down);
  }
  collect(up, file_disabled, findings);
  if (migration.down.present) {
    collect(down, file_disabled, findings);
  }
  return findings;
}

} // namespace agentpg::sql
