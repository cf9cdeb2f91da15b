#include "core/output.hpp"

#include <fmt/format.h>
#include <sys/ioctl.h>
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

// Ten redraws a second are enough to read, and cost nothing to draw.
constexpr std::chrono::milliseconds k_redraw_interval{100};
// format_table narrows no column below this: a shorter cut says too little.
constexpr size_t k_narrowest_column = 8;

// Display width of UTF-8 text: code points, not bytes, and colour codes count nothing.
size_t display_width(std::string_view s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\033') {
      size_t end = s.find('m', i);
      i = end == std::string_view::npos ? s.size() : end;
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
      m_progress(::isatty(::fileno(err)) != 0 && !options.quiet && !options.json && !in_ci()),
      m_table_width(terminal_width(out) == 0  ? 0
                    : columns_variable() != 0 ? columns_variable()
                                              : terminal_width(out)),
      m_start(std::chrono::steady_clock::now()) {}

size_t columns_variable() {
  const char* columns = std::getenv("COLUMNS");
  if (columns == nullptr) {
    return 0;
  }
  char* end = nullptr;
  unsigned long n = std::strtoul(columns, &end, 10);
  return end != columns && *end == '\0' && n >= 20 && n <= 1000 ? n : 0;
}

size_t terminal_width(std::FILE* stream) {
  winsize size{};
  int fd = ::fileno(stream);
  if (::isatty(fd) != 0 && ::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  return 0;
}

bool in_ci() {
  const char* ci = std::getenv("CI");
  if (ci == nullptr) {
    return false;
  }
  std::string_view value(ci);
  return !value.empty() && value != "0" && value != "false";
}

std::string fit_width(std::string_view text, size_t width) {
  if (display_width(text) <= width) {
    return std::string(text);
  }
  std::string out;
  bool painted = false;
  size_t used = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\033') {
      size_t end = std::min(text.find('m', i), text.size() - 1);
      out.append(text.substr(i, end - i + 1));
      painted = true;
      i = end;
      continue;
    }
    bool starts_character = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (starts_character && used + 1 >= width) {
      break; // the last column is the ellipsis's
    }
    used += starts_character ? 1 : 0;
    out += text[i];
  }
  out += width > 0 ? "…" : "";
  out += painted ? "\033[0m" : "";
  return out;
}

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
  std::chrono::duration<double> since = std::chrono::steady_clock::now() - m_start;
  fmt::print(m_err, "{} {}\n",
             paint_if(m_err_color, Style::dim, fmt::format("[{:7.3f}s]", since.count())), text);
  std::fflush(m_err);
}

void Output::progress(std::string_view text, Redraw redraw) const {
  if (!m_progress) {
    return;
  }
  auto now = std::chrono::steady_clock::now();
  if (redraw == Redraw::when_due && m_progress_shown &&
      now - m_progress_drawn < k_redraw_interval) {
    return;
  }
  // One column short of the width: a line that fills it wraps on some terminals, and a
  // wrapped line is not erased by \r.
  size_t width = terminal_width(m_err);
  fmt::print(m_err, "\r\033[K{}", fit_width(text, (width != 0 ? width : 80) - 1));
  std::fflush(m_err);
  m_progress_shown = true;
  m_progress_drawn = now;
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

void Output::table(const std::vector<std::vector<std::string>>& rows, size_t gives_way) const {
  line(format_table(rows, m_table_width, gives_way));
}

namespace {

// Narrows the column `gives_way`, then the widest, a column at a time, until a line fits
// `width` or no column is wider than k_narrowest_column.
void narrow_columns(std::vector<size_t>& widths, size_t width, size_t gives_way) {
  size_t total = widths.empty() ? 0 : 2 * (widths.size() - 1);
  for (size_t w : widths) {
    total += w;
  }
  if (gives_way < widths.size() && total > width && widths[gives_way] > k_narrowest_column) {
    size_t cut = std::min(total - width, widths[gives_way] - k_narrowest_column);
    widths[gives_way] -= cut;
    total -= cut;
  }
  while (total > width) {
    auto widest = std::max_element(widths.begin(), widths.end());
    if (widest == widths.end() || *widest <= k_narrowest_column) {
      return;
    }
    --*widest;
    --total;
  }
}

} // namespace

std::string format_table(const std::vector<std::vector<std::string>>& rows, size_t width,
                         size_t gives_way) {
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
  if (width != 0) {
    narrow_columns(widths, width, gives_way);
  }
  std::string out;
  out.reserve(total + rows.size() * (2 * widths.size() + 1));
  for (size_t r = 0; r < rows.size(); ++r) {
    size_t line_start = out.size();
    for (size_t i = 0; i < rows[r].size(); ++i) {
      size_t shown = std::min(cell_widths[r][i], widths[i]);
      out += shown < cell_widths[r][i] ? fit_width(rows[r][i], widths[i]) : rows[r][i];
      if (i + 1 < rows[r].size()) {
        out.append(widths[i] - shown + 2, ' ');
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
