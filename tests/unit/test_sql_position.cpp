#include <doctest/doctest.h>

#include "sql/position.hpp"

using agentpg::sql::locate;
using agentpg::sql::Source;

TEST_SUITE("sql::position") {
  TEST_CASE("a server position counts characters, and the column counts them too") {
    std::string text = "SELECT 1;\n-- café\nSELECT 'é', nope;\n";
    size_t second = text.find("-- café");
    // The second statement as the server sees it is "-- café\nSELECT 'é', nope;": "nope" is
    // its 21st character, on the text's third line (the file's fifth), 13th character.
    CHECK(locate(Source{text, "m.sql", 3}, second, text.size() - second, 21) == "m.sql:5:13");
  }

  TEST_CASE("without a position the statement's first word is named, past comments and blanks") {
    std::string text = "SELECT 1;\n\n  /* a\n comment */ -- more\n  DROP TABLE t;\n";
    size_t second = text.find(";") + 1;
    CHECK(locate(Source{text, "m.sql", 1}, second, text.size() - second, 0) == "m.sql:5:3");
  }

  TEST_CASE("a position past the statement's end stays inside the text") {
    std::string text = "SELECT 1";
    CHECK(locate(Source{text, "f.sql", 7}, 0, text.size(), 400) == "f.sql:7:9");
  }
}
