#pragma once
// What a restore needs besides pg_restore: names for the databases it works in beside the
// target, and the check of a restored copy against its backup's manifest.
#include <string>
#include <vector>

#include "pg/row_counts.hpp"

namespace agentpg::backup {

// "<base>_<tag>_<hex>" within PostgreSQL's 63-byte limit on names: `base` is cut (never
// inside a UTF-8 character) to make room, so the name stays recognisable and unique.
std::string side_database_name(const std::string& base, const std::string& tag,
                               const std::string& hex);
// The same with 8 random hex digits.
std::string side_database_name(const std::string& base, const std::string& tag);

// One line per table whose rows differ between the manifest (`recorded`) and the restored
// copy (`restored`), tables missing on either side included; empty when they agree.
std::vector<std::string> row_count_differences(const std::vector<pg::TableRows>& recorded,
                                               const std::vector<pg::TableRows>& restored);

} // namespace agentpg::backup
