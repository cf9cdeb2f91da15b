#include "pg/seed_sql.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/strings.hpp"

namespace agentpg::pg {

namespace {

constexpr const char* k_staging = "agentpg_seed_csv";
constexpr size_t k_max_params = 65535;

std::vector<std::string> quoted(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& n : names) {
    out.push_back(quote_identifier(n));
  }
  return out;
}

// ON CONFLICT (key) DO UPDATE of the other columns, only where a value differs, so
// that an unchanged row is neither written nor returned.
std::string upsert_tail(const TableInfo& table, const std::vector<std::string>& columns,
                        const std::vector<std::string>& key) {
  std::vector<std::string> updates;
  std::vector<std::string> mine;
  std::vector<std::string> theirs;
  for (const auto& c : columns) {
    if (std::find(key.begin(), key.end(), c) != key.end()) {
      continue;
    }
    std::string q = quote_identifier(c);
    const ColumnInfo* column = table.column(c);
    bool json = column != nullptr && column->type == "json"; // json has no equality operator
    updates.push_back(fmt::format("{0} = EXCLUDED.{0}", q));
    mine.push_back(fmt::format("t.{}{}", q, json ? "::text" : ""));
    theirs.push_back(fmt::format("EXCLUDED.{}{}", q, json ? "::text" : ""));
  }
  std::string conflict = util::join(quoted(key), ", ");
  if (updates.empty()) {
    return fmt::format(" ON CONFLICT ({}) DO NOTHING RETURNING true", conflict);
  }
  return fmt::format(
      " ON CONFLICT ({}) DO UPDATE SET {} WHERE ({}) IS DISTINCT FROM ({}) RETURNING (xmax = 0)",
      conflict, util::join(updates, ", "), util::join(mine, ", "), util::join(theirs, ", "));
}

} // namespace

Query create_seed_history() {
  return "CREATE SCHEMA IF NOT EXISTS agentpg; "
         "CREATE TABLE IF NOT EXISTS agentpg.seed_history (id bigint GENERATED ALWAYS AS IDENTITY "
         "PRIMARY KEY, "
         "environment text NOT NULL, file text NOT NULL, checksum text NOT NULL, "
         "applied_at timestamptz NOT NULL DEFAULT now(), inserted bigint NOT NULL DEFAULT 0, "
         "updated bigint NOT NULL DEFAULT 0, unchanged bigint NOT NULL DEFAULT 0)";
}

Query record_seed_file(const std::string& environment, const std::string& file,
                       const std::string& checksum, long long inserted, long long updated,
                       long long unchanged) {
  return Query("INSERT INTO agentpg.seed_history (environment, file, checksum, inserted, updated, "
               "unchanged) "
               "VALUES ($1, $2, $3, $4, $5, $6)",
               {environment, file, checksum, std::to_string(inserted), std::to_string(updated),
                std::to_string(unchanged)})
      .changing(1);
}

Query truncate_tables(const std::vector<std::string>& tables) {
  std::vector<std::string> names;
  for (const auto& t : tables) {
    names.push_back(quote_qualified(t));
  }
  return "TRUNCATE " + util::join(names, ", ") + " RESTART IDENTITY";
}

Query find_reference(const std::string& table, const std::string& column,
                     const std::vector<std::pair<std::string, std::string>>& equal) {
  std::vector<std::string> conditions;
  std::vector<Value> params;
  for (const auto& [name, value] : equal) {
    params.emplace_back(value);
    conditions.push_back(fmt::format("{}::text = ${}", quote_identifier(name), params.size()));
  }
  return Query(fmt::format("SELECT {}::text FROM {} WHERE {} LIMIT 2", quote_identifier(column),
                           quote_qualified(table),
                           conditions.empty() ? "true" : util::join(conditions, " AND ")),
               std::move(params));
}

size_t upsert_batch_rows(size_t columns, size_t preferred) {
  return std::max<size_t>(1, std::min(preferred, k_max_params / std::max<size_t>(1, columns)));
}

Query upsert_rows(const TableInfo& table, const std::vector<std::string>& columns,
                  const std::vector<std::string>& key,
                  const std::vector<std::vector<Value>>& rows) {
  std::vector<Value> params;
  std::vector<std::string> tuples;
  for (const auto& row : rows) {
    std::vector<std::string> placeholders;
    for (size_t i = 0; i < columns.size() && i < row.size(); ++i) {
      params.push_back(row[i]);
      const ColumnInfo* column = table.column(columns[i]);
      placeholders.push_back(
          fmt::format("${}::{}", params.size(), column != nullptr ? column->type : "text"));
    }
    tuples.push_back("(" + util::join(placeholders, ", ") + ")");
  }
  return Query(fmt::format("INSERT INTO {} AS t ({}) VALUES {}{}", quote_qualified(table.name),
                           util::join(quoted(columns), ", "), util::join(tuples, ", "),
                           upsert_tail(table, columns, key)),
               std::move(params));
}

Query table_is_empty(const std::string& table) {
  return fmt::format("SELECT NOT EXISTS (SELECT 1 FROM {})", quote_qualified(table));
}

Query create_csv_staging(const std::string& table, const std::vector<std::string>& columns) {
  return fmt::format("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA",
                     k_staging, util::join(quoted(columns), ", "), quote_qualified(table));
}

std::string copy_csv(const std::string& table, const std::vector<std::string>& columns,
                     bool into_staging) {
  return fmt::format("COPY {} ({}) FROM STDIN WITH (FORMAT csv, HEADER true)",
                     into_staging ? k_staging : quote_qualified(table),
                     util::join(quoted(columns), ", "));
}

Query upsert_from_csv_staging(const TableInfo& table, const std::vector<std::string>& columns,
                              const std::vector<std::string>& key) {
  std::string list = util::join(quoted(columns), ", ");
  return fmt::format(
      "WITH up AS (INSERT INTO {} AS t ({}) SELECT {} FROM {}{}) "
      "SELECT count(*) FILTER (WHERE up.r), count(*) FILTER (WHERE NOT up.r) FROM up AS up(r)",
      quote_qualified(table.name), list, list, k_staging, upsert_tail(table, columns, key));
}

Query drop_csv_staging() {
  return fmt::format("DROP TABLE {}", k_staging);
}

} // namespace agentpg::pg
