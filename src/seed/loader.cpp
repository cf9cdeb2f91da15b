#include "seed/loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "pg/catalog.hpp"
#include "pg/connection.hpp"
#include "pg/seed_sql.hpp"
#include "sql/position.hpp"
#include "sql/splitter.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace agentpg::seed {

namespace {

using core::Error;
using core::ExitCode;
constexpr size_t k_batch_rows = 500;
constexpr const char* k_batch_savepoint = "agentpg_seed_batch";
// COPY data is handed to libpq in pieces of about this size.
constexpr size_t k_copy_chunk = size_t{1} << 16;

std::string describe(const pg::ServerError& e) {
  std::string text = fmt::format("{} (SQLSTATE {})", e.message, e.sqlstate);
  if (!e.detail.empty()) {
    text += "\n  DETAIL: " + e.detail;
  }
  if (!e.hint.empty()) {
    text += "\n  HINT: " + e.hint;
  }
  return text;
}

// A PostgreSQL array literal ({"a","b"}) of text items.
std::string array_literal(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    out += i > 0 ? "," : "";
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') {
        out += '\\';
      }
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

class Loader {
public:
  Loader(pg::Connection& conn, const core::Output& out, SeedReport& report)
      : m_conn(conn), m_out(out), m_report(report) {}

  // `sequences`: for a dry run, where every sequence stood before it (to put them back).
  void run(const std::vector<SeedFile>& files, const SeedOptions& options,
           std::vector<pg::SequenceState>& sequences) {
    exec(pg::begin());
    if (options.dry_run) {
      sequences = pg::sequence_states(m_conn);
    }
    exec(pg::create_seed_history());
    std::vector<const SeedFile*> chosen = installed(files, options.modules);
    if (options.reset) {
      reset(chosen, options.before_reset);
    }
    for (size_t n = 0; n < chosen.size(); ++n) {
      const SeedFile* f = chosen[n];
      start_file(fmt::format("seeding {}/{} {}", n + 1, chosen.size(), f->name),
                 f->kind == SeedKind::sql ? "statements" : "rows");
      TableCounts before = f->table.empty() ? TableCounts{} : counts(f->table);
      if (f->kind == SeedKind::sql) {
        load_sql(*f);
      } else if (f->kind == SeedKind::yaml) {
        load_yaml(*f);
      } else {
        load_csv(*f);
      }
      TableCounts after = f->table.empty() ? TableCounts{} : counts(f->table);
      exec(pg::record_seed_file(options.environment, f->name, f->checksum,
                                after.inserted - before.inserted, after.updated - before.updated,
                                after.unchanged - before.unchanged));
      m_report.files.push_back(f->name);
      m_out.detail(fmt::format("seeded {}: {} in {}", f->name, rows_and_rate(),
                               util::format_duration_ms(util::elapsed_ms(m_file_start))));
    }
    m_out.end_progress();
    exec(options.dry_run ? pg::rollback() : pg::commit());
  }

private:
  // The progress line of each file: "seeding 2/5 10_items.csv: 12000 rows, 4000 rows/s".
  void start_file(std::string label, const char* unit) {
    m_file_label = std::move(label);
    m_file_unit = unit;
    m_file_start = util::Clock::now();
    m_file_rows = 0;
    m_out.progress(m_file_label + " ...", core::Redraw::now);
  }
  void add_rows(unsigned long long rows) {
    m_file_rows += rows;
    m_out.progress(fmt::format("{}: {}", m_file_label, rows_and_rate()));
  }
  std::string rows_and_rate() const {
    double seconds = util::elapsed_ms(m_file_start) / 1000;
    if (seconds < 0.001) {
      return fmt::format("{} {}", m_file_rows, m_file_unit);
    }
    return fmt::format("{} {}, {:.0f} {}/s", m_file_rows, m_file_unit,
                       static_cast<double>(m_file_rows) / seconds, m_file_unit);
  }

