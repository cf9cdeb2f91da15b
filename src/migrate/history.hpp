#pragma once
// The history as the migration engine sees it. The rows and the database interface are
// defined beside their real implementation, in pg/migration_store.hpp; the engine names
// them here.
#include "migrate/files.hpp"
#include "pg/migration_store.hpp"

namespace agentpg::migrate {

using pg::AppliedMigration;
using pg::Direction;
using pg::HistoryStatus;
using pg::LockHolder;
using pg::RecordedMigration;
using Database = pg::MigrationStore;

// The row the history records for `m` when it is applied.
pg::MigrationRow history_row(const MigrationFile& m);

} // namespace agentpg::migrate
