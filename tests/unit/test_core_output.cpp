#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "core/output.hpp"
#include "pg/tools.hpp"

using agentpg::core::fit_width;
using agentpg::core::format_table;

namespace {

size_t widest_line(const std::string& text) {
  size_t widest = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end - start);
    size_t width = 0;
    for (unsigned char c : line) {
      width += (c & 0xC0) != 0x80 ? 1 : 0;
    }
    widest = std::max(widest, width);
    start = end + 1;
  }
  return widest;
}

} // namespace

TEST_SUITE("core::output") {
  TEST_CASE("text longer than the width ends with an ellipsis in the last column") {
    CHECK(fit_width("short", 10) == "short");
    CHECK(fit_width("exactly10!", 10) == "exactly10!");
    CHECK(fit_width("eleven cols", 10) == "eleven co…");
    CHECK(fit_width("naïve café au lait", 8) == "naïve c…");
    // A colour cut off is closed.
    CHECK(fit_width("\033[32mapplied today\033[0m", 8) == "\033[32mapplied…\033[0m");
  }

  TEST_CASE("a table wider than the width has its widest column narrowed") {
    std::vector<std::vector<std::string>> rows = {
        {"version", "name", "status"},
        {"20240101000000", "create_a_table_with_a_very_long_name_indeed", "applied"},
        {"20240102000000", "short", "pending"}};
    std::string full = format_table(rows);
    CHECK(widest_line(full) == 14 + 2 + 43 + 2 + 7);
    CHECK(format_table(rows, 0) == full);
    CHECK(format_table(rows, 200) == full);
    std::string fitted = format_table(rows, 50);
    CHECK(widest_line(fitted) == 50);
    CHECK(fitted == "version         name                       status\n"
                    "20240101000000  create_a_table_with_a_ve…  applied\n"
                    "20240102000000  short                      pending\n");
  }

  TEST_CASE("columns are not narrowed below eight columns, even when the line stays long") {
    std::vector<std::vector<std::string>> rows = {{"aaaaaaaaaaaa", "bbbbbbbbbbbb", "cccccccccccc"}};
    CHECK(format_table(rows, 20) == "aaaaaaa…  bbbbbbb…  ccccccc…\n");
  }

  TEST_CASE("progress and table widths are off when the streams are not terminals") {
    agentpg::core::Output out({}, stdout, stderr); // ctest runs it with pipes
    CHECK_FALSE(out.shows_progress());
    CHECK(out.table_width() == 0);
  }

  TEST_CASE("CI is recognised by the CI variable, unless it says false") {
    setenv("CI", "true", 1);
    CHECK(agentpg::core::in_ci());
    setenv("CI", "false", 1);
    CHECK_FALSE(agentpg::core::in_ci());
    setenv("CI", "", 1);
    CHECK_FALSE(agentpg::core::in_ci());
    unsetenv("CI");
    CHECK_FALSE(agentpg::core::in_ci());
  }
}

TEST_SUITE("pg::tools restore items") {
  TEST_CASE("the items of an archive are its listed lines that are not comments") {
    CHECK(agentpg::pg::listed_items(";\n; Archive created at 2026\n;\n214; 1259 16384 TABLE public "
                                    "a postgres\n3346; 0 16384 TABLE DATA public a postgres\n") ==
          2);
  }

  TEST_CASE("pg_restore --verbose begins an item with creating, processing data or executing") {
    using agentpg::pg::restore_item;
    CHECK(restore_item("pg_restore: creating TABLE \"public.a\"") == "creating TABLE \"public.a\"");
    CHECK(restore_item("pg_restore: processing data for table \"public.a\"") ==
          "processing data for table \"public.a\"");
    CHECK(restore_item("pg_restore: executing SEQUENCE SET s") == "executing SEQUENCE SET s");
    CHECK(restore_item("pg_restore: processing item 214 TABLE a") == "");
    CHECK(restore_item("pg_restore: launching item 3346 TABLE DATA a") == "");
    CHECK(restore_item("pg_restore: error: could not execute query") == "");
  }

  TEST_CASE("a failure reads as it would without --verbose") {
    CHECK(agentpg::pg::without_verbose_lines(
              "pg_restore: connecting to database for restore\n"
              "pg_restore: creating TABLE \"public.a\"\n"
              "pg_restore: while PROCESSING TOC:\n"
              "pg_restore: from TOC entry 214; 1259 16384 TABLE a postgres\n"
              "pg_restore: error: could not execute query: ERROR:  relation \"a\" already exists\n"
              "Command was: CREATE TABLE public.a (\n"
              "    id integer NOT NULL\n);\n") ==
          "pg_restore: while PROCESSING TOC:\n"
          "pg_restore: from TOC entry 214; 1259 16384 TABLE a postgres\n"
          "pg_restore: error: could not execute query: ERROR:  relation \"a\" already exists\n"
          "Command was: CREATE TABLE public.a (\n"
          "    id integer NOT NULL\n);\n");
  }
}
