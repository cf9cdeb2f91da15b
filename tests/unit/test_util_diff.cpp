#include <doctest/doctest.h>

#include "util/diff.hpp"

using agentpg::util::unified_diff;

TEST_SUITE("util::diff") {
  TEST_CASE("equal texts have no diff") {
    CHECK(unified_diff("a\nb\n", "a\nb\n", "x", "y").empty());
  }

  TEST_CASE("a changed line, with context, as diff -u prints it") {
    CHECK(unified_diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n", "a", "b") ==
          "--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
  }

  TEST_CASE("changes far apart make two hunks; additions and removals at the edges") {
    std::string before = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n";
    std::string after = "A\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n";
    CHECK(unified_diff(before, after, "a", "b", 1) ==
          "--- a\n+++ b\n@@ -1,2 +1,2 @@\n-a\n+A\n b\n@@ -11,1 +11,2 @@\n k\n+l\n");
    CHECK(unified_diff("", "x\n", "a", "b") == "--- a\n+++ b\n@@ -0,0 +1,1 @@\n+x\n");
  }
}
