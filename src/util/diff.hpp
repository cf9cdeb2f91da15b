#pragma once
// A line diff of two texts in the unified format (as `diff -u` prints it).
#include <string>
#include <string_view>

namespace agentpg::util {

// "" when the texts are equal. Each hunk shows `context` unchanged lines around the
// changes. Texts whose line counts multiply past a bound are summarised, not diffed.
std::string unified_diff(std::string_view before, std::string_view after,
                         const std::string& before_label, const std::string& after_label,
                         size_t context = 3);

} // namespace agentpg::util
