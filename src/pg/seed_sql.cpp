#include "pg/seed_sql.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "pg/connection.hpp"
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

Query set_trigger_enabled(const std::string& table, const std::string& trigger, bool enabled) {
  return "ALTER TABLE " + quote_qualified(table) + (enabled ? " ENABLE" : " DISABLE") +
         " TRIGGER " + quote_identifier(trigger);
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

Query create_rows_staging(const std::string& table, const std::vector<std::string>& columns) {
  return fmt::format(
      "CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {}, 0 AS agentpg_line FROM {} WITH NO DATA",
      k_staging, util::join(quoted(columns), ", "), quote_qualified(table));
}

std::string copy_rows_staging(const std::vector<std::string>& columns) {
  return fmt::format("COPY {} ({}, agentpg_line) FROM STDIN", k_staging,
                     util::join(quoted(columns), ", "));
}

Query upsert_from_rows_staging(const TableInfo& table, const std::vector<std::string>& columns,
                               const std::vector<std::string>& key, int first, int last) {
  std::string list = util::join(quoted(columns), ", ");
  std::vector<Value> params;
  std::string where;
  if (first > 0) {
    where = " WHERE agentpg_line BETWEEN $1 AND $2";
    params = {std::to_string(first), std::to_string(last)};
  }
  return Query(
      fmt::format(
          "WITH up AS (INSERT INTO {} AS t ({}) SELECT {} FROM {}{}{}) "
          "SELECT count(*) FILTER (WHERE up.r), count(*) FILTER (WHERE NOT up.r) FROM up AS up(r)",
          quote_qualified(table.name), list, list, k_staging, where,
          upsert_tail(table, columns, key)),
      std::move(params));
}

Query staged_lines() {
  return fmt::format("SELECT agentpg_line FROM {} ORDER BY 1", k_staging);
}

void copy_text_field(std::string& line, const Value& value) {
  if (!value) {
    line += "\\N";
    return;
  }
  for (char c : *value) {
    switch (c) {
    case '\\':
      line += "\\\\";
      break;
    case '\t':
      line += "\\t";
      break;
    case '\n':
      line += "\\n";
      break;
    case '\r':
      line += "\\r";
      break;
    default:
      line += c;
    }
  }
}

Query drop_csv_staging() {
  return fmt::format("DROP TABLE {}", k_staging);
}

namespace {

constexpr size_t k_sequences_per_query = 500;

// Where the sequences named in `states` stand now, filled in place (in batches: one
// SELECT per sequence, joined by UNION ALL).
void read_positions(Connection& conn, std::vector<SequenceState>& states) {
  for (size_t start = 0; start < states.size(); start += k_sequences_per_query) {
    size_t end = std::min(states.size(), start + k_sequences_per_query);
    std::vector<std::string> selects;
    for (size_t i = start; i < end; ++i) {
      selects.push_back(
          fmt::format("SELECT {}, last_value::text, is_called FROM {}", i, states[i].name));
    }
    Rows rows = conn.query(util::join(selects, " UNION ALL "));
    for (size_t r = 0; r < rows.size(); ++r) {
      SequenceState& state = states[std::stoul(rows.text(r, 0))];
      state.last_value = rows.text(r, 1);
      state.is_called = rows.text(r, 2) == "t";
    }
  }
}

bool same_position(const SequenceState& a, const SequenceState& b) {
  return a.last_value == b.last_value && a.is_called == b.is_called;
}

std::string position(const SequenceState& s) {
  return s.is_called ? s.last_value : fmt::format("{} (not yet used)", s.last_value);
}

// The largest value past `s`'s position that a committed row holds in the sequence's
// column, "" when none (or when the column is not known or cannot be read).
std::string used_past(Connection& conn, const SequenceState& s) {
  if (s.owner_table.empty()) {
    return "";
  }
  Rows rows;
  Query q(fmt::format("SELECT max({0})::text FROM {1} WHERE {0} > $1::bigint - "
                      "CASE WHEN $2::boolean THEN 0 ELSE 1 END",
                      s.owner_column, s.owner_table),
          {s.last_value, s.is_called ? "true" : "false"});
  if (conn.try_query(q, rows) || rows.empty()) {
    return "";
  }
  return rows.text(0, 0);
}

} // namespace

std::vector<SequenceState> sequence_states(Connection& conn) {
  Rows rows = conn.query(
      "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), "
      "coalesce(quote_ident(tn.nspname) || '.' || quote_ident(t.relname), ''), "
      "coalesce(quote_ident(a.attname), '') "
      "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "LEFT JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::regclass "
      "AND d.objid = c.oid AND d.refclassid = 'pg_catalog.pg_class'::regclass "
      "AND d.deptype IN ('a', 'i') "
      "LEFT JOIN pg_catalog.pg_class t ON t.oid = d.refobjid "
      "LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace "
      "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = "
      "d.refobjsubid "
      "WHERE c.relkind = 'S' AND n.nspname <> 'information_schema' "
      "AND n.nspname !~ '^pg_' "
      // has_sequence_privilege() fails on a table: only ever ask it of a sequence.
      "AND CASE WHEN c.relkind = 'S' THEN has_sequence_privilege(c.oid, 'SELECT') "
      "AND has_sequence_privilege(c.oid, 'UPDATE') END "
      "ORDER BY 1");
  std::vector<SequenceState> states;
  for (size_t r = 0; r < rows.size(); ++r) {
    states.push_back(SequenceState{rows.text(r, 0), rows.text(r, 1), rows.text(r, 2), "", false});
  }
  read_positions(conn, states);
  return states;
}

SequencesPutBack put_back_sequences(Connection& conn, const std::vector<SequenceState>& before) {
  SequencesPutBack result;
  std::vector<SequenceState> now = before;
  read_positions(conn, now);
  for (size_t i = 0; i < before.size(); ++i) {
    const SequenceState& was = before[i];
    if (same_position(now[i], was)) {
      continue; // not moved, or already back (TRUNCATE ... RESTART IDENTITY is rolled back)
    }
    std::string largest = used_past(conn, was);
    if (!largest.empty()) {
      result.not_restored.push_back(fmt::format(
          "{}: another session used it during the dry run (a row holds {}): left at {}, it "
          "was at {}",
          was.name, largest, position(now[i]), position(was)));
      continue;
    }
    // Set only if it still stands where it was just read: a nextval() of another session
    // in between must not be handed out twice.
    Rows set;
    Query q(fmt::format("SELECT pg_catalog.setval($1::regclass, $2::bigint, $3::boolean) FROM {} "
                        "WHERE last_value = $4::bigint AND is_called = $5::boolean",
                        was.name),
            {was.name, was.last_value, was.is_called ? "true" : "false", now[i].last_value,
             now[i].is_called ? "true" : "false"});
    if (auto error = conn.try_query(q, set)) {
      result.not_restored.push_back(fmt::format("{}: cannot be put back ({}): left at {}, it was "
                                                "at {}",
                                                was.name, error->message, position(now[i]),
                                                position(was)));
    } else if (set.empty()) {
      result.not_restored.push_back(
          fmt::format("{}: another session used it as it was put back: left where it is, it was "
                      "at {}",
                      was.name, position(was)));
    } else {
      ++result.restored;
    }
  }
  return result;
}

} // namespace agentpg::pg
