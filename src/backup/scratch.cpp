#include "backup/scratch.hpp"

#include <fmt/format.h>

#include <map>
#include <random>

namespace agentpg::backup {

namespace {

constexpr size_t k_max_name_bytes = 63; // NAMEDATALEN - 1

std::string qualified(const pg::TableRows& t) {
  return t.schema + "." + t.table;
}

} // namespace

std::string side_database_name(const std::string& base, const std::string& tag,
                               const std::string& hex) {
  std::string suffix = "_" + tag + "_" + hex;
  size_t room = suffix.size() < k_max_name_bytes ? k_max_name_bytes - suffix.size() : 0;
  size_t cut = std::min(base.size(), room);
  // Back off to the start of a UTF-8 character (continuation bytes are 10xxxxxx).
  while (cut > 0 && cut < base.size() && (static_cast<unsigned char>(base[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return base.substr(0, cut) + suffix;
}

std::string side_database_name(const std::string& base, const std::string& tag) {
  std::random_device random;
  return side_database_name(base, tag, fmt::format("{:08x}", random()));
}

std::vector<std::string> row_count_differences(const std::vector<pg::TableRows>& recorded,
                                               const std::vector<pg::TableRows>& restored) {
  std::map<std::pair<std::string, std::string>, long long> found;
  for (const pg::TableRows& t : restored) {
    found[{t.schema, t.table}] = t.rows;
  }
  std::vector<std::string> differences;
  for (const pg::TableRows& t : recorded) {
    auto it = found.find({t.schema, t.table});
    if (it == found.end()) {
      differences.push_back(
          fmt::format("{}: {} rows in the manifest, no such table restored", qualified(t), t.rows));
      continue;
    }
    if (it->second != t.rows) {
      differences.push_back(fmt::format("{}: {} rows in the manifest, {} restored", qualified(t),
                                        t.rows, it->second));
    }
    found.erase(it);
  }
  for (const auto& [name, rows] : found) {
    differences.push_back(fmt::format("{}.{}: {} rows restored, a table the manifest does not list",
                                      name.first, name.second, rows));
  }
  return differences;
}

} // namespace agentpg::backup
