#include <doctest/doctest.h>

#include "core/error.hpp"
#include "scratch_folder.hpp"
#include "seed/files.hpp"

using namespace agentpg::seed;

namespace {

std::string error_of(const char* text) {
  try {
    parse_yaml_seed("seeds/dev/x.yaml", text);
  } catch (const agentpg::core::Error& e) {
    CHECK(e.code() == agentpg::core::ExitCode::validation);
    return e.what();
  }
  return "no error";
}

} // namespace

TEST_SUITE("seed::files") {
  TEST_CASE("reads table, key and rows with scalars, JSON, lists and references") {
    SeedFile f = parse_yaml_seed(
        "seeds/dev/x.yaml", "table: caracal.agent_identities\n"
                            "key: [name]\n"
                            "rows:\n"
                            "  - name: root\n"
                            "    metadata: {tier: root, n: 1, ok: true, none: null, s: \"1\"}\n"
                            "    tags: [a, \"b,c\"]\n"
                            "    parent: {$ref: caracal.agent_identities, name: boss}\n"
                            "    empty: ~\n");
    CHECK(f.table == "caracal.agent_identities");
    CHECK(f.key == std::vector<std::string>{"name"});
    REQUIRE(f.rows.size() == 1);
    const SeedRow& r = f.rows[0];
    CHECK(r.line == 4);
    CHECK(r.values[0].second.kind == SeedValue::Kind::scalar);
    CHECK(r.values[1].second.text == R"({"tier":"root","n":1,"ok":true,"none":null,"s":"1"})");
    CHECK(r.values[2].second.is_list);
    CHECK(r.values[2].second.items == std::vector<std::string>{"a", "b,c"});
    CHECK(r.values[3].second.kind == SeedValue::Kind::reference);
    CHECK(r.values[3].second.ref_table == "caracal.agent_identities");
    CHECK(r.values[3].second.ref_key ==
          std::vector<std::pair<std::string, std::string>>{{"name", "boss"}});
    CHECK(r.values[4].second.kind == SeedValue::Kind::null);
  }

  TEST_CASE("an alias stands for a copy of its anchored value") {
    SeedFile f = parse_yaml_seed("seeds/dev/x.yaml", "table: a.b\n"
                                                     "defaults: &d {tier: [x, \"y\"], n: 1}\n"
                                                     "rows:\n"
                                                     "  - &r {name: one, meta: *d}\n"
                                                     "  - *r\n");
    REQUIRE(f.rows.size() == 2);
    for (const SeedRow& r : f.rows) {
      REQUIRE(r.values.size() == 2);
      CHECK(r.values[0].second.text == "one");
      CHECK(r.values[1].second.text == R"({"tier":["x","y"],"n":1})");
    }
  }

  TEST_CASE("names file, line and column of malformed seeds") {
    CHECK(error_of("") == "seeds/dev/x.yaml:1:1: expected 'table:' and 'rows:'");
    CHECK(error_of("table: {a: b}\nrows: []\n") ==
          "seeds/dev/x.yaml:1:8: 'table' must be a single value: schema.table");
    CHECK(error_of("table: a.b\nrows:\n  - {[a]: 1}\n") ==
          "seeds/dev/x.yaml:3:6: a key must be a single value");
    CHECK(error_of("table: a.b\nrows:\n  - {id: *nope}\n") ==
          "seeds/dev/x.yaml:3:10: the referenced anchor is not defined");
    CHECK(error_of("table: a.b\nrows:\n  - {x: [1,\n").rfind("seeds/dev/x.yaml:4:1: ", 0) == 0);
    CHECK(error_of("rows: []\n") == "seeds/dev/x.yaml:1:1: expected 'table:' and 'rows:'");
    CHECK(error_of("table: users\nrows: []\n") ==
          "seeds/dev/x.yaml:1:8: table 'users' needs its schema (schema.table)");
    CHECK(error_of("table: a.b\nkey: [id]\nrows:\n  - {name: x}\n") ==
          "seeds/dev/x.yaml:4:5: this row has no value for the key column 'id'");
    CHECK(error_of("table: a.b\nrows:\n  - just a string\n") ==
          "seeds/dev/x.yaml:3:5: each row must be a map of column: value");
    CHECK(error_of("table: a.b\nrows:\n  - {p: {$ref: a.b}}\n") ==
          "seeds/dev/x.yaml:3:9: a $ref needs at least one column to find the row by");
  }

  TEST_CASE("aliases that expand beyond a bound are refused, naming file and line") {
    std::string text = "table: public.t\nrows:\n  - id: 1\n    a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n";
    for (int level = 1; level <= 9; ++level) {
      std::string prev = "*a" + std::to_string(level - 1);
      text += "    a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
      for (int k = 0; k < 10; ++k) {
        text += (k ? "," : "") + prev;
      }
      text += "]\n";
    }
    std::string error = error_of(text.c_str());
    CHECK(error.rfind("seeds/dev/x.yaml:", 0) == 0);
    CHECK(error.find("aliases expand to more than 1000000 values") != std::string::npos);
  }

  TEST_CASE("a byte that is not UTF-8 is refused with its place, not stored as U+FFFD") {
    CHECK(error_of("table: a.b\nrows:\n  - meta: {note: \"caf\xe9\"}\n") ==
          "seeds/dev/x.yaml:3:22: the file is not UTF-8 (the byte \\xE9)");
    CHECK(error_of("table: a.b\nrows:\n  - name: \xc0\xaf\n")
              .rfind("seeds/dev/x.yaml:3:11: the file is not UTF-8", 0) == 0);
    SeedFile f = parse_yaml_seed("seeds/dev/x.yaml", "table: a.b\nrows:\n  - name: caf\xc3\xa9\n");
    CHECK(f.rows.size() == 1);
  }

  TEST_CASE("a key given twice in a map is an error at the second, not last-wins") {
    CHECK(error_of("table: a.b\nrows:\n  - {name: x, name: y}\n") ==
          "seeds/dev/x.yaml:3:15: duplicate key 'name' (first at line 3): a key may appear once "
          "in a map; remove one of them");
    CHECK(error_of("table: a.b\nrows:\n  - n: 1\n    meta: {a: 1,\n      a: 2}\n") ==
          "seeds/dev/x.yaml:5:7: duplicate key 'a' (first at line 4): a key may appear once in a "
          "map; remove one of them");
    CHECK(error_of("table: a.b\nrows: []\ntable: c.d\n")
              .rfind("seeds/dev/x.yaml:3:1: duplicate key 'table' (first at line 1)", 0) == 0);
  }

  TEST_CASE("a very long number is read as a number, not a crash") {
    std::string digits(60000, '7');
    SeedFile f = parse_yaml_seed("seeds/dev/x.yaml", "table: a.b\nrows:\n  - n: [" + digits +
                                                         "]\n    m: 1.5e3\n    z: 012\n");
    REQUIRE(f.rows.size() == 1);
    CHECK(f.rows[0].values[0].second.items == std::vector<std::string>{digits});
  }
}

