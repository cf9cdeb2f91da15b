#pragma once
// Everything agentpg prints goes through Output, so --json, --quiet, --verbose,
// colour (only on a terminal, never with NO_COLOR or --no-color) and progress (only
// when stderr is a terminal, and not in CI) and the width of tables are decided in one place.
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"

namespace agentpg::core {

struct OutputOptions {
  bool json = false;
  bool quiet = false;
  bool verbose = false;
  bool no_color = false;
};

enum class Style { plain, bold, dim, green, yellow, red, cyan };

// No column of a table in particular (format_table's `gives_way`).
constexpr size_t k_no_column = static_cast<size_t>(-1);

// When a progress line is drawn: `when_due` at most ten times a second (a counter going
// up), `now` at once (a new step begins: the next migration, the next seed file, so the
// line never names a step that is over).
enum class Redraw { when_due, now };

class Output {
public:
  explicit Output(OutputOptions options, std::FILE* out = stdout, std::FILE* err = stderr);

  bool json() const { return m_options.json; }
  bool quiet() const { return m_options.quiet; }
  bool verbose() const { return m_options.verbose; }

  // A line of the human report on stdout (nothing in --json or --quiet mode).
  void line(std::string_view text) const;
  // Something the user should know while work goes on, on stderr (not with --quiet).
  void notice(std::string_view text) const;
  // "agentpg: warning: ..." on stderr (not with --quiet).
  void warn(std::string_view text) const;
  // Only with --verbose, on stderr, after the time since the run began: "[  0.012s] ...".
  void detail(std::string_view text) const;
  // A transient status line, rewritten in place on stderr when it is a terminal (not with
  // --quiet, --json or in CI), cut to the terminal's width; nothing anywhere else. Any
  // other output first erases it.
  void progress(std::string_view text, Redraw redraw = Redraw::when_due) const;
  void end_progress() const;
  // Whether progress() draws anything (what is measured only for it can then be skipped).
  bool shows_progress() const { return m_progress; }
  // The product of a command that exists to print it (--dry-run SQL, a URL): on stdout
  // even with --quiet, but not in --json mode.
  void data(std::string_view text) const;
  // The one JSON document of a reporting command, on stdout (only in --json mode). An
  // object gets "command" first (see set_command) unless it names its own.
  void emit(const Json& document) const;
  // The command whose documents emit() prints: "migrate", "backup list", ...
  void set_command(std::string command) { m_command = std::move(command); }
  // The error report of main: "agentpg: error: ..." and an optional hint.
  void error(std::string_view message, std::string_view hint) const;

  // `text` in the style when stdout gets colour, else as it is.
  std::string paint(Style style, std::string_view text) const;
  // `rows` as a table (format_table) on stdout, fitted to table_width(): a line().
  void table(const std::vector<std::vector<std::string>>& rows,
             size_t gives_way = k_no_column) const;
  // The width tables on stdout are fitted to when stdout is a terminal: COLUMNS when it
  // holds a width, else the terminal's. 0 (full lines) when stdout is a pipe or a file.
  size_t table_width() const { return m_table_width; }

private:
  OutputOptions m_options;
  std::string m_command;
  std::FILE* m_out;
  std::FILE* m_err;
  bool m_out_color;
  bool m_err_color;
  bool m_progress;
  size_t m_table_width;
  std::chrono::steady_clock::time_point m_start;
  mutable bool m_progress_shown = false;
  mutable std::chrono::steady_clock::time_point m_progress_drawn;
};

// Rows aligned in columns (two spaces apart); the first row is the header. With a
// `width`, a table wider than it has the column `gives_way` narrowed first (free text such as
// a name), then its widest columns, none below 8, and each cell too long for its column cut
// with "…"; 0 keeps full lines.
std::string format_table(const std::vector<std::vector<std::string>>& rows, size_t width = 0,
                         size_t gives_way = k_no_column);

// `text` cut to `width` columns, its end replaced by "…" when it was longer (colour codes
// kept, and closed when one was cut).
std::string fit_width(std::string_view text, size_t width);

// The COLUMNS variable when it holds a plausible width (20 to 1000), else 0.
size_t columns_variable();
// The width of the terminal `stream` is, or 0 when it is not one.
size_t terminal_width(std::FILE* stream);
// Whether this runs in CI (CI set to anything but "", "0" or "false", as CI services do).
bool in_ci();

// Whether colour may be used on this stream: a terminal, and NO_COLOR unset or empty.
bool color_allowed(std::FILE* stream);

} // namespace agentpg::core
