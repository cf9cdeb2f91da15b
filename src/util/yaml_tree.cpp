#include "util/yaml_tree.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

namespace agentpg::util {

namespace {

// What a subtree costs when an alias copies it.
struct Size {
  size_t values = 0;
  size_t bytes = 0;
};

Size size_of(const YamlNode& node) {
  Size size{1, node.value.size()};
  for (const auto& item : node.items) {
    Size s = size_of(item);
    size.values += s.values;
    size.bytes += s.bytes;
  }
  return size;
}

// The first key of `map` that repeats an earlier scalar key, or nullptr; `first` is set
// to the earlier one. Rows are small maps: those are compared pairwise, without allocating.
const YamlNode* repeated_key(const YamlNode& map, const YamlNode*& first) {
  const std::vector<YamlNode>& items = map.items;
  auto same = [](const YamlNode& a, const YamlNode& b) {
    return a.type == YamlNode::Type::scalar && b.type == YamlNode::Type::scalar &&
           a.value == b.value;
  };
  if (items.size() <= 32) {
    for (size_t i = 2; i < items.size(); i += 2) {
      for (size_t j = 0; j < i; j += 2) {
        if (same(items[j], items[i])) {
          first = &items[j];
          return &items[i];
        }
      }
    }
    return nullptr;
  }
  std::vector<size_t> keys; // the scalar keys
  for (size_t i = 0; i < items.size(); i += 2) {
    if (items[i].type == YamlNode::Type::scalar) {
      keys.push_back(i);
    }
  }
  std::stable_sort(keys.begin(), keys.end(),
                   [&](size_t a, size_t b) { return items[a].value < items[b].value; });
  const YamlNode* repeat = nullptr;
  for (size_t k = 1; k < keys.size(); ++k) {
    const YamlNode& earlier = items[keys[k - 1]];
    const YamlNode& later = items[keys[k]];
    if (same(earlier, later) && (repeat == nullptr || &later < repeat)) {
      // The run of equal keys starts at its first occurrence in the file.
      size_t start = k - 1;
      while (start > 0 && same(items[keys[start - 1]], later)) {
        --start;
      }
      first = &items[keys[start]];
      repeat = &later;
    }
  }
  return repeat;
}

// Builds the tree: each event adds a node to the innermost open collection. A pointer to
// an open collection stays valid because only the innermost one grows.
class TreeBuilder : public YAML::EventHandler {
public:
  YamlNode root;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    YamlNode node;
    node.mark = mark;
    complete(add(std::move(node)), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = m_anchors.find(anchor);
    if (it == m_anchors.end()) { // the parser reports it first; kept for safety
      throw YAML::ParserException(mark, "this alias names no anchor defined before it");
    }
    // Each alias is a copy of its anchor's tree: bounded, so that a few lines cannot
    // expand into billions of values.
    charge(mark, it->second.second);
    add(YamlNode(it->second.first));
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    YamlNode node;
    node.type = YamlNode::Type::scalar;
    node.quoted = tag == "!";
    node.mark = mark;
    node.value = value;
    complete(add(std::move(node)), anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(YamlNode::Type::sequence, mark, anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(YamlNode::Type::map, mark, anchor);
  }
  void OnMapEnd() override { close(); }

private:
  struct Open {
    YamlNode* node;
    YAML::anchor_t anchor;
  };
  std::vector<Open> m_open;
  std::map<YAML::anchor_t, std::pair<YamlNode, Size>> m_anchors; // the node and its size
  Size m_copied;                                                 // by anchors and aliases

  // Counts a copy of `size` against the bounds; past them, the file is refused at `mark`.
  void charge(const YAML::Mark& mark, Size size) {
    m_copied.values += size.values;
    m_copied.bytes += size.bytes;
    if (m_copied.values > k_max_alias_values || m_copied.bytes > k_max_alias_bytes) {
      throw YamlRefused(
          mark, fmt::format("anchors and aliases expand to more than {}: YAML read here is data, "
                            "not a program; write the values out instead of aliasing them",
                            m_copied.values > k_max_alias_values
                                ? fmt::format("{} values", k_max_alias_values)
                                : fmt::format("{} MiB of text", k_max_alias_bytes >> 20)));
    }
  }

  YamlNode& add(YamlNode node) {
    if (m_open.empty()) {
      root = std::move(node);
      return root;
    }
    std::vector<YamlNode>& items = m_open.back().node->items;
    items.push_back(std::move(node));
    return items.back();
  }

  void open(YamlNode::Type type, const YAML::Mark& mark, YAML::anchor_t anchor) {
    YamlNode node;
    node.type = type;
    node.mark = mark;
    m_open.push_back(Open{&add(std::move(node)), anchor});
  }

  void close() {
    Open done = m_open.back();
    m_open.pop_back();
    if (done.node->type == YamlNode::Type::map) {
      const YamlNode* first = nullptr;
      if (const YamlNode* repeat = repeated_key(*done.node, first)) {
        throw YamlRefused(repeat->mark,
                          fmt::format("duplicate key '{}' (first at line {}): a key may appear "
                                      "once in a map; remove one of them",
                                      repeat->value, first->mark.line + 1));
      }
    }
    complete(*done.node, done.anchor);
  }

  // An anchored node is kept whole for the aliases that follow it; the copy counts too.
  void complete(const YamlNode& node, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) {
      Size size = size_of(node);
      charge(node.mark, size);
      m_anchors[anchor] = {node, size};
    }
  }
};

} // namespace

const YamlNode* YamlNode::get(std::string_view key) const {
  if (type != Type::map) {
    return nullptr;
  }
  for (size_t i = 0; i + 1 < items.size(); i += 2) {
    if (items[i].type == Type::scalar && items[i].value == key) {
      return &items[i + 1];
    }
  }
  return nullptr;
}

YamlNode parse_yaml(std::string_view text) {
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  TreeBuilder builder;
  parser.HandleNextDocument(builder);
  return std::move(builder.root);
}

} // namespace agentpg::util
