#pragma once
// agentpg.yaml as plain values (util/yaml_node.hpp), built from yaml-cpp's parser events:
// aliases bounded, no repeated keys. Seed files, which can be large, are read by libyaml a
// node at a time instead (util/yaml_stream.hpp).
#include <string_view>

#include <yaml-cpp/exceptions.h>

#include "util/yaml_node.hpp"

namespace agentpg::util {

// The first document of `text`, a null node when there is none. Throws
// YAML::ParserException (with the mark of the place to blame) on a syntax error, and
// YamlRefused on aliases that expand beyond the bounds or a scalar key repeated in a map.
YamlNode parse_yaml(std::string_view text);

} // namespace agentpg::util