  // Runs SQL; a failure throws with `where` in front of the server's words.
  void exec(const pg::Query& query, const std::string& where = "") {
    if (auto error = m_conn.try_execute(query)) {
      throw Error(ExitCode::sql,
                  fmt::format("{}{}", where.empty() ? "" : where + ": ", describe(*error)),
                  "nothing of this seed run was written");
    }
  }

  TableCounts& counts(const std::string& table) {
    for (auto& t : m_report.tables) {
      if (t.table == table) {
        return t;
      }
    }
    m_report.tables.push_back(TableCounts{table});
    return m_report.tables.back();
  }

  // Files whose schemas exist. A missing schema of one of the project's modules is a
  // module not installed (`modules: [core, caracal]`): its files are skipped with a notice.
  // Any other missing schema is a mistake (a misspelt name, a file of another project),
  // which skipping would hide behind exit 0.
  std::vector<const SeedFile*> installed(const std::vector<SeedFile>& files,
                                         const std::vector<std::string>& modules) {
    std::vector<const SeedFile*> chosen;
    for (const auto& f : files) {
      std::vector<std::string> schemas = f.requires_schemas;
      if (!f.table.empty()) {
        schemas.push_back(f.table.substr(0, f.table.find('.')));
      }
      for (const auto& filled : f.fills) {
        if (filled.find('.') == std::string::npos) {
          throw Error(ExitCode::validation,
                      fmt::format("{}: '-- fills: {}' needs the table's schema", f.path, filled),
                      "write it as schema.table");
        }
        schemas.push_back(filled.substr(0, filled.find('.')));
      }
      auto missing = std::find_if(schemas.begin(), schemas.end(), [&](const std::string& s) {
        return !pg::schema_exists(m_conn, s);
      });
      if (missing == schemas.end()) {
        // What --reset empties must be there: a misspelt table would fail the reset with the
        // server's words and no file named.
        for (const auto& filled : f.fills) {
          if (!pg::table_info(m_conn, filled)) {
            throw Error(ExitCode::validation,
                        fmt::format("{}: unknown table {} in '-- fills:'", f.path, filled),
                        "check the table's name; is the migration that creates it applied?");
          }
        }
        chosen.push_back(&f);
        continue;
      }
      if (std::find(modules.begin(), modules.end(), *missing) == modules.end()) {
        throw Error(ExitCode::validation,
                    fmt::format("unknown schema {} in {}: database {} has no such schema and no "
                                "module of the project is named so",
                                *missing, f.path, m_conn.database()),
                    modules.empty() ? "check the schema's name in the file"
                                    : fmt::format("check the schema's name in the file; the "
                                                  "modules are: {}",
                                                  util::join(modules, ", ")));
      }
      m_report.skipped.push_back(fmt::format("{}: module {} is not installed", f.name, *missing));
      m_out.notice(
          fmt::format("agentpg: skipped {}: module {} is not installed", f.name, *missing));
    }
    return chosen;
  }

  const pg::TableInfo& table(const SeedFile& f) {
    auto it = m_tables.find(f.table);
    if (it != m_tables.end()) {
      return it->second;
    }
    std::optional<pg::TableInfo> info = pg::table_info(m_conn, f.table);
    if (!info) {
      throw Error(ExitCode::validation, fmt::format("{}:1: unknown table {}", f.path, f.table),
                  "is the migration that creates it applied? ('agentpg status')");
    }
    return m_tables.emplace(f.table, *info).first->second;
  }

