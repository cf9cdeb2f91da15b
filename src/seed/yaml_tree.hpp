#pragma once
// A YAML document as plain values, built from yaml-cpp's parser events.
//
// YAML::Load builds a graph of reference-counted nodes, and building and freeing it cost
// 60% of reading a large seed: 100,000 rows took 5.4 s loaded against 2.2 s for the
// parse alone. A seed is read once, front to back, so a tree of values holds all that is
// needed, anchors and aliases included.
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/mark.h>

namespace agentpg::seed {

struct YamlNode {
  enum class Type : unsigned char { null, scalar, sequence, map };
  Type type = Type::null;
  bool quoted = false;         // a scalar written in quotes: always a string
  YAML::Mark mark;             // where the node starts
  std::string value;           // a scalar's text
  std::vector<YamlNode> items; // a sequence's items; a map's keys and values, alternating

  // A map's value for the scalar key `key` (the first, if it repeats); nullptr if none.
  const YamlNode* get(std::string_view key) const;
};

// The first document of `text`, a null node when there is none. Throws
// YAML::ParserException (with its mark) on a syntax error.
YamlNode parse_yaml(std::string_view text);

} // namespace agentpg::seed
