#pragma once
// A YAML document as plain values, built from yaml-cpp's parser events. Both readers of
// YAML that users write go through it: seed files and agentpg.yaml.
//
// YAML::Load builds a graph of reference-counted nodes, and building and freeing it cost
// 60% of reading a large seed: 100,000 rows took 5.4 s loaded against 2.2 s for the
// parse alone. A seed is read once, front to back, so a tree of values holds all that is
// needed, anchors and aliases included.
//
// A YAML file here is data, not a program, so two things YAML allows are refused:
// - aliases that expand beyond k_max_alias_values values or k_max_alias_bytes bytes of
//   text in all (an "alias bomb": 10 levels of 9 aliases are 3.4 billion values from a
//   few hundred bytes). Each alias is a copy of its anchor's tree, so this bounds the
//   memory that aliases can take, whatever the file;
// - a key that appears twice in one map (YAML says keys are unique; yaml-cpp keeps both
//   and readers would silently take one of them).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>

namespace agentpg::util {

// A million values is far more than seeds copy by aliases (the bundled ones copy none),
// and takes on the order of 100 MB; 32 MiB of copied text bounds an anchor on a long
// string aliased many times, which the count of values would not.
constexpr size_t k_max_alias_values = 1000000;
constexpr size_t k_max_alias_bytes = size_t{32} << 20;

struct YamlNode {
  enum class Type : unsigned char { null, scalar, sequence, map };
  Type type = Type::null;
  bool quoted = false;         // a scalar written in quotes: always a string
  YAML::Mark mark;             // where the node starts
  std::string value;           // a scalar's text
  std::vector<YamlNode> items; // a sequence's items; a map's keys and values, alternating

  // A map's value for the scalar key `key`; nullptr if none.
  const YamlNode* get(std::string_view key) const;
};

// Well-formed YAML refused for what it holds (aliases past the bounds, a repeated key):
// its message says what to change.
class YamlRefused : public YAML::ParserException {
public:
  using YAML::ParserException::ParserException;
};

// The first document of `text`, a null node when there is none. Throws
// YAML::ParserException (with the mark of the place to blame) on a syntax error, and
// YamlRefused on aliases that expand beyond the bounds above or a scalar key repeated in
// a map.
YamlNode parse_yaml(std::string_view text);

} // namespace agentpg::util
