// The lint rules that look at one statement at a time, on its parse tree.
#include <fmt/format.h>

#include <algorithm>

#include "sql/lint_scope.hpp"

namespace agentpg::sql::lint_detail {

using tree::field;
using tree::flag;
using tree::location;
using tree::Node;
using tree::relation_name;
using tree::text;

namespace {

// Functions that give the same value for every row of one statement, so a default that
// calls only these is recorded once in the catalog (PostgreSQL 11+), not written per row.
bool non_volatile_function(const std::string& name) {
  static const char* const k_stable[] = {"now",
                                         "transaction_timestamp",
                                         "statement_timestamp",
                                         "current_setting",
                                         "lower",
                                         "upper",
                                         "concat",
                                         "jsonb_build_object",
                                         "json_build_object",
                                         "jsonb_build_array",
                                         "json_build_array",
                                         "to_jsonb",
                                         "to_json",
                                         "make_interval",
                                         "array_fill",
                                         "length"};
  return std::find(std::begin(k_stable), std::end(k_stable), name) != std::end(k_stable);
}

// The first function call of an expression that may be volatile, or "".
std::string volatile_call(const Node& expr) {
  if (expr.is_object()) {
    if (auto it = expr.find("FuncCall"); it != expr.end()) {
      std::vector<std::string> names = tree::strings(field(*it, "funcname"));
      std::string name = names.empty() ? "" : names.back();
      if (!non_volatile_function(name)) {
        return tree::dotted(names);
      }
    }
    for (const auto& [key, value] : expr.items()) {
      if (std::string found = volatile_call(value); !found.empty()) {
        return found;
      }
    }
  } else if (expr.is_array()) {
    for (const Node& item : expr) {
      if (std::string found = volatile_call(item); !found.empty()) {
        return found;
      }
    }
  }
  return "";
}

// Whether an expression holds the string constant `value` anywhere.
bool uses_string(const Node& node, const std::string& value) {
  if (node.is_object()) {
    if (auto it = node.find("sval");
        it != node.end() && it->is_object() && text(*it, "sval") == value) {
      return true;
    }
    return std::any_of(node.begin(), node.end(),
                       [&value](const Node& child) { return uses_string(child, value); });
  }
  if (node.is_array()) {
    return std::any_of(node.begin(), node.end(),
                       [&value](const Node& child) { return uses_string(child, value); });
  }
  return false;
}

std::vector<const Node*> constraints_of(const Node& column_def) {
  std::vector<const Node*> out;
  for (const Node& c : field(column_def, "constraints")) {
    if (const Node& constraint = field(c, "Constraint"); constraint.is_object()) {
      out.push_back(&constraint);
    }
  }
  return out;
}

// The types a column should not have, wherever a column is defined or retyped.
void check_column_type(const Scope& scope, const Node& column_def, bool key) {
  const Node& type = field(column_def, "typeName");
  if (!type.is_object()) {
    return;
  }
  std::string name = tree::type_name(type);
  size_t at = location(type, location(column_def, scope.statement().first_word));
  std::string column = text(column_def, "colname");
  std::string what = column.empty() ? "the column" : fmt::format("column {}", column);
  bool has_length = type.contains("typmods");
  if (name == "varchar" && has_length) {
    scope.report("prefer-text-field", at, fmt::format("{} is varchar(n)", what));
  } else if (name == "bpchar") {
    scope.report("ban-char-field", at, fmt::format("{} is char(n)", what));
  } else if (name == "timestamp") {
    scope.report("prefer-timestamptz", at, fmt::format("{} is timestamp without time zone", what));
  }
  bool serial = name == "serial" || name == "serial4" || name == "smallserial" ||
                name == "serial2" || name == "bigserial" || name == "serial8";
  if (serial) {
    scope.report("prefer-identity", at, fmt::format("{} is {}", what, name));
  }
  bool small = name == "int4" || name == "int2" || name == "serial" || name == "serial4" ||
               name == "smallserial" || name == "serial2";
  if (small && key) {
    scope.report("prefer-bigint-over-int", at, fmt::format("key {} is {}", what, name));
  }
}

bool has_constraint(const Node& column_def, const char* contype) {
  std::vector<const Node*> cs = constraints_of(column_def);
  return std::any_of(cs.begin(), cs.end(),
                     [contype](const Node* c) { return text(*c, "contype") == contype; });
}

void check_create_table(const Scope& scope, const Node& body) {
  std::vector<std::string> key_columns;
  for (const Node& element : field(body, "tableElts")) {
    const Node& constraint = field(element, "Constraint");
    if (text(constraint, "contype") == "CONSTR_PRIMARY") {
      key_columns = tree::strings(field(constraint, "keys"));
    }
  }
  for (const Node& element : field(body, "tableElts")) {
    if (const Node& column = field(element, "ColumnDef"); column.is_object()) {
      bool key = has_constraint(column, "CONSTR_PRIMARY") ||
                 std::find(key_columns.begin(), key_columns.end(), text(column, "colname")) !=
                     key_columns.end();
      check_column_type(scope, column, key);
    }
  }
}

// ADD COLUMN on a table that exists before this migration.
void check_add_column(const Scope& scope, const std::string& table, const Node& column) {
  size_t at = location(column, scope.statement().first_word);
  std::string name = fmt::format("{}.{}", table, text(column, "colname"));
  bool has_default = false;
  bool not_null = false;
  std::string type = tree::type_name(field(column, "typeName"));
  bool serial = type.find("serial") != std::string::npos;
  for (const Node* c : constraints_of(column)) {
    std::string contype = text(*c, "contype");
    size_t c_at = location(*c, at);
    if (contype == "CONSTR_DEFAULT") {
      has_default = true;
      if (std::string call = volatile_call(field(*c, "raw_expr")); !call.empty()) {
        scope.report(
            "adding-field-with-default", c_at,
            fmt::format("column {} gets the default {}(), which may be volatile", name, call));
      }
    } else if (contype == "CONSTR_GENERATED" || contype == "CONSTR_IDENTITY") {
      has_default = true;
      scope.report("adding-field-with-default", c_at,
                   fmt::format("column {} is {}: every row is written", name,
                               contype == "CONSTR_GENERATED" ? "a stored generated column"
                                                             : "an identity column"));
    } else if (contype == "CONSTR_NOTNULL") {
      not_null = true;
    } else if (contype == "CONSTR_PRIMARY") {
      scope.report("adding-serial-primary-key-field", c_at,
                   fmt::format("column {} is added as the PRIMARY KEY", name));
    } else if (contype == "CONSTR_UNIQUE") {
      scope.report("disallowed-unique-constraint", c_at,
                   fmt::format("column {} is added UNIQUE", name));
    } else if (contype == "CONSTR_FOREIGN") {
      scope.report("adding-foreign-key-constraint", c_at,
                   fmt::format("column {} is added with a foreign key to {}", name,
                               relation_name(field(*c, "pktable"))));
    } else if (contype == "CONSTR_CHECK") {
      scope.report(
          "constraint-missing-not-valid", c_at,
          fmt::format("column {} is added with a CHECK, which is validated at once", name));
    }
  }
  if (serial) {
    has_default = true;
    scope.report(
        "adding-field-with-default", at,
        fmt::format("column {} is {}: every row gets a value from its sequence", name, type));
  }
  if (not_null && !has_default) {
    scope.report("adding-required-field", at,
                 fmt::format("column {} is NOT NULL without a default", name));
  }
}

void check_add_constraint(const Scope& scope, const std::string& table, const Node& c, size_t at) {
  std::string contype = text(c, "contype");
  std::string name = text(c, "conname");
  std::string shown = name.empty() ? "" : " " + name;
  bool not_valid = flag(c, "skip_validation");
  bool using_index = !text(c, "indexname").empty();
  if (contype == "CONSTR_CHECK" && !not_valid) {
    scope.report("constraint-missing-not-valid", at,
                 fmt::format("CHECK constraint{} on {} without NOT VALID", shown, table));
  } else if (contype == "CONSTR_FOREIGN" && !not_valid) {
    scope.report("adding-foreign-key-constraint", at,
                 fmt::format("FOREIGN KEY{} on {} without NOT VALID", shown, table));
  } else if (contype == "CONSTR_PRIMARY" && !using_index) {
    scope.report("adding-serial-primary-key-field", at,
                 fmt::format("PRIMARY KEY{} on {} without USING INDEX", shown, table));
  } else if (contype == "CONSTR_UNIQUE" && !using_index) {
    scope.report("disallowed-unique-constraint", at,
                 fmt::format("UNIQUE constraint{} on {} without USING INDEX", shown, table));
  }
}

void check_alter_table(const Scope& scope, const Node& body) {
  std::string table = relation_name(field(body, "relation"));
  bool existing = scope.up && !scope.tables.contains(table);
  bool robust = !scope.section.transactional;
  size_t stmt_at = scope.statement().first_word;
  for (const Node& wrapped : field(body, "cmds")) {
    const Node& cmd = field(wrapped, "AlterTableCmd");
    std::string subtype = text(cmd, "subtype");
    const Node& def = field(cmd, "def");
    const Node& column = field(def, "ColumnDef");
    const Node& constraint = field(def, "Constraint");
    size_t at = location(column.is_object() ? column : constraint, stmt_at);
    if (subtype == "AT_AddColumn" && column.is_object()) {
      if (scope.up) {
        check_column_type(scope, column, has_constraint(column, "CONSTR_PRIMARY"));
      }
      if (existing) {
        check_add_column(scope, table, column);
      }
      if (robust && !flag(cmd, "missing_ok")) {
        scope.report("prefer-robust-stmts", at,
                     fmt::format("ADD COLUMN {} without IF NOT EXISTS", text(column, "colname")));
      }
    } else if (subtype == "AT_DropColumn") {
      if (existing) {
        scope.report("ban-drop-column", stmt_at,
                     fmt::format("column {}.{} is dropped", table, text(cmd, "name")));
      }
      if (robust && !flag(cmd, "missing_ok")) {
        scope.report("prefer-robust-stmts", stmt_at,
                     fmt::format("DROP COLUMN {} without IF EXISTS", text(cmd, "name")));
      }
    } else if (subtype == "AT_AddConstraint" && constraint.is_object() && existing) {
      check_add_constraint(scope, table, constraint, at);
    } else if (subtype == "AT_SetNotNull" && existing) {
      scope.report("adding-not-nullable-field", stmt_at,
                   fmt::format("column {}.{} is made NOT NULL", table, text(cmd, "name")));
    } else if (subtype == "AT_AlterColumnType") {
      if (scope.up && column.is_object()) {
        check_column_type(scope, column, false);
      }
      if (existing) {
        scope.report("changing-column-type", stmt_at,
                     fmt::format("column {}.{} changes its type", table, text(cmd, "name")));
      }
    } else if (subtype == "AT_DetachPartition" && scope.in_transaction &&
               flag(field(def, "PartitionCmd"), "concurrent")) {
      scope.report("cannot-run-in-transaction", stmt_at,
                   "DETACH PARTITION ... CONCURRENTLY runs in a transaction block here");
    }
  }
}

void check_index(const Scope& scope, const Node& body) {
  const tree::ParsedStatement& st = scope.statement();
  std::string table = relation_name(field(body, "relation"));
  bool concurrent = flag(body, "concurrent");
  if (concurrent && scope.in_transaction) {
    scope.report("cannot-run-in-transaction", st.first_word,
                 "CREATE INDEX CONCURRENTLY runs in a transaction block here");
  }
  if (!concurrent && scope.up && !scope.tables.contains(table)) {
    scope.report("require-concurrent-index-creation", st.first_word,
                 fmt::format("index {} on {} is built without CONCURRENTLY",
                             text(body, "idxname").empty() ? "(unnamed)" : text(body, "idxname"),
                             table));
  }
  if (!scope.section.transactional && !flag(body, "if_not_exists")) {
    scope.report("prefer-robust-stmts", st.first_word, "CREATE INDEX without IF NOT EXISTS");
  }
}

// The names a DropStmt's objects stand for ("s.t"; "s.t.trigger" for triggers, policies).
std::vector<std::string> dropped_names(const Node& body) {
  std::vector<std::string> names;
  for (const Node& object : field(body, "objects")) {
    std::string kind = tree::kind_of(object);
    const Node& inner = kind.empty() ? object : tree::body_of(object);
    if (kind == "List") {
      names.push_back(tree::dotted(tree::strings(field(inner, "items"))));
    } else if (kind == "TypeName") {
      names.push_back(tree::dotted(tree::strings(field(inner, "names"))));
    } else if (kind == "ObjectWithArgs") {
      names.push_back(tree::dotted(tree::strings(field(inner, "objname"))));
    } else if (kind == "String") {
      names.push_back(text(inner, "sval"));
    }
  }
  return names;
}

void check_drop(const Scope& scope, const Node& body) {
  const tree::ParsedStatement& st = scope.statement();
  std::string type = text(body, "removeType");
  bool concurrent = flag(body, "concurrent");
  for (const std::string& name : dropped_names(body)) {
    if (type == "OBJECT_TABLE" && scope.up && !scope.tables.contains(name)) {
      scope.report("ban-drop-table", st.first_word, fmt::format("table {} is dropped", name));
    }
    if (type == "OBJECT_INDEX" && !concurrent && scope.up && !scope.indexes.contains(name)) {
      scope.report("require-concurrent-index-deletion", st.first_word,
                   fmt::format("index {} is dropped without CONCURRENTLY", name));
    }
  }
  if (type == "OBJECT_INDEX" && concurrent && scope.in_transaction) {
    scope.report("cannot-run-in-transaction", st.first_word,
                 "DROP INDEX CONCURRENTLY runs in a transaction block here");
  }
  if (!scope.section.transactional && !flag(body, "missing_ok")) {
    scope.report("prefer-robust-stmts", st.first_word, "DROP without IF EXISTS");
  }
}

void check_enum_value(const Scope& scope, const Node& body) {
  std::string value = text(body, "newVal");
  if (value.empty() || body.contains("oldVal")) {
    return; // RENAME VALUE
  }
  const tree::ParsedStatement& st = scope.statement();
  if (scope.in_transaction) {
    bool used = false;
    for (size_t i = scope.index + 1; i < scope.statements.size() && !used; ++i) {
      used = uses_string(scope.statements[i].body, value);
    }
    std::string type = tree::dotted(tree::strings(field(body, "typeName")));
    scope.report(
        "add-enum-value-in-transaction", used ? Severity::error : Severity::warning, st.first_word,
        used ? fmt::format("value '{}' is added to {} in a transaction block, and a "
                           "later statement of the section uses it",
                           value, type)
             : fmt::format("value '{}' is added to {} in a transaction block", value, type));
  }
  if (!scope.section.transactional && !flag(body, "skipIfNewValExists")) {
    scope.report("prefer-robust-stmts", st.first_word, "ADD VALUE without IF NOT EXISTS");
  }
}

// Statements the server refuses in a transaction block whatever their options.
const char* never_in_transaction(const std::string& kind, const Node& body) {
  if (kind == "VacuumStmt" && flag(body, "is_vacuumcmd")) {
    return "VACUUM";
  }
  if (kind == "CreatedbStmt") {
    return "CREATE DATABASE";
  }
  if (kind == "DropdbStmt") {
    return "DROP DATABASE";
  }
  if (kind == "AlterSystemStmt") {
    return "ALTER SYSTEM";
  }
  if (kind == "CreateTableSpaceStmt") {
    return "CREATE TABLESPACE";
  }
  if (kind == "DropTableSpaceStmt") {
    return "DROP TABLESPACE";
  }
  if (kind == "ReindexStmt") {
    std::string what = text(body, "kind");
    if (what == "REINDEX_OBJECT_SYSTEM" || what == "REINDEX_OBJECT_DATABASE") {
      return "REINDEX SYSTEM/DATABASE";
    }
    for (const Node& param : field(body, "params")) {
      if (text(field(param, "DefElem"), "defname") == "concurrently") {
        return "REINDEX CONCURRENTLY";
      }
    }
  }
  return nullptr;
}

void check_transaction_control(const Scope& scope, const Node& body) {
  std::string kind = text(body, "kind");
  static const char* const k_control[] = {"TRANS_STMT_BEGIN", "TRANS_STMT_START",
                                          "TRANS_STMT_COMMIT", "TRANS_STMT_ROLLBACK"};
  if (std::find(std::begin(k_control), std::end(k_control), kind) != std::end(k_control)) {
    std::string word = kind.substr(std::string("TRANS_STMT_").size());
    scope.report("transaction-nesting", scope.statement().first_word,
                 fmt::format("the file controls its transactions itself ({})", word));
  }
}

// CREATE statements that have an IF NOT EXISTS or OR REPLACE form.
void check_robust_create(const Scope& scope, const std::string& kind, const Node& body) {
  static const std::pair<const char*, const char*> k_if_not_exists[] = {
      {"CreateStmt", "CREATE TABLE"},
      {"CreateSchemaStmt", "CREATE SCHEMA"},
      {"CreateSeqStmt", "CREATE SEQUENCE"},
      {"CreateExtensionStmt", "CREATE EXTENSION"}};
  static const std::pair<const char*, const char*> k_or_replace[] = {
      {"CreateFunctionStmt", "CREATE FUNCTION"}, {"ViewStmt", "CREATE VIEW"}};
  for (const auto& [node, words] : k_if_not_exists) {
    if (kind == node && !flag(body, "if_not_exists")) {
      scope.report("prefer-robust-stmts", scope.statement().first_word,
                   fmt::format("{} without IF NOT EXISTS", words));
    }
  }
  for (const auto& [node, words] : k_or_replace) {
    if (kind == node && !flag(body, "replace")) {
      scope.report("prefer-robust-stmts", scope.statement().first_word,
                   fmt::format("{} without OR REPLACE", words));
    }
  }
}

} // namespace

void check_statement(const Scope& scope) {
  const tree::ParsedStatement& st = scope.statement();
  const Node& body = st.body;
  const std::string& kind = st.kind;
  if (const char* what = never_in_transaction(kind, body);
      what != nullptr && scope.in_transaction) {
    scope.report("cannot-run-in-transaction", st.first_word,
                 fmt::format("{} runs in a transaction block here", what));
  }
  if (!scope.section.transactional) {
    check_robust_create(scope, kind, body);
  }
  if (kind == "CreateStmt" && scope.up) {
    check_create_table(scope, body);
  } else if (kind == "AlterTableStmt") {
    check_alter_table(scope, body);
  } else if (kind == "IndexStmt") {
    check_index(scope, body);
  } else if (kind == "DropStmt") {
    check_drop(scope, body);
  } else if (kind == "AlterEnumStmt") {
    check_enum_value(scope, body);
  } else if (kind == "TransactionStmt") {
    check_transaction_control(scope, body);
  } else if (kind == "DropdbStmt" && scope.up) {
    scope.report("ban-drop-database", st.first_word,
                 fmt::format("database {} is dropped", text(body, "dbname")));
  } else if (kind == "RenameStmt" && scope.up) {
    std::string type = text(body, "renameType");
    std::string table = relation_name(field(body, "relation"));
    if (type == "OBJECT_COLUMN" && !scope.tables.contains(table)) {
      scope.report("renaming-column", st.first_word,
                   fmt::format("column {}.{} is renamed to {}", table, text(body, "subname"),
                               text(body, "newname")));
    } else if (type == "OBJECT_TABLE" && !scope.tables.contains(table)) {
      scope.report("renaming-table", st.first_word,
                   fmt::format("table {} is renamed to {}", table, text(body, "newname")));
    }
  }
}

bool takes_strong_lock(const Scope& scope) {
  const tree::ParsedStatement& st = scope.statement();
  const Node& body = st.body;
  auto existing = [&scope](const Node& range_var) {
    return !scope.tables.contains(relation_name(range_var));
  };
  if (st.kind == "AlterTableStmt" || st.kind == "CreateTrigStmt" || st.kind == "RenameStmt") {
    return existing(field(body, "relation"));
  }
  if (st.kind == "IndexStmt") {
    return !flag(body, "concurrent") && existing(field(body, "relation"));
  }
  if (st.kind == "TruncateStmt") {
    return true;
  }
  if (st.kind == "DropStmt") {
    std::string type = text(body, "removeType");
    if (type != "OBJECT_TABLE" && !(type == "OBJECT_INDEX" && !flag(body, "concurrent"))) {
      return false;
    }
    std::vector<std::string> names = dropped_names(body);
    const NameSet& created = type == "OBJECT_TABLE" ? scope.tables : scope.indexes;
    return std::any_of(names.begin(), names.end(),
                       [&created](const std::string& n) { return !created.contains(n); });
  }
  return false;
}

} // namespace agentpg::sql::lint_detail
