#include <doctest/doctest.h>

#include <fstream>

#include "core/error.hpp"
#include "migrate/files.hpp"
#include "scratch_folder.hpp"

using namespace agentpg::migrate;

namespace {

std::string parse_error(const std::string& text) {
  try {
    parse_native("migrations/001_x.sql", text);
  } catch (const agentpg::core::Error& e) {
    CHECK(e.code() == agentpg::core::ExitCode::validation);
    return e.what();
  }
  return "no error";
}

using Tree = agentpg::test::ScratchFolder;

std::string load_error(const Tree& tree, const std::vector<std::string>& modules = {}) {
  try {
    load_migrations(tree.path, modules);
  } catch (const agentpg::core::Error& e) {
    return e.what();
  }
  return "no error";
}

} // namespace

TEST_SUITE("migrate::files") {
  TEST_CASE("reads the up and down sections with their first lines and options") {
    MigrationFile m = parse_native("migrations/20240101120000_create_agents.sql",
                                   "-- a comment before the marker is fine\n"
                                   "\n"
                                   "-- migrate:up transaction:false\n"
                                   "CREATE INDEX CONCURRENTLY i ON t (c);\n"
                                   "-- migrate:down\n"
                                   "DROP INDEX i;\n");
    CHECK(m.version == "20240101120000");
    CHECK(m.name == "create_agents");
    CHECK(m.up.present);
    CHECK_FALSE(m.up.transactional);
    CHECK(m.up.first_line == 4);
    CHECK(m.up.sql == "CREATE INDEX CONCURRENTLY i ON t (c);\n");
    CHECK(m.down.transactional);
    CHECK(m.down.first_line == 6);
    CHECK(m.down.sql == "DROP INDEX i;\n");
  }

  TEST_CASE("an empty down section is a deliberate no-op, a missing one is absent") {
    CHECK(parse_native("m/1_a.sql", "-- migrate:up\nSELECT 1;\n-- migrate:down\n").down.present);
    CHECK_FALSE(parse_native("m/1_a.sql", "-- migrate:up\nSELECT 1;\n").down.present);
  }

  TEST_CASE("rejects every malformed file, naming file and line") {
    CHECK(parse_error("") ==
          "migrations/001_x.sql:1: the file is empty: no '-- migrate:up' section");
    CHECK(parse_error("SELECT 1;\n") == "migrations/001_x.sql:1: SQL before '-- migrate:up'");
    CHECK(parse_error("-- hello\nCREATE TABLE t ();\n-- migrate:up\n") ==
          "migrations/001_x.sql:2: SQL before '-- migrate:up'");
    CHECK(parse_error("-- migrate:down\nDROP TABLE t;\n-- migrate:up\nCREATE TABLE t();\n") ==
          "migrations/001_x.sql:3: '-- migrate:up' comes after '-- migrate:down'");
    CHECK(parse_error("-- just a comment\n") ==
          "migrations/001_x.sql:1: no '-- migrate:up' section");
    CHECK(parse_error("-- migrate:up\nA;\n-- migrate:up\nB;\n") ==
          "migrations/001_x.sql:3: a second '-- migrate:up' marker");
    CHECK(parse_error("-- migrate:up transaction:maybe\n") ==
          "migrations/001_x.sql:1: unknown option 'transaction:maybe' on the marker line");
    CHECK(parse_error("-- migrate:up\nSELECT 'ok';\nSELECT '\xff\xfe';\n") ==
          "migrations/001_x.sql:3: the file is not valid UTF-8");
  }

  TEST_CASE("the checksum ignores CRLF line ends and a UTF-8 BOM, nothing else") {
    std::string lf = "-- migrate:up\nCREATE TABLE t ();\n";
    CHECK(content_checksum(lf) ==
          content_checksum("\xEF\xBB\xBF-- migrate:up\r\nCREATE TABLE t ();\r\n"));
    CHECK(content_checksum(lf) != content_checksum("-- migrate:up\nCREATE TABLE t  ();\n"));
    CHECK(parse_native("m/1_a.sql", "\xEF\xBB\xBF-- migrate:up\r\nSELECT 1;\r\n").up.present);
  }

  TEST_CASE("parses a huge file in one pass") {
    std::string text = "-- migrate:up\n";
    for (int i = 0; i < 200000; ++i) {
      text += "INSERT INTO t VALUES (" + std::to_string(i) + ");\n";
    }
    text += "-- migrate:down\nDELETE FROM t;\n";
    MigrationFile m = parse_native("m/1_big.sql", text);
    CHECK(m.down.first_line == 200003);
    CHECK(m.up.sql.size() > 5000000);
  }

  TEST_CASE("versions without their leading zeros") {
    CHECK(normalise_version("000123_x") == "123");
    CHECK(normalise_version("0000") == "0");
    CHECK(normalise_version("00000000000000") == "0");
    CHECK(normalise_version("x1").empty());
  }

  TEST_CASE("sequence numbers compare as numbers and come before timestamps") {
    CHECK(version_less("9", "10"));
    CHECK_FALSE(version_less("10", "9"));
    CHECK(version_less("0", "1"));
    CHECK(version_less("2", "10"));
    CHECK(
        version_less("9999999999999", "10000000000000")); // 13 digits: the largest sequence number
    CHECK(version_less("1700000000", "20260120162913"));  // Unix seconds before timestamps
    CHECK(version_less("1700000000000", "20260120162913")); // Unix milliseconds too
    CHECK_FALSE(version_less("20260120162913", "1700000000"));
  }

  TEST_CASE("timestamps compare digit by digit, whatever their length") {
    // diesel 2.2's YYYY-MM-DD-HHMMSS-0000 among diesel's YYYY-MM-DD-HHMMSS: chronological
    CHECK(version_less("202511190914440000", "20260120162913"));
    CHECK_FALSE(version_less("20260120162913", "202511190914440000"));
    CHECK(version_less("20260120162913", "202601201629130000"));
    CHECK(version_less("202601201629130000", "202601201629130001"));
    CHECK(version_less("202601201629130001", "20260120162914"));
    // Unix nanoseconds (19 digits) among themselves: as numbers
    CHECK(version_less("1700000000000000000", "1700000000000000001"));
    CHECK(version_less("1799999999999999999", "1800000000000000000"));
  }

  TEST_CASE("the version order is a strict total order on normalised versions") {
    std::vector<std::string> versions = {"0",
                                         "1",
                                         "2",
                                         "10",
                                         "99",
                                         "1700000000",
                                         "9999999999999",
                                         "10000000000000",
                                         "20251119091444",
                                         "202511190914440000",
                                         "20260120162913",
                                         "202601201629130000",
                                         "2026012016291300",
                                         "20260120162914",
                                         "1700000000000000000",
                                         "99999999999999999999"};
    for (const auto& a : versions) {
      CHECK_FALSE(version_less(a, a));
      for (const auto& b : versions) {
        // Asymmetric, and two different versions are never equivalent.
        CHECK_FALSE((version_less(a, b) && version_less(b, a)));
        CHECK((a == b || version_less(a, b) || version_less(b, a)));
        for (const auto& c : versions) {
          if (version_less(a, b) && version_less(b, c)) {
            CHECK(version_less(a, c));
          }
        }
      }
    }
  }

  TEST_CASE("each tool's own folders load in that tool's order, versions kept as written") {
    auto order = [](const std::vector<MigrationFile>& all) {
      std::vector<std::string> out;
      for (const auto& m : all) {
        out.push_back(shown_version(m));
      }
      return out;
    };
    using V = std::vector<std::string>;

    Tree diesel; // diesel orders its versions as text
    for (const char* folder :
         {"00000000000000_diesel_initial_setup", "2025-11-19-091444-0000_y", "2026-01-20-162913_x",
          "2025-12-01-080000_w", "2026-01-20-162913-0000_v"}) {
      diesel.write(std::string(folder) + "/up.sql", "SELECT 1;\n");
    }
    std::vector<MigrationFile> d = load_migrations(diesel.path, {});
    CHECK(order(d) == V{"00000000000000", "202511190914440000", "20251201080000", "20260120162913",
                        "202601201629130000"});
    CHECK(d[0].version == "0");
    CHECK(d[1].version == "202511190914440000");
    CHECK(d[1].name == "y");

    Tree golang; // golang-migrate orders its versions as numbers
    for (const char* stem : {"10_c", "2_b", "1_a", "000011_d"}) {
      golang.write(std::string(stem) + ".up.sql", "SELECT 1;\n");
    }
    CHECK(order(load_migrations(golang.path, {})) == V{"1", "2", "10", "000011"});
    Tree unix_seconds;
    for (const char* stem : {"1700000000_a", "999999999_b", "1700000001_c"}) {
      unix_seconds.write(std::string(stem) + ".up.sql", "SELECT 1;\n");
    }
    CHECK(order(load_migrations(unix_seconds.path, {})) ==
          V{"999999999", "1700000000", "1700000001"});

    Tree dbmate; // dbmate orders its versions as text
    for (const char* stem :
         {"20260120162913_b", "00000000000000_init", "20251119091444_a", "20260120162914_c"}) {
      dbmate.write(std::string(stem) + ".sql", "-- migrate:up\nSELECT 1;\n");
    }
    CHECK(order(load_migrations(dbmate.path, {})) ==
          V{"00000000000000", "20251119091444", "20260120162913", "20260120162914"});
  }

  TEST_CASE("a version is shown as written") {
    MigrationFile m = parse_native("m/00000000000000_init.sql", "-- migrate:up\n");
    CHECK(m.version == "0");
    CHECK(m.written_version == "00000000000000");
    CHECK(shown_version({m}, "0") == "00000000000000");
    CHECK(shown_version({m}, "5") == "5"); // a history row without its file
  }

  TEST_CASE(
      "loads native, golang-migrate and diesel layouts, flat or in modules, in one version order") {
    Tree tree;
    tree.write("3_native.sql", "-- migrate:up\nSELECT 3;\n-- migrate:down\n");
    tree.write("core/1_pair.up.sql", "SELECT 1;\n");
    tree.write("core/1_pair.down.sql", "SELECT -1;\n");
    tree.write("core/10_only_up.up.sql", "SELECT 10;\n");
    tree.write("app/2021-08-17-210508_with space/up.sql", "SELECT 2;\n");
    tree.write("app/2021-08-17-210508_with space/down.sql", "SELECT -2;\n");
    tree.write("app/2021-08-17-210508_with space/metadata.toml", "run_in_transaction = false\n");
    tree.write("app/00000000000000_diesel_initial_setup/up.sql", "SELECT 0;\n");
    tree.write("app/README.md", "not a migration\n");
    std::vector<MigrationFile> all = load_migrations(tree.path, {});
    REQUIRE(all.size() == 5);
    CHECK(all[0].version == "0");
    CHECK(all[0].name == "diesel_initial_setup");
    CHECK(all[1].version == "1");
    CHECK(all[1].layout == Layout::golang_migrate);
    CHECK(all[1].down.sql == "SELECT -1;\n");
    CHECK(all[1].module == "core");
    CHECK(all[2].version == "3");
    CHECK(all[2].module == "");
    CHECK(all[3].version == "10");
    CHECK_FALSE(all[3].down.present);
    CHECK(all[4].version == "20210817210508");
    CHECK(all[4].name == "with space");
    CHECK(all[4].layout == Layout::diesel);
    CHECK_FALSE(all[4].up.transactional);
    CHECK(all[4].module == "app");

    std::vector<MigrationFile> core_only = load_migrations(tree.path, {"core"});
    CHECK(core_only.size() == 3);
    CHECK(load_error(tree, {"nope"}) == "module 'nope' has no folder in " + tree.path);
  }

  TEST_CASE("rejects duplicate versions and lone down files") {
    Tree tree;
    tree.write("a/5_one.sql", "-- migrate:up\nSELECT 1;\n");
    tree.write("b/005_two.sql", "-- migrate:up\nSELECT 2;\n");
    CHECK(load_error(tree) == tree.path + "/b/005_two.sql:1: version 005 is also used by " +
                                  tree.path + "/a/5_one.sql");
    Tree pairs;
    pairs.write("7_x.down.sql", "SELECT 1;\n");
    CHECK(load_error(pairs) ==
          pairs.path + "/7_x.down.sql:1: '7_x.down.sql' has no '7_x.up.sql' beside it");
    CHECK(load_error(Tree()).find("no error") == 0);
  }
}
