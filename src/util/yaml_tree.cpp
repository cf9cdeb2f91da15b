#include "util/yaml_tree.hpp"

#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

namespace agentpg::util {

namespace {

YamlMark mark_of(const YAML::Mark& mark) {
  return YamlMark{mark.line, mark.column};
}

// yaml-cpp's events, handed to the builder. yaml-cpp numbers anchors from 1 (0: none).
class TreeBuilder : public YAML::EventHandler {
public:
  YamlBuilder builder;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    builder.null(mark_of(mark), anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    builder.alias(mark_of(mark), anchor);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    builder.scalar(mark_of(mark), value, tag == "!", anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    builder.open(YamlNode::Type::sequence, mark_of(mark), anchor);
  }
  void OnSequenceEnd() override { builder.close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    builder.open(YamlNode::Type::map, mark_of(mark), anchor);
  }
  void OnMapEnd() override { builder.close(); }
};

} // namespace

YamlNode parse_yaml(std::string_view text) {
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  TreeBuilder handler;
  parser.HandleNextDocument(handler);
  return handler.builder.complete() ? handler.builder.take() : YamlNode{};
}

} // namespace agentpg::util
