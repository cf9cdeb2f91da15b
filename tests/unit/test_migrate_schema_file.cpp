#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "migrate/schema_file.hpp"

using agentpg::core::Error;
using agentpg::migrate::applied_entries;
using agentpg::migrate::AppliedMigration;
using agentpg::migrate::compose_schema_file;
using agentpg::migrate::parse_schema_file;
using agentpg::migrate::SchemaEntry;
using agentpg::pg::HistoryStatus;

TEST_SUITE("migrate::schema_file") {
  TEST_CASE("the applied migrations are listed in version order, failed ones left out") {
    std::vector<AppliedMigration> history(3);
    history[0].version = "20240102000000";
    history[0].name = "b";
    history[1].version = "20240101000000";
    history[1].name = "a";
    history[2].version = "20240103000000";
    history[2].status = HistoryStatus::failed;
    std::vector<SchemaEntry> entries = applied_entries(history);
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].name == "a");
    CHECK(entries[1].name == "b");
  }

  TEST_CASE("a composed file reads back: its SQL and its migrations, odd names included") {
    std::vector<SchemaEntry> applied = {{"1", "", "first", "aa"},
                                        {"20240101000000", "my mod", "50% done", "bb"}};
    std::string text = compose_schema_file("SET x = 1;\n\nCREATE TABLE t ();\n", applied);
    CHECK(text.find("-- migration 1 - first aa\n") != std::string::npos);
    CHECK(text.find("-- migration 20240101000000 my%20mod 50%25%20done bb\n") != std::string::npos);
    agentpg::migrate::SchemaFile file = parse_schema_file(text, "schema.sql");
    REQUIRE(file.applied.size() == 2);
    CHECK(file.applied[0].module == "");
    CHECK(file.applied[1].module == "my mod");
    CHECK(file.applied[1].name == "50% done");
    CHECK(file.applied[1].checksum == "bb");
    CHECK(file.sql.find("CREATE TABLE t ();\n") != std::string::npos);
    CHECK(file.sql.find("agentpg: applied migrations") == std::string::npos);
  }

  TEST_CASE("a file without the list is not a schema file (exit 5)") {
    CHECK_THROWS_WITH_AS(parse_schema_file("CREATE TABLE t ();\n", "plain.sql"),
                         "plain.sql is not a schema file written by agentpg: it lacks the line "
                         "'-- agentpg: applied migrations (read by 'agentpg load')'",
                         Error);
  }

  TEST_CASE("a malformed migration line names the file and the line") {
    std::string text = compose_schema_file("", {{"1", "", "a", "aa"}});
    text += "-- migration x - b cc\n";
    size_t line = 0;
    for (char c : text) {
      line += c == '\n' ? 1 : 0;
    }
    CHECK_THROWS_WITH_AS(parse_schema_file(text, "schema.sql"),
                         ("schema.sql:" + std::to_string(line) +
                          ": a malformed migration line: '-- migration x - b cc'")
                             .c_str(),
                         Error);
  }
}