  // Empties the seeded tables together with the tables that refer to them (which could
  // not keep their rows otherwise), and says which those were.
  void reset(const std::vector<const SeedFile*>& files,
             const decltype(SeedOptions::before_reset)& before_reset) {
    std::set<std::string> seeded;
    for (const SeedFile* f : files) {
      if (!f->table.empty()) {
        seeded.insert(f->table);
      }
      seeded.insert(f->fills.begin(), f->fills.end());
    }
    std::set<std::string> tables = seeded;
    std::vector<std::string> queue(seeded.begin(), seeded.end());
    while (!queue.empty()) {
      std::string t = queue.back();
      queue.pop_back();
      for (const auto& other : pg::referencing_tables(m_conn, t)) {
        if (tables.insert(other).second) {
          queue.push_back(other);
          m_report.also_emptied.push_back(other);
        }
      }
    }
    if (tables.empty()) {
      return;
    }
    // An append-only table (a ledger, an audit log) refuses TRUNCATE with a trigger. A reset
    // is the one deliberate way past it: the trigger is switched off and on again inside this
    // transaction (which only the table's owner may do), after the prompt named it.
    std::vector<std::pair<std::string, std::string>> guards;
    for (const auto& t : tables) {
      for (const auto& trigger : pg::truncate_triggers(m_conn, t)) {
        guards.emplace_back(t, trigger);
        m_report.guards_set_aside.push_back(t + ": " + trigger);
      }
    }
    if (before_reset) {
      std::vector<std::string> referring;
      for (const auto& t : tables) {
        if (seeded.count(t) == 0) {
          referring.push_back(t);
        }
      }
      before_reset(std::vector<std::string>(seeded.begin(), seeded.end()), referring,
                   m_report.guards_set_aside);
    }
    for (const auto& [table, trigger] : guards) {
      exec(pg::set_trigger_enabled(table, trigger, false), "reset");
    }
    exec(pg::truncate_tables(std::vector<std::string>(tables.begin(), tables.end())), "reset");
    for (const auto& [table, trigger] : guards) {
      exec(pg::set_trigger_enabled(table, trigger, true), "reset");
    }
    m_report.reset = true;
  }

  void load_sql(const SeedFile& f) {
    sql::Source source{f.sql, f.path, 1};
    for (const auto& st : sql::split_statements(f.sql)) {
      if (!st.has_sql) {
        continue;
      }
      if (auto error = m_conn.try_execute(f.sql.substr(st.offset, st.length))) {
        throw Error(ExitCode::sql,
                    fmt::format("{}: {}",
                                sql::locate(source, st.offset, st.length, error->position),
                                describe(*error)),
                    "nothing of this seed run was written");
      }
      ++m_report.statements;
      add_rows(1);
    }
  }

  pg::Value resolve(const SeedFile& f, int line, const SeedValue& v) {
    std::string cache_key = v.ref_table + "|" + v.ref_column;
    for (const auto& [k, value] : v.ref_key) {
      cache_key += "|" + k + "=" + value;
    }
    if (auto it = m_refs.find(cache_key); it != m_refs.end()) {
      return it->second;
    }
    SeedFile target;
    target.path = f.path;
    target.table = v.ref_table;
    const pg::TableInfo& info = table(target);
    std::string column = v.ref_column;
    if (column.empty()) {
      if (info.primary_key.size() != 1) {
        throw Error(
            ExitCode::validation,
            fmt::format("{}:{}: {} has no single-column primary key: name the column with $column",
                        f.path, line, v.ref_table));
      }
      column = info.primary_key[0];
    }
    for (const auto& [k, value] : v.ref_key) {
      if (info.column(k) == nullptr) {
        throw Error(ExitCode::validation,
                    fmt::format("{}:{}: {} has no column {}", f.path, line, v.ref_table, k));
      }
    }
    pg::Query lookup =
        pg::find_reference(v.ref_table, column, {v.ref_key.begin(), v.ref_key.end()});
    pg::Rows rows = m_conn.query(lookup.text, lookup.params);
    std::vector<std::string> described;
    for (const auto& [k, value] : v.ref_key) {
      described.push_back(k + "=" + value);
    }
    if (rows.size() != 1) {
      throw Error(ExitCode::validation,
                  fmt::format("{}:{}: {} row in {} with {}", f.path, line,
                              rows.empty() ? "no" : "more than one", v.ref_table,
                              util::join(described, ", ")),
                  rows.empty() ? "a referenced row must be seeded before it is referenced (this "
                                 "file or an earlier one)"
                               : "reference it by columns that identify one row");
    }
    pg::Value value = rows.is_null(0, 0) ? pg::Value{} : pg::Value{rows.text(0, 0)};
    m_refs.emplace(cache_key, value);
    return value;
  }

