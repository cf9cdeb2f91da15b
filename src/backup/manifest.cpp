#include "backup/manifest.hpp"

#include <yaml-cpp/yaml.h>

#include "util/files.hpp"

namespace agentpg::backup {

core::Json manifest_json(const Manifest& m) {
  core::Json command = core::Json::array();
  for (const auto& arg : m.pg_dump_command) {
    command.push(arg);
  }
  core::Json counts;
  if (m.row_counts) {
    counts = core::Json::array();
    for (const pg::TableRows& t : *m.row_counts) {
      counts.push(
          core::Json::object().set("schema", t.schema).set("table", t.table).set("rows", t.rows));
    }
  }
  return core::Json::object()
      .set("agentpg_manifest", 1)
      .set("file", m.file)
      .set("database", m.database)
      .set("server_version", m.server_version)
      .set("agentpg_version", m.agentpg_version)
      .set("latest_migration",
           m.latest_migration.empty() ? core::Json() : core::Json(m.latest_migration))
      .set("format", m.format)
      .set("schema_only", m.schema_only)
      .set("size_bytes", m.size_bytes)
      .set("sha256", m.sha256)
      .set("started_at", m.started_at)
      .set("finished_at", m.finished_at)
      .set("duration_ms", m.duration_ms)
      .set("pg_dump_command", command)
      .set("row_counts", counts);
}

std::string manifest_path(const std::string& backup_path) {
  return backup_path + ".manifest.json";
}

std::optional<Manifest> read_manifest(const std::string& path) {
  std::optional<std::string> text = util::try_read_file(path);
  if (!text) {
    return std::nullopt;
  }
  try {
    // JSON is YAML, so yaml-cpp reads it.
    YAML::Node node = YAML::Load(*text);
    if (!node.IsMap() || !node["agentpg_manifest"]) {
      return std::nullopt;
    }
    Manifest m;
    m.file = node["file"].as<std::string>("");
    m.database = node["database"].as<std::string>("");
    m.server_version = node["server_version"].as<std::string>("");
    m.agentpg_version = node["agentpg_version"].as<std::string>("");
    m.latest_migration =
        node["latest_migration"].IsNull() ? "" : node["latest_migration"].as<std::string>("");
    m.format = node["format"].as<std::string>("");
    m.schema_only = node["schema_only"].as<bool>(false);
    m.size_bytes = node["size_bytes"].as<unsigned long long>(0);
    m.sha256 = node["sha256"].as<std::string>("");
    m.started_at = node["started_at"].as<std::string>("");
    m.finished_at = node["finished_at"].as<std::string>("");
    m.duration_ms = node["duration_ms"].as<double>(0);
    for (const auto& arg : node["pg_dump_command"]) {
      m.pg_dump_command.push_back(arg.as<std::string>());
    }
    if (node["row_counts"] && node["row_counts"].IsSequence()) {
      m.row_counts.emplace();
      for (const auto& t : node["row_counts"]) {
        m.row_counts->push_back({t["schema"].as<std::string>(), t["table"].as<std::string>(),
                                 t["rows"].as<long long>()});
      }
    }
    return m;
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
}

bool write_manifest(const std::string& path, const Manifest& m) {
  return util::write_file_atomic(path, manifest_json(m).dump() + "\n", 0600);
}

} // namespace agentpg::backup
