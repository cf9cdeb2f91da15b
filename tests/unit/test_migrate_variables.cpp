#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "migrate/variables.hpp"
#include "sql/variables.hpp"

using agentpg::core::Error;
using agentpg::core::ExitCode;
using agentpg::migrate::directive_for;
using agentpg::migrate::MigrationFile;
using agentpg::migrate::parse_native;
using agentpg::migrate::secret_name;
using agentpg::migrate::Section;
using agentpg::migrate::substitute;
using agentpg::migrate::Variables;
using agentpg::migrate::VariableValue;
using agentpg::migrate::VarsDirective;
using agentpg::sql::find_variables;
using agentpg::sql::VariableKind;

namespace {

Section section(const std::string& sql) {
  Section s;
  s.present = true;
  s.sql = sql;
  s.path = "migrations/1_x.sql";
  s.first_line = 2;
  return s;
}

Variables vars(std::initializer_list<std::pair<const char*, const char*>> values) {
  Variables v;
  for (const auto& [name, value] : values) {
    v.values[name] = VariableValue{value, "--var", secret_name(name)};
  }
  return v;
}

std::string sub(const std::string& sql, const Variables& v,
                VarsDirective directive = VarsDirective::quoted, bool masked = false) {
  return substitute(section(sql), directive, v, masked);
}

// The refusal's exit code and message.
std::pair<ExitCode, std::string> refusal(const std::string& sql, const Variables& v,
                                         VarsDirective directive = VarsDirective::quoted) {
  try {
    sub(sql, v, directive);
  } catch (const Error& e) {
    return {e.code(), e.what()};
  }
  return {ExitCode::ok, "accepted"};
}

std::vector<std::string> names(const std::string& sql) {
  std::vector<std::string> out;
  for (const auto& ref : find_variables(sql).refs) {
    out.push_back(ref.name + (ref.kind == VariableKind::literal      ? "'"
                              : ref.kind == VariableKind::identifier ? "\""
                                                                     : ""));
  }
  return out;
}

using V = std::vector<std::string>;

} // namespace

TEST_SUITE("sql::variables") {
  TEST_CASE("finds :'name', :\"name\" and :name as psql does") {
    CHECK(names("SELECT :'a', :\"b\", :c;") == V{"a'", "b\"", "c"});
    CHECK(names("SELECT :'a'||:'b'") == V{"a'", "b'"});
  }
  TEST_CASE("never inside strings, comments, dollar quotes, quoted names or casts") {
    CHECK(names("SELECT ':a', E':\\'b', $$ :c $$, $f$ :'d' $f$, \":e\"") == V{});
    CHECK(names("-- :a\n/* :'b' /* :c */ */ SELECT 1::int, x::text") == V{});
    CHECK(names("SELECT arr[1:2], arr[1 : 3], :$1") == V{});
    CHECK(names("SELECT : a, :'not a name', :\"\"") == V{});
  }
  TEST_CASE("says so when the scanner cannot read the text") {
    CHECK_FALSE(find_variables("SELECT 'never ends").scanned);
  }
}

TEST_SUITE("migrate::variables") {
  TEST_CASE("quotes a literal so that no value can end it") {
    Variables v = vars({{"x", "'; DROP TABLE t; --"}, {"b", "a\\'b"}, {"n", "line\nnext"}});
    CHECK(sub("SELECT :'x';", v) == "SELECT '''; DROP TABLE t; --';");
    // A backslash: an E'' literal with both doubled, the same whatever
    // standard_conforming_strings says, and a blank before it as PQescapeLiteral writes it.
    CHECK(sub("SELECT :'b';", v) == "SELECT  E'a\\\\''b';");
    CHECK(sub("SELECT x:'b';", v) == "SELECT x E'a\\\\''b';");
    CHECK(sub("SELECT :'n';", v) == "SELECT 'line\nnext';");
  }
  TEST_CASE("quotes an identifier with its quotes doubled") {
    Variables v = vars({{"s", "my \"schema\"; DROP"}});
    CHECK(sub("CREATE SCHEMA :\"s\";", v) == "CREATE SCHEMA \"my \"\"schema\"\"; DROP\";");
  }
  TEST_CASE("leaves strings, comments, dollar quotes and casts alone") {
    Variables v = vars({{"a", "A"}});
    CHECK(sub("SELECT ':a', $$:'a'$$, 1::int -- :'a'\n, :'a';", v) ==
          "SELECT ':a', $$:'a'$$, 1::int -- :'a'\n, 'A';");
  }
  TEST_CASE("raw values only where the file says vars raw") {
    Variables v = vars({{"cols", "a, b"}});
    CHECK(sub("SELECT :cols FROM t;", v, VarsDirective::raw) == "SELECT a, b FROM t;");
    auto [code, message] = refusal("SELECT\n :cols FROM t;", v);
    CHECK(code == ExitCode::usage);
    CHECK(message == "migrations/1_x.sql:3: :cols would put the value in as it is (raw SQL)");
  }
  TEST_CASE("an unset variable names the file and line") {
    auto [code, message] = refusal("SELECT 1;\nSELECT :'missing';", vars({}));
    CHECK(code == ExitCode::usage);
    CHECK(message == "migrations/1_x.sql:3: variable 'missing' is not set");
  }
  TEST_CASE("refuses a NUL byte, text that is not UTF-8 and an empty identifier") {
    Variables v;
    v.values["z"] = VariableValue{std::string("a\0b", 3), "--var", false};
    v.values["l"] = VariableValue{"caf\xE9", "--var", false};
    v.values["e"] = VariableValue{"", "--var", false};
    CHECK(
        refusal("SELECT :'z'", v).second ==
        "migrations/1_x.sql:2: variable 'z' (from --var) holds a NUL byte, which SQL text cannot");
    CHECK(refusal("SELECT :'l'", v).first == ExitCode::usage);
    CHECK(refusal("SELECT :\"e\"", v).first == ExitCode::usage);
    CHECK(sub("SELECT :'e'", v) == "SELECT ''");
  }
  TEST_CASE("masks secrets for --dry-run") {
    Variables v = vars({{"api_token", "s3cr3t"}, {"name", "visible"}});
    CHECK(sub("SELECT :'api_token', :'name';", v, VarsDirective::quoted, true) ==
          "SELECT '****', 'visible';");
    CHECK(secret_name("DB_PASSWORD"));
    CHECK(secret_name("signing_key"));
    CHECK_FALSE(secret_name("schema"));
  }
  TEST_CASE("off unless the header or vars_enabled turns it on") {
    MigrationFile plain = parse_native("migrations/1_a.sql", "-- migrate:up\nSELECT :x;\n");
    MigrationFile quoted =
        parse_native("migrations/2_b.sql", "-- agentpg: vars\n-- migrate:up\nSELECT :'x';\n");
    MigrationFile raw =
        parse_native("migrations/3_c.sql", "--agentpg:  vars raw\n-- migrate:up\nSELECT :x;\n");
    Variables v = vars({{"x", "1"}});
    CHECK(directive_for(plain, v) == VarsDirective::none);
    CHECK(substitute(plain.up, directive_for(plain, v), v, false) == "SELECT :x;\n");
    CHECK(directive_for(quoted, v) == VarsDirective::quoted);
    CHECK(directive_for(raw, v) == VarsDirective::raw);
    v.everywhere = true;
    CHECK(directive_for(plain, v) == VarsDirective::quoted);
  }
}
