#pragma once
// .env files: KEY=VALUE lines as docker compose and the dotenv libraries read them.
#include <map>
#include <string>
#include <string_view>

namespace agentpg::config {

struct DotenvEntry {
  std::string value;
  int line = 0;
};

// Parses the text of a .env file. Blank lines and `# comments` are skipped; `export `
// may prefix a line; values may be unquoted (a ` #` starts a comment), 'single-quoted'
// (literal) or "double-quoted" (\n \t \" \\ escapes, may span lines; `#` inside is kept).
// Throws core::Error (usage) naming `file_name` and the line on malformed input.
std::map<std::string, DotenvEntry> parse_dotenv(std::string_view text,
                                                const std::string& file_name);

} // namespace agentpg::config