  // The value as text, which the upsert casts to the column's type.
  pg::Value value(const SeedFile& f, int line, const pg::ColumnInfo& column, const SeedValue& v) {
    switch (v.kind) {
    case SeedValue::Kind::null:
      return std::nullopt;
    case SeedValue::Kind::reference:
      return resolve(f, line, v);
    case SeedValue::Kind::scalar:
      return v.text;
    case SeedValue::Kind::structured:
      if (column.is_json) {
        return v.text;
      }
      if (column.is_array && v.is_list) {
        return array_literal(v.items);
      }
      throw Error(ExitCode::validation,
                  fmt::format("{}:{}: column {} is {}: it takes a single value, not a {}", f.path,
                              line, column.name, column.type, v.is_list ? "list" : "map"));
    }
    return std::nullopt;
  }

  // A unique key of the table whose columns are all in `available` (the first found).
  static std::optional<std::vector<std::string>> key_in(const pg::TableInfo& info,
                                                        const std::vector<std::string>& available) {
    for (const auto& unique : info.unique_keys) {
      if (std::all_of(unique.begin(), unique.end(), [&](const std::string& c) {
            return std::find(available.begin(), available.end(), c) != available.end();
          })) {
        return unique;
      }
    }
    return std::nullopt;
  }

  // The conflict columns: the file's key, which must be a unique key of the table.
  std::vector<std::string> conflict_key(const SeedFile& f, const pg::TableInfo& info,
                                        const std::vector<std::string>& available) {
    if (f.key.empty()) {
      if (auto key = key_in(info, available)) {
        return *key;
      }
      throw Error(ExitCode::validation,
                  fmt::format("{}:1: no key given, and {} has no primary key or unique constraint "
                              "whose columns are all in the file",
                              f.path, f.table),
                  "seeds are upserted on their key, so re-running them changes nothing: name a "
                  "unique key with 'key:'");
    }
    std::vector<std::string> sorted_key = f.key;
    std::sort(sorted_key.begin(), sorted_key.end());
    for (auto unique : info.unique_keys) {
      std::sort(unique.begin(), unique.end());
      if (unique == sorted_key) {
        return f.key;
      }
    }
    throw Error(ExitCode::validation,
                fmt::format("{}:1: key ({}) is not a primary key or unique constraint of {}",
                            f.path, util::join(f.key, ", "), f.table),
                "seeds are upserted on their key, so re-running them changes nothing: name a "
                "unique key with 'key:'");
  }

  // Runs one multi-row upsert; on failure, finds the row to blame by running them one by one.
  void upsert(const SeedFile& f, const pg::TableInfo& info, const std::vector<std::string>& columns,
              const std::vector<std::string>& key,
              const std::vector<std::pair<int, std::vector<pg::Value>>>& rows) {
    std::vector<std::vector<pg::Value>> values;
    for (const auto& r : rows) {
      values.push_back(r.second);
    }
    pg::Rows result;
    exec(pg::savepoint(k_batch_savepoint));
    if (auto error = m_conn.try_query(pg::upsert_rows(info, columns, key, values), result)) {
      exec(pg::rollback_to_savepoint(k_batch_savepoint));
      for (const auto& [line, row] : rows) {
        pg::Rows single;
        if (auto row_error = m_conn.try_query(pg::upsert_rows(info, columns, key, {row}), single)) {
          throw Error(ExitCode::sql, fmt::format("{}:{}: {}", f.path, line, describe(*row_error)),
                      "nothing of this seed run was written");
        }
      }
      throw Error(ExitCode::sql, fmt::format("{}: {}", f.path, describe(*error)),
                  error->sqlstate == "21000" ? "two rows of the file have the same key" : "");
    }
    TableCounts& c = counts(f.table);
    for (size_t r = 0; r < result.size(); ++r) {
      (result.text(r, 0) == "t" ? c.inserted : c.updated) += 1;
    }
    c.unchanged += static_cast<long long>(rows.size() - result.size());
    add_rows(rows.size());
  }

