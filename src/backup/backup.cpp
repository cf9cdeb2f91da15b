#include "backup/backup.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "core/error.hpp"
#include "pg/connection.hpp"
#include "pg/health.hpp"
#include "pg/tools.hpp"
#include "util/files.hpp"
#include "util/process.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace agentpg::backup {

namespace {

using core::Error;
using core::ExitCode;

pg::DumpFormat parse_format(const std::string& name) {
  if (name == "custom") {
    return pg::DumpFormat::custom;
  }
  if (name == "directory") {
    return pg::DumpFormat::directory;
  }
  if (name == "plain") {
    return pg::DumpFormat::plain;
  }
  throw Error(ExitCode::usage,
              fmt::format("--format must be custom, directory or plain, not '{}'", name));
}

unsigned long long path_size(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return 0;
  }
  if (!S_ISDIR(st.st_mode)) {
    return static_cast<unsigned long long>(st.st_size);
  }
  unsigned long long total = 0;
  for (const util::DirEntry& entry : util::list_directory(path)) {
    total += path_size(path + "/" + entry.name);
  }
  return total;
}

// A file's SHA-256; for a directory-format backup, of its files' names and checksums.
std::string content_sha256(const std::string& path) {
  if (!util::is_directory(path)) {
    return util::sha256_file(path);
  }
  std::string listing;
  for (const util::DirEntry& entry : util::list_directory(path)) {
    listing += entry.name + " " + util::sha256_file(path + "/" + entry.name) + "\n";
  }
  return util::sha256_hex(listing);
}

void remove_path(const std::string& path) {
  if (util::path_exists(path)) {
    util::run_process({"rm", "-rf", "--", path});
  }
}

int server_major_of(pg::Connection& conn) {
  return conn.server_version_num() / 10000;
}

} // namespace

std::vector<std::string> prune(const std::string& dir, const std::string& database, int keep) {
  std::vector<Manifest> found;
  for (const util::DirEntry& entry : util::list_directory(dir)) {
    if (!util::ends_with(entry.name, ".manifest.json")) {
      continue;
    }
    std::optional<Manifest> m = read_manifest(dir + "/" + entry.name);
    if (m && m->database == database && util::path_exists(dir + "/" + m->file)) {
      found.push_back(*m);
    }
  }
  // Newest first: by start time, then (within one second) by when the file was finished.
  auto finished = [&](const Manifest& m) {
    struct stat st {};
    ::stat(manifest_path(dir + "/" + m.file).c_str(), &st);
    return std::make_pair(m.started_at, st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec);
  };
  std::sort(found.begin(), found.end(),
            [&](const Manifest& a, const Manifest& b) { return finished(a) > finished(b); });
  std::vector<std::string> deleted;
  for (size_t i = static_cast<size_t>(keep); i < found.size(); ++i) {
    remove_path(dir + "/" + found[i].file);
    ::unlink(manifest_path(dir + "/" + found[i].file).c_str());
    deleted.push_back(found[i].file);
  }
  return deleted;
}

Manifest take_backup(const pg::ConnParams& params, const DumpOptions& options,
                     const core::Output& out, std::string& path) {
  pg::DumpRequest request{parse_format(options.format), std::max(1, options.jobs), options.compress,
                          options.schema_only};
  if (options.compress > 9) {
    throw Error(ExitCode::usage, "--compress takes a level from 0 to 9");
  }
  std::unique_ptr<pg::Connection> conn = pg::Connection::open(params, options.connect_timeout);
  pg::Tool pg_dump = pg::find_tool("pg_dump", server_major_of(*conn));
  Manifest m;
  m.database = conn->database();
  m.server_version = conn->server_version();
  m.agentpg_version = AGENTPG_VERSION;
  m.latest_migration = options.latest_migration;
  m.format = pg::format_name(request.format);
  m.schema_only = options.schema_only;
  auto estimate = static_cast<unsigned long long>(pg::database_size(*conn));
  conn.reset();

  const std::string& dir = options.dir;
  if (!util::make_dirs(dir, 0700)) {
    throw Error(ExitCode::usage, fmt::format("cannot create the backup folder {}", dir));
  }
  std::string stem = fmt::format("{}-{}", m.database, util::utc_file_timestamp());
  m.file = fmt::format("{}.{}", stem, pg::format_extension(request.format));
  for (int n = 2;
       util::path_exists(dir + "/" + m.file) || util::path_exists(dir + "/" + m.file + ".partial");
       ++n) {
    m.file = fmt::format("{}-{}.{}", stem, n, pg::format_extension(request.format));
  }
  path = dir + "/" + m.file;
  // Written under a temporary name and renamed when complete: a killed backup never
  // leaves a file that looks finished.
  std::string partial = path + ".partial";
  std::vector<std::string> argv = pg::dump_arguments(pg_dump, params, request, partial);
  m.pg_dump_command = argv;

  m.started_at = util::utc_iso_timestamp();
  util::Clock::time_point start = util::Clock::now();
  util::ProcessOptions process;
  pg::ChildSecrets secrets(params);
  process.env_set = secrets.environment();
  process.on_tick = [&] {
    double seconds = util::elapsed_ms(start) / 1000;
    unsigned long long written = path_size(partial);
    out.progress(fmt::format(
        "backup {}: {} written ({} of the database), {:.0f} s, {}/s", m.file,
        util::format_bytes(written), util::format_bytes(estimate), seconds,
        util::format_bytes(seconds > 0 ? static_cast<unsigned long long>(written / seconds) : 0)));
  };
  out.detail(fmt::format("running {}", util::join(argv, " ")));
  util::ProcessResult result = util::run_process(argv, process);
  out.end_progress();
  if (result.exit_code != 0) {
    remove_path(partial);
    throw Error(ExitCode::sql,
                fmt::format("pg_dump failed (exit {}):\n  {}", result.exit_code,
                            util::join(util::split(util::trim(result.err), '\n'), "\n  ")),
                "nothing was kept; the partial backup was deleted");
  }
  m.duration_ms = util::elapsed_ms(start);
  m.finished_at = util::utc_iso_timestamp();
  m.size_bytes = path_size(partial);
  m.sha256 = content_sha256(partial);
  if (::chmod(partial.c_str(), util::is_directory(partial) ? 0700 : 0600) != 0 ||
      ::rename(partial.c_str(), path.c_str()) != 0 || !write_manifest(manifest_path(path), m)) {
    remove_path(partial);
    throw Error(ExitCode::unexpected, fmt::format("cannot finish the backup {}", path));
  }
  return m;
}

