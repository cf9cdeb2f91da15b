#include "util/diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace agentpg::util {

namespace {

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    end = end == std::string_view::npos ? text.size() : end;
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

struct Edit {
  char kind; // ' ', '-', '+'
  size_t a;  // line index in before (for ' ' and '-')
  size_t b;  // line index in after (for ' ' and '+')
};

// The edit script of a longest common subsequence of lines.
std::vector<Edit> edits(const std::vector<std::string_view>& a,
                        const std::vector<std::string_view>& b) {
  size_t n = a.size();
  size_t m = b.size();
  std::vector<unsigned> lcs((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> unsigned& { return lcs[i * (m + 1) + j]; };
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      at(i, j) = a[i] == b[j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    }
  }
  std::vector<Edit> out;
  size_t i = 0;
  size_t j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      out.push_back({' ', i++, j++});
    } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
      out.push_back({'-', i++, j}); // removals first, as diff -u prints them
    } else {
      out.push_back({'+', i, j++});
    }
  }
  return out;
}

} // namespace

std::string unified_diff(std::string_view before, std::string_view after,
                         const std::string& before_label, const std::string& after_label,
                         size_t context) {
  if (before == after) {
    return "";
  }
  std::vector<std::string_view> a = lines_of(before);
  std::vector<std::string_view> b = lines_of(after);
  std::string out = fmt::format("--- {}\n+++ {}\n", before_label, after_label);
  const size_t k_max_cells = 4000000;
  if ((a.size() + 1) * (b.size() + 1) > k_max_cells) {
    return out +
           fmt::format("(too long to diff here: {} lines before, {} after)\n", a.size(), b.size());
  }
  std::vector<Edit> script = edits(a, b);
  size_t k = 0;
  while (k < script.size()) {
    if (script[k].kind == ' ') {
      ++k;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last
    // change that lies within 2 * context unchanged lines of the previous one.
    size_t first = k >= context ? k - context : 0;
    size_t last = k;
    size_t unchanged = 0;
    for (size_t e = k; e < script.size(); ++e) {
      if (script[e].kind == ' ') {
        if (++unchanged > 2 * context) {
          break;
        }
      } else {
        unchanged = 0;
        last = e;
      }
    }
    size_t end = std::min(script.size(), last + 1 + context);
    size_t a_start = script[first].a;
    size_t b_start = script[first].b;
    size_t a_count = 0;
    size_t b_count = 0;
    std::string body;
    for (size_t e = first; e < end; ++e) {
      const Edit& edit = script[e];
      a_count += edit.kind != '+' ? 1 : 0;
      b_count += edit.kind != '-' ? 1 : 0;
      body += edit.kind;
      body += edit.kind == '+' ? b[edit.b] : a[edit.a];
      body += '\n';
    }
    out += fmt::format("@@ -{},{} +{},{} @@\n", a_count ? a_start + 1 : a_start, a_count,
                       b_count ? b_start + 1 : b_start, b_count);
    out += body;
    k = end;
  }
  return out;
}

} // namespace agentpg::util