  // Consecutive rows with the same columns go in one statement, up to its size. A longer
  // run of them (a large file) goes through COPY instead: a multi-row INSERT costs the
  // server ~5 times what COPY does for the same rows.
  struct YamlBatch {
    std::vector<std::string> columns; // as the rows name them, in the file's order
    std::vector<std::string> key;
    size_t capacity = 0;
    std::vector<std::pair<int, std::vector<pg::Value>>> rows; // line, values
    // The COPY run in progress: its rows' first line, the file's row number (from 0) of
    // its first row, the rows sent, and the data not yet handed to libpq.
    bool copying = false;
    int first_line = 0;
    long long first_row = 0;
    long long copied = 0;
    std::string pending;
    long long row_number = 0; // of the file's rows, the next one
  };

  void load_yaml(const SeedFile& f) {
    const pg::TableInfo& info = table(f);
    counts(f.table);
    YamlBatch batch;
    stream_yaml_rows(f, [&](SeedRow&& row) {
      add_yaml_row(f, info, batch, row);
      ++batch.row_number;
    });
    if (batch.copying) {
      end_copy_run(f, info, batch);
    }
    flush(f, info, batch);
  }

  void add_yaml_row(const SeedFile& f, const pg::TableInfo& info, YamlBatch& batch,
                    const SeedRow& row) {
    bool same_columns =
        row.values.size() == batch.columns.size() &&
        std::equal(row.values.begin(), row.values.end(), batch.columns.begin(),
                   [](const auto& v, const std::string& c) { return v.first == c; });
    bool refers = false;
    bool refers_to_own_table = false;
    for (const auto& v : row.values) {
      if (v.second.kind == SeedValue::Kind::reference) {
        refers = true;
        refers_to_own_table = refers_to_own_table || v.second.ref_table == f.table;
      }
    }
    // A reference is looked up with a query, which cannot run while a COPY does.
    if (batch.copying && (!same_columns || refers)) {
      end_copy_run(f, info, batch);
    }
    if (!batch.copying && batch.rows.size() >= batch.capacity && same_columns && !refers) {
      start_copy_run(f, info, batch);
    } else if (!batch.copying &&
               (!same_columns || refers_to_own_table || batch.rows.size() >= batch.capacity)) {
      // A row referring to an earlier row of this file needs that row written first.
      flush(f, info, batch);
    }
    if (!same_columns) {
      start_batch(f, info, batch, row);
    }
    std::vector<pg::Value> values;
    values.reserve(row.values.size());
    for (const auto& [name, v] : row.values) {
      values.push_back(value(f, row.line, *info.column(name), v));
    }
    if (batch.copying) {
      send_copy_row(f, info, batch, row.line, values);
    } else {
      batch.rows.emplace_back(row.line, std::move(values));
    }
  }

  // The columns of a new run of rows, checked against the table, and its conflict key.
  void start_batch(const SeedFile& f, const pg::TableInfo& info, YamlBatch& batch,
                   const SeedRow& row) {
    batch.columns.clear();
    for (const auto& [name, value] : row.values) {
      const pg::ColumnInfo* column = info.column(name);
      if (column == nullptr) {
        throw Error(ExitCode::validation,
                    fmt::format("{}:{}: {} has no column {}", f.path, row.line, f.table, name));
      }
      if (column->generated_always) {
        throw Error(ExitCode::validation, fmt::format("{}:{}: {}.{} is generated: leave it out",
                                                      f.path, row.line, f.table, name));
      }
      batch.columns.push_back(name);
    }
    batch.key = conflict_key(f, info, batch.columns);
    batch.capacity = pg::upsert_batch_rows(batch.columns.size(), k_batch_rows);
  }

