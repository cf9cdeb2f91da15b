#pragma once
// YAML as plain values, and the rules agentpg reads every YAML file by, whichever parser
// delivers its events: yaml-cpp for agentpg.yaml (util/yaml_tree), libyaml for seed files
// (util/yaml_stream, which hands them over a node at a time).
//
// A YAML file here is data, not a program, so two things YAML allows are refused:
// - aliases that expand beyond k_max_alias_values values or k_max_alias_bytes bytes of
//   text in all (an "alias bomb": 10 levels of 9 aliases are 3.4 billion values from a
//   few hundred bytes). Each alias is a copy of its anchor's tree, so this bounds the
//   memory that aliases can take, whatever the file;
// - a key that appears twice in one map (YAML says keys are unique; a reader would
//   silently take one of them).
#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agentpg::util {

// A million values is far more than seeds copy by aliases (the bundled ones copy none),
// and takes on the order of 100 MB; 32 MiB of copied text bounds an anchor on a long
// string aliased many times, which the count of values would not.
constexpr size_t k_max_alias_values = 1000000;
constexpr size_t k_max_alias_bytes = size_t{32} << 20;

// Where a node starts: line and column from 0, as both parsers count them.
struct YamlMark {
  int line = 0;
  int column = 0;
};

struct YamlNode {
  enum class Type : unsigned char { null, scalar, sequence, map };
  Type type = Type::null;
  bool quoted = false;         // a scalar written in quotes (or as a block): always a string
  YamlMark mark;               // where the node starts
  std::string value;           // a scalar's text
  std::vector<YamlNode> items; // a sequence's items; a map's keys and values, alternating

  // A map's value for the scalar key `key`; nullptr if none.
  const YamlNode* get(std::string_view key) const;
};

// A YAML file that cannot be read (`syntax`: the parser's words), or well-formed YAML
// refused for what it holds (aliases past the bounds, a repeated key; its message says what
// to change). `mark` is the place to blame.
class YamlError : public std::runtime_error {
public:
  YamlError(YamlMark mark_, const std::string& msg_, bool syntax_ = false)
      : std::runtime_error(msg_), mark(mark_), msg(msg_), syntax(syntax_) {}
  YamlMark mark;
  std::string msg;
  bool syntax;
};
using YamlRefused = YamlError;

// Builds nodes from parser events: each event adds a node to the innermost open
// collection, or completes a top-level node. Anchors are numbered by the caller (0: none)
// and live as long as the builder, so an alias may copy a node completed earlier.
class YamlBuilder {
public:
  void scalar(YamlMark mark, std::string value, bool quoted, size_t anchor);
  void null(YamlMark mark, size_t anchor);
  // Throws YamlError when `anchor` names nothing or the copy passes the bounds.
  void alias(YamlMark mark, size_t anchor);
  void open(YamlNode::Type type, YamlMark mark, size_t anchor);
  // Throws YamlError when the map being closed repeats a key.
  void close();

  // Whether a top-level node is complete (then take() hands it over).
  bool complete() const { return m_open.empty() && m_has_node; }
  YamlNode take();

private:
  struct Open {
    YamlNode node;
    size_t anchor;
  };
  struct Size {
    size_t values = 0;
    size_t bytes = 0;
  };
  std::vector<Open> m_open;
  YamlNode m_node; // the completed top-level node
  bool m_has_node = false;
  std::map<size_t, std::pair<YamlNode, Size>> m_anchors; // the node and its size
  Size m_copied;                                         // by anchors and aliases

  static Size size_of(const YamlNode& node);
  void charge(YamlMark mark, Size size);
  void add(YamlNode node, size_t anchor);
};

} // namespace agentpg::util
