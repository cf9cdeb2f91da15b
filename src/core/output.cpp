#include "core/output.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace agentpg::core {

namespace {

const char* ansi(Style style) {
  switch (style) {
  case Style::bold:
    return "\033[1m";
  case Style::dim:
    return "\033[2m";
  case Style::green:
    return "\033[32m";
  case Style::yellow:
    return "\033[33m";
  case Style::red:
    return "\033[31m";
  case Style::cyan:
    return "\033[36m";
  case Style::plain:
    break;
  }
  return "";
}

std::string paint_if(bool enabled, Style style, std::string_view text) {
  if (!enabled || style == Style::plain) {
    return std::string(text);
  }
  return fmt::format("{}{}\033[0m", ansi(style), text);
}

// Display width of UTF-8 text: code points, not bytes, and colour codes count nothing.
size_t display_width(const std::string& s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\033') {
      size_t end = s.find('m', i);
      i = end == std::string::npos ? s.size() : end;
    } else if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      ++width;
    }
  }
  return width;
}

} // namespace

bool color_allowed(std::FILE* stream) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') {
    return false;
  }
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") {
    return false;
  }
  return ::isatty(::fileno(stream)) != 0;
}

Output::Output(OutputOptions options, std::FILE* out, std::FILE* err)
    : m_options(options), m_out(out), m_err(err),
      m_out_color(!options.no_color && color_allowed(out)),
      m_err_color(!options.no_color && color_allowed(err)),
      m_err_terminal(::isatty(::fileno(err)) != 0) {}

void Output::line(std::string_view text) const {
  if (m_options.json || m_options.quiet) {
    return;
  }
  end_progress();
  fmt::print(m_out, "{}{}", text, !text.empty() && text.back() == '\n' ? "" : "\n");
  std::fflush(m_out);
}

void Output::notice(std::string_view text) const {
  if (m_options.quiet) {
    return;
  }
  end_progress();
  fmt::print(m_err, "{}\n", text);
}

void Output::warn(std::string_view text) const {
  if (m_options.quiet) {
    return;
  }
  end_progress();
  fmt::print(m_err, "agentpg: {} {}\n", paint_if(m_err_color, Style::yellow, "warning:"), text);
}

void Output::detail(std::string_view text) const {
  if (!m_options.verbose) {
    return;
  }
  end_progress();
  fmt::print(m_err, "{}\n", paint_if(m_err_color, Style::dim, text));
}

void Output::progress(std::string_view text) const {
  if (!m_err_terminal || m_options.quiet || m_options.json) {
    return;
  }
  fmt::print(m_err, "\r\033[K{}", text);
  std::fflush(m_err);
  m_progress_shown = true;
}

void Output::end_progress() const {
  if (m_progress_shown) {
    fmt::print(m_err, "\r\033[K");
    std::fflush(m_err);
    m_progress_shown = false;
  }
}

void Output::data(std::string_view text) const {
  if (m_options.json) {
    return;
  }
  end_progress();
  fmt::print(m_out, "{}{}", text, !text.empty() && text.back() == '\n' ? "" : "\n");
  std::fflush(m_out);
}

void Output::emit(const Json& document) const {
  if (!m_options.json) {
    return;
  }
  if (document.type() == Json::Type::object && !m_command.empty()) {
    fmt::print(m_out, "{}\n", document.with_first("command", m_command).dump());
  } else {
    fmt::print(m_out, "{}\n", document.dump());
  }
  std::fflush(m_out);
}

void Output::error(std::string_view message, std::string_view hint) const {
  end_progress();
  fmt::print(m_err, "agentpg: {} {}\n", paint_if(m_err_color, Style::red, "error:"), message);
  if (!hint.empty()) {
    fmt::print(m_err, "{} {}\n", paint_if(m_err_color, Style::cyan, "hint:"), hint);
  }
}

std::string Output::paint(Style style, std::string_view text) const {
  return paint_if(m_out_color, style, text);
}

std::string format_table(const std::vector<std::vector<std::string>>& rows) {
  // Each cell's width is measured once (status prints a row per migration).
  std::vector<std::vector<size_t>> cell_widths(rows.size());
  std::vector<size_t> widths;
  size_t total = 0;
  for (size_t r = 0; r < rows.size(); ++r) {
    widths.resize(std::max(widths.size(), rows[r].size()), 0);
    cell_widths[r].reserve(rows[r].size());
    for (size_t i = 0; i < rows[r].size(); ++i) {
      cell_widths[r].push_back(display_width(rows[r][i]));
      widths[i] = std::max(widths[i], cell_widths[r][i]);
      total += rows[r][i].size();
    }
  }
  std::string out;
  out.reserve(total + rows.size() * (2 * widths.size() + 1));
  for (size_t r = 0; r < rows.size(); ++r) {
    size_t line_start = out.size();
    for (size_t i = 0; i < rows[r].size(); ++i) {
      out += rows[r][i];
      if (i + 1 < rows[r].size()) {
        out.append(widths[i] - cell_widths[r][i] + 2, ' ');
      }
    }
    while (out.size() > line_start && out.back() == ' ') {
      out.pop_back();
    }
    out += '\n';
  }
  return out;
}

} // namespace agentpg::core
