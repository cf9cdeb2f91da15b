#include "seed/yaml_tree.hpp"

#include <map>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

namespace agentpg::seed {

namespace {

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
    m_alias_values += it->second.second;
    if (m_alias_values > k_max_alias_values) {
      throw YAML::ParserException(
          mark, "aliases expand to more than 100,000 values; a seed file is data: write "
                "the rows out, or split the file");
    }
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
  static constexpr size_t k_max_alias_values = 100000;
  std::map<YAML::anchor_t, std::pair<YamlNode, size_t>>
      m_anchors; // the node and its count of values
  size_t m_alias_values = 0;

  static size_t count_values(const YamlNode& node) {
    size_t count = 1;
    for (const auto& item : node.items) {
      count += count_values(item);
    }
    return count;
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
    complete(*done.node, done.anchor);
  }

  // An anchored node is kept whole for the aliases that follow it.
  void complete(const YamlNode& node, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) {
      size_t values = count_values(node);
      m_alias_values += values; // the anchor's copy counts too
      if (m_alias_values > k_max_alias_values) {
        throw YAML::ParserException(
            node.mark, "aliases expand to more than 100,000 values; a seed file is data: "
                       "write the rows out, or split the file");
      }
      m_anchors[anchor] = {node, values};
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

} // namespace agentpg::seed
