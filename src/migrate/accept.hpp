#pragma once
// `accept`: the files as they are now become what was applied (Flyway's `repair`), for a
// change to an applied migration that is intended. A changed file's checksum and sections
// replace the recorded ones; a missing file's row is forgotten. Nothing of the schema is
// run or changed: only the history.
#include <string>
#include <vector>

#include "migrate/plan.hpp"

namespace agentpg::migrate {

enum class AcceptAction { record, forget, nothing };

struct AcceptItem {
  const StatusEntry* entry = nullptr;
  AcceptAction action = AcceptAction::nothing;
};

// Pure: what accepting `versions` (as given on the command line) does, in version order.
// Throws core::Error: exit 2 for a version that is not digits or has neither file nor
// history row, or that is pending (nothing was applied to accept); exit 5 for a failed or
// interrupted migration (resolve it first). An applied, unchanged one needs nothing.
std::vector<AcceptItem> plan_accept(const std::vector<StatusEntry>& status,
                                    const std::vector<std::string>& versions);

} // namespace agentpg::migrate
