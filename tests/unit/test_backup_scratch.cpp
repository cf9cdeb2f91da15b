#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "backup/scratch.hpp"

using agentpg::backup::row_count_differences;
using agentpg::backup::side_database_name;
using agentpg::pg::TableRows;
using Lines = std::vector<std::string>;

TEST_SUITE("backup::scratch") {
  TEST_CASE("a side database is named after the target, the tag and the hex digits") {
    CHECK(side_database_name("app_dev", "restore", "0a1b2c3d") == "app_dev_restore_0a1b2c3d");
    CHECK(side_database_name("", "verify", "ffffffff") == "_verify_ffffffff");
  }

  TEST_CASE("a long target is cut so that the name fits PostgreSQL's 63 bytes") {
    std::string long_name(80, 'a');
    std::string name = side_database_name(long_name, "restore", "0a1b2c3d");
    CHECK(name.size() == 63);
    CHECK(name == std::string(46, 'a') + "_restore_0a1b2c3d");
    // Exactly at the limit: nothing cut.
    CHECK(side_database_name(std::string(46, 'b'), "restore", "0a1b2c3d").size() == 63);
  }

  TEST_CASE("a long target is never cut inside a UTF-8 character") {
    // 'é' is two bytes: 23 of them (46 bytes) fit; a 45-byte cut would split one.
    std::string e_acute = "\xc3\xa9";
    std::string target = "x";
    for (int i = 0; i < 30; ++i) {
      target += e_acute;
    }
    std::string name = side_database_name(target, "restore", "0a1b2c3d");
    CHECK(name.size() == 62);
    std::string kept = name.substr(0, name.size() - std::string("_restore_0a1b2c3d").size());
    CHECK(kept == target.substr(0, 45));
    CHECK((static_cast<unsigned char>(kept.back()) & 0xC0) == 0x80); // ends on a whole é
  }

  TEST_CASE("random names differ and fit") {
    std::string a = side_database_name(std::string(100, 'z'), "old");
    std::string b = side_database_name(std::string(100, 'z'), "old");
    CHECK(a != b);
    CHECK(a.size() == 63);
  }

  TEST_CASE("row counts that agree give no differences, in any order") {
    std::vector<TableRows> recorded = {{"public", "a", 3}, {"caracal", "b", 0}};
    std::vector<TableRows> restored = {{"caracal", "b", 0}, {"public", "a", 3}};
    CHECK(row_count_differences(recorded, restored).empty());
    CHECK(row_count_differences({}, {}).empty());
  }

  TEST_CASE("each differing, missing or extra table is one line") {
    std::vector<TableRows> recorded = {
        {"public", "a", 3}, {"public", "gone", 5}, {"Odd Schema", "t.x", 1}};
    std::vector<TableRows> restored = {
        {"public", "a", 2}, {"public", "new", 7}, {"Odd Schema", "t.x", 1}};
    CHECK(row_count_differences(recorded, restored) ==
          Lines{"public.a: 3 rows in the manifest, 2 restored",
                "public.gone: 5 rows in the manifest, no such table restored",
                "public.new: 7 rows restored, a table the manifest does not list"});
  }

  TEST_CASE("tables are told apart by schema and name, not by their dotted text") {
    std::vector<TableRows> recorded = {{"a.b", "c", 1}};
    std::vector<TableRows> restored = {{"a", "b.c", 1}};
    CHECK(row_count_differences(recorded, restored).size() == 2);
  }
}