  void flush(const SeedFile& f, const pg::TableInfo& info, YamlBatch& batch) {
    if (!batch.rows.empty()) {
      upsert(f, info, batch.columns, batch.key, batch.rows);
      batch.rows.clear();
    }
  }

  // The batch in memory becomes the start of a COPY run into the staging table.
  void start_copy_run(const SeedFile& f, const pg::TableInfo& info, YamlBatch& batch) {
    exec(pg::create_rows_staging(f.table, batch.columns));
    if (auto error = m_conn.copy_begin(pg::copy_rows_staging(batch.columns))) {
      throw Error(ExitCode::sql, fmt::format("{}: {}", f.path, describe(*error)),
                  "nothing of this seed run was written");
    }
    batch.copying = true;
    batch.copied = 0;
    batch.first_line = batch.rows.front().first;
    batch.first_row = batch.row_number - static_cast<long long>(batch.rows.size());
    for (const auto& [line, values] : batch.rows) {
      send_copy_row(f, info, batch, line, values);
    }
    batch.rows.clear();
  }

  void send_copy_row(const SeedFile& f, const pg::TableInfo& info, YamlBatch& batch, int line,
                     const std::vector<pg::Value>& values) {
    for (const auto& v : values) {
      pg::copy_text_field(batch.pending, v);
      batch.pending += '\t';
    }
    batch.pending += std::to_string(line);
    batch.pending += '\n';
    ++batch.copied;
    if (batch.pending.size() >= k_copy_chunk) {
      send_pending(f, info, batch);
    }
  }

  // A COPY the server ended early (a value it cannot read) says why at copy_end.
  void send_pending(const SeedFile& f, const pg::TableInfo& info, YamlBatch& batch) {
    if (!m_conn.copy_put(batch.pending)) {
      end_copy_run(f, info, batch);
    }
    add_rows(static_cast<unsigned long long>(
        std::count(batch.pending.begin(), batch.pending.end(), '\n')));
    batch.pending.clear();
  }

  // Ends the COPY, then upserts the staging table's rows. A failure names the row's line:
  // a value COPY could not read by its row number in the run (COPY's "line N"), a row the
  // upsert refused by trying the rows in ranges, then one by one (as upsert() does).
  void end_copy_run(const SeedFile& f, const pg::TableInfo& info, YamlBatch& batch) {
    batch.copying = false;
    if (!batch.pending.empty()) {
      m_conn.copy_put(batch.pending);
      add_rows(static_cast<unsigned long long>(
          std::count(batch.pending.begin(), batch.pending.end(), '\n')));
      batch.pending.clear();
    }
    unsigned long long copied = 0;
    if (auto error = m_conn.copy_end(copied)) {
      std::string line = copy_line(*error);
      long long n = std::atoll(line.c_str());
      throw Error(ExitCode::sql,
                  fmt::format("{}:{}: {}", f.path,
                              n > 0 ? line_of_row(f, batch.first_row + n - 1) : batch.first_line,
                              describe(*error)),
                  "nothing of this seed run was written");
    }
    exec(pg::savepoint(k_batch_savepoint));
    pg::Rows result;
    if (auto error = m_conn.try_query(pg::upsert_from_rows_staging(info, batch.columns, batch.key),
                                      result)) {
      exec(pg::rollback_to_savepoint(k_batch_savepoint));
      blame_staged_row(f, info, batch);
      throw Error(ExitCode::sql, fmt::format("{}: {}", f.path, describe(*error)),
                  error->sqlstate == "21000" ? "two rows of the file have the same key" : "");
    }
    long long inserted = std::stoll(result.text(0, 0));
    long long updated = std::stoll(result.text(0, 1));
    TableCounts& c = counts(f.table);
    c.inserted += inserted;
    c.updated += updated;
    c.unchanged += static_cast<long long>(copied) - inserted - updated;
    exec(pg::drop_csv_staging());
  }

