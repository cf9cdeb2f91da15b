#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include <CLI/CLI.hpp>

#include "cli/words.hpp"
#include "util/strings.hpp"

namespace agentpg::cli {

namespace {

struct Group {
  const char* title;
  std::vector<const char*> commands;
};

// The general help's groups: what a developer, a deployment and an operator use. A
// command may sit in two groups (migrate is both everyday work and a deployment step).
const Group k_groups[] = {
    {"Develop",
     {"new", "lint", "migrate", "rollback", "redo", "status", "diff", "accept", "verify", "dump",
      "load", "seed", "bundled"}},
    {"Deploy",
     {"init", "create-db", "drop-db", "migrate", "check", "wait", "load", "adopt", "baseline",
      "bundled"}},
    {"Operate", {"backup", "restore", "maintain", "local"}},
    {"Shell", {"completion", "help"}},
};

// The words of `text` on lines of at most `width`, the first starting with `head`, the
// others indented by `indent`. A word longer than a line stays whole.
void fill(std::string& out, std::string head, const std::string& text, size_t indent,
          size_t width) {
  std::string line = std::move(head);
  bool empty = true;
  std::istringstream words(text);
  std::string word;
  while (words >> word) {
    if (!empty && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line = std::string(indent, ' ');
      empty = true;
    }
    line += (empty ? "" : " ") + word;
    empty = false;
  }
  out += line + "\n";
}

} // namespace

size_t help_width() {
  if (const char* columns = std::getenv("COLUMNS")) {
    unsigned long long n = 0;
    if (util::parse_uint(columns, n) && n >= 20 && n <= 1000) {
      return static_cast<size_t>(n);
    }
  }
  winsize size{};
  if (isatty(STDOUT_FILENO) != 0 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 &&
      size.ws_col >= 20) {
    return size.ws_col;
  }
  return 80;
}

std::string wrap_help(const std::string& text, size_t width) {
  std::string out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() <= width) {
      out += line + "\n";
      continue;
    }
    size_t start = line.find_first_not_of(' ');
    size_t gap = line.find("  ", start);
    size_t column = gap == std::string::npos ? std::string::npos : line.find_first_not_of(' ', gap);
    if (column == std::string::npos) {
      // Prose: wrapped under its own indentation.
      fill(out, std::string(start, ' '), line.substr(start), start, width);
    } else if (column + 20 <= width) {
      // "  --name VALUE    description": the description wraps under itself.
      fill(out, line.substr(0, column), line.substr(column), column, width);
    } else {
      // The name leaves no room: the description goes under it, indented.
      fill(out, "", line.substr(0, gap), start, width);
      fill(out, std::string(start + 6, ' '), line.substr(column), start + 6, width);
    }
  }
  return out;
}

std::string general_help(const CLI::App& app, size_t width) {
  std::string out;
  fill(out, "", app.get_description(), 0, width);
  out += "\nUsage: agentpg [OPTIONS] COMMAND [ARGS]\n";
  size_t name_width = 0;
  for (const Group& group : k_groups) {
    for (const char* name : group.commands) {
      name_width = std::max(name_width, std::string(name).size());
    }
  }
  size_t column = std::min<size_t>(name_width + 4, width / 3);
  for (const Group& group : k_groups) {
    out += fmt::format("\n{}:\n", group.title);
    for (const char* name : group.commands) {
      std::string head = fmt::format("  {:<{}}", name, column - 2);
      if (head.size() > column) {
        head += " ";
      }
      fill(out, head, app.get_subcommand(name)->get_description(), column, width);
    }
  }
  out += "\n";
  fill(out, "", other_tools_words_help(), 0, width);
  out += "\n";
  fill(out, "",
       "Run 'agentpg help COMMAND' (or 'agentpg COMMAND --help') for a command's options, and "
       "'agentpg --help' for the global options: database URL, config file, --local, --json, "
       "--quiet, ...",
       0, width);
  return out;
}

} // namespace agentpg::cli
