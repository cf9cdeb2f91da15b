#pragma once
// Everything agentpg prints goes through Output, so --json, --quiet, --verbose,
// colour (only on a terminal, never with NO_COLOR or --no-color) and progress (only
// when stderr is a terminal) are decided in one place.
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
  // Only with --verbose, on stderr.
  void detail(std::string_view text) const;
  // A transient status line on a terminal; nothing anywhere else.
  void progress(std::string_view text) const;
  void end_progress() const;
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

private:
  OutputOptions m_options;
  std::string m_command;
  std::FILE* m_out;
  std::FILE* m_err;
  bool m_out_color;
  bool m_err_color;
  bool m_err_terminal;
  mutable bool m_progress_shown = false;
};

// Rows aligned in columns (two spaces apart); the first row is the header.
std::string format_table(const std::vector<std::vector<std::string>>& rows);

// Whether colour may be used on this stream: a terminal, and NO_COLOR unset or empty.
bool color_allowed(std::FILE* stream);

} // namespace agentpg::core
