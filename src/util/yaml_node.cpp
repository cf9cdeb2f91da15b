#include "util/yaml_node.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace agentpg::util {

namespace {

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

YamlBuilder::Size YamlBuilder::size_of(const YamlNode& node) {
  Size size{1, node.value.size()};
  for (const auto& item : node.items) {
    Size s = size_of(item);
    size.values += s.values;
    size.bytes += s.bytes;
  }
  return size;
}

// Counts a copy of `size` against the bounds; past them, the file is refused at `mark`.
void YamlBuilder::charge(YamlMark mark, Size size) {
  m_copied.values += size.values;
  m_copied.bytes += size.bytes;
  if (m_copied.values > k_max_alias_values || m_copied.bytes > k_max_alias_bytes) {
    throw YamlError(
        mark, fmt::format("anchors and aliases expand to more than {}: YAML read here is data, "
                          "not a program; write the values out instead of aliasing them",
                          m_copied.values > k_max_alias_values
                              ? fmt::format("{} values", k_max_alias_values)
                              : fmt::format("{} MiB of text", k_max_alias_bytes >> 20)));
  }
}

// A finished node goes into the innermost open collection, or is the top-level node. An
// anchored node is kept whole for the aliases that follow it; the copy counts too.
void YamlBuilder::add(YamlNode node, size_t anchor) {
  if (anchor != 0) {
    Size size = size_of(node);
    charge(node.mark, size);
    m_anchors[anchor] = {node, size};
  }
  if (m_open.empty()) {
    m_node = std::move(node);
    m_has_node = true;
    return;
  }
  m_open.back().node.items.push_back(std::move(node));
}

void YamlBuilder::scalar(YamlMark mark, std::string value, bool quoted, size_t anchor) {
  YamlNode node;
  node.type = YamlNode::Type::scalar;
  node.quoted = quoted;
  node.mark = mark;
  node.value = std::move(value);
  add(std::move(node), anchor);
}

void YamlBuilder::null(YamlMark mark, size_t anchor) {
  YamlNode node;
  node.mark = mark;
  add(std::move(node), anchor);
}

void YamlBuilder::alias(YamlMark mark, size_t anchor) {
  auto it = m_anchors.find(anchor);
  if (it == m_anchors.end()) {
    throw YamlError(mark, "the referenced anchor is not defined");
  }
  // Each alias is a copy of its anchor's tree: bounded, so that a few lines cannot
  // expand into billions of values.
  charge(mark, it->second.second);
  add(it->second.first, 0);
}

void YamlBuilder::open(YamlNode::Type type, YamlMark mark, size_t anchor) {
  Open open;
  open.node.type = type;
  open.node.mark = mark;
  open.anchor = anchor;
  m_open.push_back(std::move(open));
}

void YamlBuilder::close() {
  Open done = std::move(m_open.back());
  m_open.pop_back();
  if (done.node.type == YamlNode::Type::map) {
    const YamlNode* first = nullptr;
    if (const YamlNode* repeat = repeated_key(done.node, first)) {
      throw YamlError(repeat->mark,
                      fmt::format("duplicate key '{}' (first at line {}): a key may appear "
                                  "once in a map; remove one of them",
                                  repeat->value, first->mark.line + 1));
    }
  }
  add(std::move(done.node), done.anchor);
}

YamlNode YamlBuilder::take() {
  m_has_node = false;
  return std::move(m_node);
}

} // namespace agentpg::util
