#pragma once
// The statements of a seed run: its history table, the reset, reference lookups, and
// the upserts that make re-running a seed change nothing. Values travel as parameters;
// names ("schema.table", columns) are quoted here.
#include <string>
#include <utility>
#include <vector>

#include "pg/catalog.hpp"
#include "pg/query.hpp"

namespace agentpg::pg {

// agentpg.seed_history, created when missing.
Query create_seed_history();
Query record_seed_file(const std::string& environment, const std::string& file,
                       const std::string& checksum, long long inserted, long long updated,
                       long long unchanged);

// Empties `tables` ("schema.table") at once and restarts their identity sequences.
Query truncate_tables(const std::vector<std::string>& tables);
// ALTER TABLE ... DISABLE/ENABLE TRIGGER: only the table's owner may; inside the seed's
// transaction, so no other session ever sees the trigger switched off.
Query set_trigger_enabled(const std::string& table, const std::string& trigger, bool enabled);

// `column` as text of at most two rows of `table` whose columns, as text, equal the
// values given: a reference must find exactly one.
Query find_reference(const std::string& table, const std::string& column,
                     const std::vector<std::pair<std::string, std::string>>& equal);

// The most rows one upsert of `columns` columns may carry (the protocol's 65,535
// parameters, and at most `preferred`).
size_t upsert_batch_rows(size_t columns, size_t preferred);

// INSERT of `rows` (values in the order of `columns`, each cast to its column's type)
// into `table`, upserted on `key`: one row `true` per inserted row and `false` per
// changed row comes back; rows that would not change are left alone.
Query upsert_rows(const TableInfo& table, const std::vector<std::string>& columns,
                  const std::vector<std::string>& key, const std::vector<std::vector<Value>>& rows);

// CSV through COPY: straight into an empty table, else into a temporary staging table
// whose rows are then upserted (returning the inserted and updated counts).
Query table_is_empty(const std::string& table);
Query create_csv_staging(const std::string& table, const std::vector<std::string>& columns);
std::string copy_csv(const std::string& table, const std::vector<std::string>& columns,
                     bool into_staging);
Query upsert_from_csv_staging(const TableInfo& table, const std::vector<std::string>& columns,
                              const std::vector<std::string>& key);
Query drop_csv_staging();

// A long run of YAML rows through COPY: into a temporary staging table of `columns` plus
// each row's line in its file (agentpg_line), COPY's text format (copy_text_field), then
// upserted (returning the inserted and updated counts); only the rows of lines `first` to
// `last` when given, to find the one a failure is about. Dropped with drop_csv_staging.
Query create_rows_staging(const std::string& table, const std::vector<std::string>& columns);
std::string copy_rows_staging(const std::vector<std::string>& columns);
Query upsert_from_rows_staging(const TableInfo& table, const std::vector<std::string>& columns,
                               const std::vector<std::string>& key, int first = 0, int last = 0);
// The staging table's lines, in order.
Query staged_lines();
// Appends `value` as one field of COPY's text format (\N for NULL; backslash, tab,
// newline and carriage return escaped) to `line`.
void copy_text_field(std::string& line, const Value& value);

// Where a sequence stands: nextval() hands out last_value + increment when is_called,
// else last_value.
struct SequenceState {
  std::string name;         // "schema"."sequence"
  std::string owner_table;  // the table and column of a serial or identity column
  std::string owner_column; // (quoted), or ""
  std::string last_value;
  bool is_called = false;
};

// Every sequence the role can read and set (SELECT and UPDATE privileges), and where it
// stands. Sequences are not transactional: a dry run reads them first to put them back.
std::vector<SequenceState> sequence_states(Connection& conn);

struct SequencesPutBack {
  long long restored = 0;                // moved, and put back
  std::vector<std::string> not_restored; // "name: why, where it stands"
};

// After a rolled-back run: puts each sequence of `before` that moved back where it was
// (setval), unless it moved again between reading it and setting it, or a committed row
// of its column holds a value past `before` (another session used the sequence
// meanwhile: rewinding it would hand that value out twice). Those are left alone and
// named.
SequencesPutBack put_back_sequences(Connection& conn, const std::vector<SequenceState>& before);

} // namespace agentpg::pg
