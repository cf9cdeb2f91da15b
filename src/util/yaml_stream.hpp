#pragma once
// YAML read as it streams by, with libyaml's event parser (the C library), a node at a
// time: a file of any size is read in memory bounded by its largest node (a seed file: by
// its largest row, plus what anchors keep), by the rules of util/yaml_node.hpp.
//
// Seed files are read this way because building the whole document first cost most of a
// large seed's loading time: 100,000 rows took 2.2 s of yaml-cpp's parsing out of 2.8 s.
#include <cstdio>
#include <functional>
#include <memory>
#include <string_view>

#include "util/yaml_node.hpp"

namespace agentpg::util {

class YamlStream {
public:
  enum class Event { none, map_start, map_end, sequence_start, sequence_end, node, end };

  // Reads `text`, which must outlive the stream.
  explicit YamlStream(std::string_view text);
  // Reads `file` (open for reading, closed by the caller) in chunks; `on_read` sees every
  // chunk as it is read (a checksum of what was parsed).
  YamlStream(std::FILE* file, std::function<void(std::string_view)> on_read);
  ~YamlStream();
  YamlStream(const YamlStream&) = delete;
  YamlStream& operator=(const YamlStream&) = delete;

  // Enters the first document; false when the stream holds none.
  bool start_document();
  // What comes next in the document: the start or end of a collection, a scalar or alias
  // (`node`), or `end` (the document's end). Throws YamlError (syntax) on malformed YAML.
  Event peek();
  // Where the next event starts.
  YamlMark peek_mark();
  // Consumes the next event (a collection's start or end).
  void skip();
  // Reads the node that starts with the next event, whole (a collection with everything in
  // it). Throws YamlError on malformed YAML, an alias past the bounds, a repeated key.
  YamlNode node();

private:
  struct Parser;
  std::unique_ptr<Parser> m_parser;
  YamlBuilder m_builder;

  void feed_builder();
};

} // namespace agentpg::util