  // The first staged row that fails on its own: ranges of lines first, then their rows.
  void blame_staged_row(const SeedFile& f, const pg::TableInfo& info, const YamlBatch& batch) {
    pg::Rows lines = m_conn.query(pg::staged_lines().text);
    auto attempt = [&](int first, int last) {
      exec(pg::savepoint(k_batch_savepoint));
      pg::Rows ignored;
      std::optional<pg::ServerError> error = m_conn.try_query(
          pg::upsert_from_rows_staging(info, batch.columns, batch.key, first, last), ignored);
      exec(error ? pg::rollback_to_savepoint(k_batch_savepoint)
                 : pg::release_savepoint(k_batch_savepoint));
      return error;
    };
    for (size_t start = 0; start < lines.size(); start += k_batch_rows) {
      size_t end = std::min(lines.size(), start + k_batch_rows) - 1;
      if (!attempt(std::stoi(lines.text(start, 0)), std::stoi(lines.text(end, 0)))) {
        continue;
      }
      for (size_t r = start; r <= end; ++r) {
        int line = std::stoi(lines.text(r, 0));
        if (auto error = attempt(line, line)) {
          throw Error(ExitCode::sql, fmt::format("{}:{}: {}", f.path, line, describe(*error)),
                      "nothing of this seed run was written");
        }
      }
    }
  }

  // The line of the file's row number `n` (from 0), read again: only for an error.
  static int line_of_row(const SeedFile& f, long long n) {
    int line = 0;
    long long seen = 0;
    try {
      stream_yaml_rows(f, [&](SeedRow&& row) {
        if (seen++ == n) {
          line = row.line;
          throw Found{};
        }
      });
    } catch (const Found&) {
    }
    return line;
  }
  struct Found {};

  // The CSV's line from a COPY error's context ("COPY t, line 3, column x: ...").
  static std::string copy_line(const pg::ServerError& e) {
    size_t at = e.context.find("line ");
    if (at == std::string::npos) {
      return "1";
    }
    size_t end = e.context.find_first_not_of("0123456789", at + 5);
    return e.context.substr(at + 5, end - at - 5);
  }

