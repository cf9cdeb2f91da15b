#include <doctest/doctest.h>

#include <string>

#include "util/yaml_tree.hpp"

using agentpg::util::parse_yaml;
using agentpg::util::YamlNode;
using agentpg::util::YamlRefused;

namespace {

// The message and line (1-based) of the refusal of `text`, or "accepted".
std::string refusal(const std::string& text) {
  try {
    parse_yaml(text);
  } catch (const YamlRefused& e) {
    return std::to_string(e.mark.line + 1) + ": " + e.msg;
  }
  return "accepted";
}

} // namespace

TEST_SUITE("util::yaml_tree") {
  TEST_CASE("a repeated key is found in a large map too, at its first repetition") {
    std::string text;
    for (int i = 0; i < 40; ++i) {
      text += "k" + std::to_string(i) + ": " + std::to_string(i) + "\n";
    }
    CHECK(refusal(text) == "accepted");
    CHECK(refusal(text + "k7: again\nk3: again\n")
              .rfind("41: duplicate key 'k7' (first at line 8)", 0) == 0);
  }

  TEST_CASE("keys that differ, or are not scalars, are not duplicates") {
    CHECK(refusal("a: 1\nA: 2\n'a ': 3\n? [x]\n: 4\n? [x]\n: 5\n") == "accepted");
  }

  TEST_CASE("aliases are copies of their anchor, within the bounds") {
    YamlNode root = parse_yaml("a: &x {k: [1, 2]}\nb: *x\n");
    REQUIRE(root.get("b") != nullptr);
    CHECK(root.get("b")->get("k")->items.size() == 2);
  }

  TEST_CASE("a long string aliased many times is refused by its bytes") {
    std::string text = "s0: &s0 " + std::string(100000, 'y') + "\n";
    for (int level = 1; level <= 4; ++level) {
      std::string prev = "*s" + std::to_string(level - 1);
      text += "s" + std::to_string(level) + ": &s" + std::to_string(level) + " [";
      for (int k = 0; k < 10; ++k) {
        text += (k ? "," : "") + prev;
      }
      text += "]\n";
    }
    CHECK(refusal(text).find("expand to more than 32 MiB of text") != std::string::npos);
  }
}