namespace {

using Files = std::vector<std::pair<std::string, std::string>>;

// The rows of a seed folder's only file, as loading reads them (from the file, streamed).
std::vector<SeedRow> streamed_rows(const std::string& dir, SeedFile* file = nullptr) {
  std::vector<SeedFile> files = load_seed_files(dir);
  REQUIRE(files.size() == 1);
  CHECK(files[0].streamed);
  CHECK(files[0].rows.empty());
  std::vector<SeedRow> rows;
  stream_yaml_rows(files[0], [&](SeedRow&& row) { rows.push_back(std::move(row)); });
  if (file != nullptr) {
    *file = files[0];
  }
  return rows;
}

std::string load_error(const std::string& dir) {
  try {
    streamed_rows(dir);
  } catch (const agentpg::core::Error& e) {
    CHECK(e.code() == agentpg::core::ExitCode::validation);
    return e.what();
  }
  return "no error";
}

} // namespace

TEST_SUITE("seed::files (streamed)") {
  TEST_CASE("a seed folder's YAML rows are read from the file as parse_yaml_seed reads them") {
    std::string text = "table: caracal.agent_identities\nkey: [name]\nrows:\n"
                       "  - {name: a, meta: {n: 1}, tags: [x, y]}\n"
                       "  - name: b\n    parent: {$ref: caracal.agent_identities, name: a}\n";
    agentpg::test::ScratchFolder dir(Files{{"10_x.yaml", text}});
    SeedFile streamed;
    std::vector<SeedRow> rows = streamed_rows(dir.path, &streamed);
    SeedFile parsed = parse_yaml_seed(dir.path + "/10_x.yaml", text);
    CHECK(streamed.table == parsed.table);
    CHECK(streamed.key == parsed.key);
    CHECK(streamed.checksum == parsed.checksum);
    REQUIRE(rows.size() == parsed.rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      CHECK(rows[i].line == parsed.rows[i].line);
      REQUIRE(rows[i].values.size() == parsed.rows[i].values.size());
      for (size_t v = 0; v < rows[i].values.size(); ++v) {
        CHECK(rows[i].values[v].first == parsed.rows[i].values[v].first);
        CHECK(rows[i].values[v].second.text == parsed.rows[i].values[v].second.text);
      }
    }
  }

  TEST_CASE("table and key may come after the rows") {
    agentpg::test::ScratchFolder dir(
        Files{{"10_x.yaml", "rows:\n  - {id: 1}\n  - {id: 2}\nkey: [id]\ntable: a.b\n"}});
    SeedFile f;
    std::vector<SeedRow> rows = streamed_rows(dir.path, &f);
    CHECK(f.table == "a.b");
    CHECK(f.key == std::vector<std::string>{"id"});
    CHECK(rows.size() == 2);
    CHECK(error_of("rows:\n  - {id: 1}\n  - {name: x}\nkey: [id]\ntable: a.b\n") ==
          "seeds/dev/x.yaml:3:5: this row has no value for the key column 'id'");
    CHECK(error_of("rows:\n  - {id: 1}\nkey: [id]\n") ==
          "seeds/dev/x.yaml:1:1: expected 'table:' and 'rows:'");
  }

  TEST_CASE("an error in a row is found as the rows are loaded, naming file and line") {
    agentpg::test::ScratchFolder dir(
        Files{{"10_x.yaml", "table: a.b\nkey: [id]\nrows:\n  - {id: 1}\n  - {name: x}\n"}});
    CHECK(load_error(dir.path) ==
          dir.path + "/10_x.yaml:5:5: this row has no value for the key column 'id'");
    agentpg::test::ScratchFolder syntax(
        Files{{"10_x.yaml", "table: a.b\nkey: [id]\nrows:\n  - {id: 1}\n  - {id: [2\n"}});
    CHECK(load_error(syntax.path).rfind(syntax.path + "/10_x.yaml:6:1: ", 0) == 0);
    agentpg::test::ScratchFolder header(
        Files{{"10_x.yaml", "table: users\nkey: [id]\nrows: []\n"}});
    CHECK_THROWS_WITH(load_seed_files(header.path),
                      (header.path + "/10_x.yaml:1:8: table 'users' needs its schema "
                                     "(schema.table)")
                          .c_str());
  }

  TEST_CASE("a byte that is not UTF-8 far into a large file is found at its line and column") {
    std::string text = "table: a.b\nkey: [id]\nrows:\n";
    for (int i = 0; i < 5000; ++i) {
      text += "  - {id: " + std::to_string(i) + ", note: \"caf\xc3\xa9 \xe2\x82\xac\"}\n";
    }
    int bad_line = 3 + 5000 + 1;
    text += "  - {id: x, note: \"caf\xe9\"}\n";
    agentpg::test::ScratchFolder dir(Files{{"10_x.yaml", text}});
    CHECK(load_error(dir.path) == dir.path + "/10_x.yaml:" + std::to_string(bad_line) +
                                      ":23: the file is not UTF-8 (the byte \\xE9)");
    CHECK(error_of(text.c_str()) == "seeds/dev/x.yaml:" + std::to_string(bad_line) +
                                        ":23: the file is not UTF-8 (the byte \\xE9)");
  }

  TEST_CASE("a file changed between reading its header and loading its rows is refused") {
    agentpg::test::ScratchFolder dir(
        Files{{"10_x.yaml", "table: a.b\nkey: [id]\nrows:\n  - {id: 1}\n"}});
    std::vector<SeedFile> files = load_seed_files(dir.path);
    dir.write("10_x.yaml", "table: a.b\nkey: [id]\nrows:\n  - {id: 2}\n");
    CHECK_THROWS_WITH(
        stream_yaml_rows(files[0], [](SeedRow&&) {}),
        (dir.path + "/10_x.yaml: the file changed while it was being seeded").c_str());
  }
}