Manifest verify_backup(const std::string& path, int server_major, const core::Output& out) {
  std::optional<Manifest> m = read_manifest(manifest_path(path));
  if (!util::path_exists(path)) {
    throw Error(ExitCode::usage, fmt::format("no backup at {}", path));
  }
  if (!m) {
    throw Error(ExitCode::validation,
                fmt::format("{} has no agentpg manifest ({})", path, manifest_path(path)),
                "agentpg verifies a backup against the manifest it wrote beside it");
  }
  std::string actual = content_sha256(path);
  if (actual != m->sha256) {
    throw Error(ExitCode::validation,
                fmt::format("{} is damaged: its SHA-256 is {}, the manifest says {}", path, actual,
                            m->sha256),
                "use another backup; this one was changed after it was written");
  }
  if (m->format != "plain") {
    pg::Tool pg_restore = pg::find_tool("pg_restore", server_major);
    util::ProcessResult listed = util::run_process(pg::list_arguments(pg_restore, path));
    if (listed.exit_code != 0) {
      throw Error(ExitCode::validation,
                  fmt::format("pg_restore cannot read {}: {}", path, util::trim(listed.err)));
    }
  }
  out.detail(fmt::format("verified {}: checksum matches{}", path,
                         m->format == "plain" ? "" : ", archive readable"));
  return *m;
}

int server_major_of(const std::string& path) {
  std::optional<Manifest> m = read_manifest(manifest_path(path));
  return m && !m->server_version.empty() ? std::stoi(m->server_version) : 15;
}

std::vector<Manifest> list_backups(const std::string& dir) {
  std::vector<Manifest> found;
  if (!util::is_directory(dir)) {
    return found;
  }
  for (const util::DirEntry& entry : util::list_directory(dir)) {
    if (!util::ends_with(entry.name, ".manifest.json")) {
      continue;
    }
    std::optional<Manifest> m = read_manifest(dir + "/" + entry.name);
    if (m && util::path_exists(dir + "/" + m->file)) {
      found.push_back(*m);
    }
  }
  return found;
}

void restore_into(const pg::ConnParams& target, const Manifest& m, const std::string& path,
                  int jobs, int major, const core::Output& out) {
  std::vector<std::string> argv =
      m.format == "plain"
          ? pg::psql_file_arguments(pg::find_tool("psql", major), target, path)
          : pg::restore_arguments(pg::find_tool("pg_restore", major), target, jobs, path);
  util::ProcessOptions options;
  pg::ChildSecrets secrets(target);
  options.env_set = secrets.environment();
  util::Clock::time_point start = util::Clock::now();
  std::string name = target.get("dbname");
  options.on_tick = [&] {
    out.progress(
        fmt::format("restoring {} into {}: {:.0f} s", path, name, util::elapsed_ms(start) / 1000));
  };
  out.detail(fmt::format("running {}", util::join(argv, " ")));
  util::ProcessResult result = util::run_process(argv, options);
  out.end_progress();
  if (result.exit_code != 0) {
    throw Error(ExitCode::sql,
                fmt::format("restoring {} into {} failed (exit {}):\n  {}", path, name,
                            result.exit_code,
                            util::join(util::split(util::trim(result.err), '\n'), "\n  ")));
  }
}

} // namespace agentpg::backup