  void load_csv(const SeedFile& f) {
    const pg::TableInfo& info = table(f);
    std::optional<std::string> first_line;
    {
      FILE* in = std::fopen(f.path.c_str(), "r");
      if (in != nullptr) {
        char buffer[8192];
        if (std::fgets(buffer, sizeof buffer, in) != nullptr) {
          first_line = buffer;
        }
        std::fclose(in);
      }
    }
    if (!first_line) {
      throw Error(ExitCode::validation, fmt::format("{}:1: the CSV has no header row", f.path));
    }
    std::vector<std::string> columns = csv_fields(util::trim(*first_line));
    for (const auto& c : columns) {
      if (info.column(c) == nullptr) {
        throw Error(ExitCode::validation,
                    fmt::format("{}:1: {} has no column {}", f.path, f.table, c));
      }
    }
    TableCounts& c = counts(f.table);
    bool empty = m_conn.query(pg::table_is_empty(f.table).text).text(0, 0) == "t";
    // An empty table needs no key: COPY fills it. Rows already there must be matched on
    // a key, or loading the file again would add every row a second time.
    std::vector<std::string> key;
    if (!empty) {
      std::optional<std::vector<std::string>> found = key_in(info, columns);
      if (!found) {
        throw Error(ExitCode::validation,
                    fmt::format("{}:1: {} already has rows, and it has no primary key or unique "
                                "constraint whose columns are all in the CSV header: loading the "
                                "file would add every row a second time",
                                f.path, f.table),
                    fmt::format("give {} a primary key or unique constraint (in a migration) and "
                                "put its columns in the CSV header, or empty the table first "
                                "(agentpg seed --reset)",
                                f.table));
      }
      key = *found;
    }
    unsigned long long copied = 0;
    // An empty table takes the rows straight from COPY; otherwise they go through a
    // temporary table and are upserted, so that re-running a seed changes nothing.
    if (!empty) {
      exec(pg::create_csv_staging(f.table, columns));
    }
    // Rows sent so far for the progress line: the records ended in each chunk, a line break
    // inside a quoted field not being one (a doubled quote toggles twice: no change); the
    // header is the first.
    bool quoted = false;
    bool header = true;
    auto count_rows = [&](std::string_view chunk) {
      unsigned long long ended = 0;
      for (char c : chunk) {
        quoted = c == '"' ? !quoted : quoted;
        ended += c == '\n' && !quoted ? 1 : 0;
      }
      if (header && ended > 0) {
        header = false;
        --ended;
      }
      add_rows(ended);
    };
    std::function<void(std::string_view)> on_sent;
    if (m_out.shows_progress()) { // counting costs a look at every byte: only for the line
      on_sent = count_rows;
    }
    if (auto error = m_conn.copy_from_file(pg::copy_csv(f.table, columns, !empty), f.path, copied,
                                           on_sent)) {
      throw Error(ExitCode::sql,
                  fmt::format("{}:{}: {}", f.path, copy_line(*error), describe(*error)),
                  "nothing of this seed run was written");
    }
    m_file_rows = copied; // what the server counted, the last line without a line break too
    if (empty) {
      c.inserted += static_cast<long long>(copied);
      return;
    }
    pg::Rows result;
    if (auto error = m_conn.try_query(pg::upsert_from_csv_staging(info, columns, key), result)) {
      throw Error(ExitCode::sql, fmt::format("{}: {}", f.path, describe(*error)),
                  error->sqlstate == "21000" ? "two rows of the file have the same key" : "");
    }
    long long inserted = std::stoll(result.text(0, 0));
    long long updated = std::stoll(result.text(0, 1));
    c.inserted += inserted;
    c.updated += updated;
    c.unchanged += static_cast<long long>(copied) - inserted - updated;
    exec(pg::drop_csv_staging());
  }

  pg::Connection& m_conn;
  const core::Output& m_out;
  SeedReport& m_report;
  std::map<std::string, pg::TableInfo> m_tables;
  std::map<std::string, pg::Value> m_refs;
  std::string m_file_label;             // "seeding 2/5 10_items.csv"
  util::Clock::time_point m_file_start; // when the file's loading began
  unsigned long long m_file_rows = 0;   // its rows (statements of a .sql) loaded so far
  const char* m_file_unit = "rows";
};

// After a dry run's rollback: the sequences it moved go back where they were; those that
// cannot are named, never left moved in silence.
void put_back(pg::Connection& conn, const std::vector<pg::SequenceState>& sequences,
              SeedReport& report, const core::Output& out) {
  if (sequences.empty()) {
    return;
  }
  pg::SequencesPutBack result = pg::put_back_sequences(conn, sequences);
  report.sequences_restored = result.restored;
  report.sequences_not_restored = result.not_restored;
  for (const auto& why : result.not_restored) {
    out.notice(fmt::format("agentpg: warning: the dry run moved sequence {}", why));
  }
}

} // namespace

SeedReport load_seeds(pg::Connection& conn, const std::vector<SeedFile>& files,
                      const SeedOptions& options, const core::Output& out) {
  SeedReport report;
  report.environment = options.environment;
  report.dry_run = options.dry_run;
  util::Clock::time_point start = util::Clock::now();
  std::vector<pg::SequenceState> sequences;
  try {
    Loader(conn, out, report).run(files, options, sequences);
  } catch (...) {
    out.end_progress();
    conn.try_execute(pg::rollback());
    try {
      put_back(conn, sequences, report, out);
    } catch (const Error&) { // the seed's own error is the one to report
    }
    throw;
  }
  put_back(conn, sequences, report, out);
  report.ms = util::elapsed_ms(start);
  return report;
}

} // namespace agentpg::seed
