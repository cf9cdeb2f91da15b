#include "backup/backup.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>

#include "backup/progress.hpp"
#include "core/error.hpp"
#include "pg/connection.hpp"
#include "pg/health.hpp"
#include "pg/row_counts.hpp"
#include "pg/tools.hpp"
#include "util/files.hpp"
#include "util/interrupt.hpp"
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

// Watches pg_dump's rows over a connection of its own (the snapshot's transaction is left
// alone); when it cannot be opened, the progress line has the time and the bytes only.
void watch_dump(DumpProgress& progress, const pg::ConnParams& params, int connect_timeout,
                const std::optional<std::vector<pg::TableRows>>& counts, const core::Output& out) {
  if (!counts) {
    return;
  }
  try {
    std::unique_ptr<pg::Connection> conn = pg::Connection::open(params, connect_timeout);
    std::string since = pg::server_now(*conn);
    progress.watch(std::move(conn), since, *counts);
  } catch (const Error& e) {
    out.detail(fmt::format("no rows in the progress line: {}", e.what()));
  }
}

// How many items the archive holds (pg_restore --list), for the progress line; 0 when
// there is no line to draw or the list cannot be read.
size_t archive_items(const std::string& path, int major, const core::Output& out) {
  if (!out.shows_progress()) {
    return 0;
  }
  util::ProcessResult list =
      util::run_process(pg::list_arguments(pg::find_tool("pg_restore", major), path));
  return list.exit_code == 0 ? pg::listed_items(list.out) : 0;
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

// Whether a plain dump ends as pg_dump ends a complete one (before its \\unrestrict line).
bool plain_dump_complete(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  std::streamoff size = in ? static_cast<std::streamoff>(in.tellg()) : 0;
  std::streamoff tail = std::min<std::streamoff>(size, 4096);
  std::string text(static_cast<size_t>(tail), '\0');
  in.seekg(size - tail);
  in.read(text.data(), tail);
  return text.find("-- PostgreSQL database dump complete") != std::string::npos;
}

int server_major_of(pg::Connection& conn) {
  return conn.server_version_num() / 10000;
}

bool is_dump_name(const std::string& name) {
  return util::ends_with(name, ".dump") || util::ends_with(name, ".dir") ||
         util::ends_with(name, ".sql");
}

// The manifest called `name` in `dir` when it and the dump it names form a complete backup:
// the manifest is the dump's name plus ".manifest.json", and the dump is there.
std::optional<Manifest> read_pair(const std::string& dir, const std::string& name) {
  std::optional<Manifest> m = read_manifest(dir + "/" + name);
  if (!m || !is_dump_name(m->file) || manifest_path(m->file) != name ||
      !util::path_exists(dir + "/" + m->file)) {
    return std::nullopt;
  }
  return m;
}

std::vector<Manifest> read_pairs(const std::string& dir) {
  std::vector<Manifest> found;
  if (!util::is_directory(dir)) {
    return found;
  }
  for (const util::DirEntry& entry : util::list_directory(dir)) {
    if (util::ends_with(entry.name, ".manifest.json")) {
      if (std::optional<Manifest> m = read_pair(dir, entry.name)) {
        found.push_back(*m);
      }
    }
  }
  return found;
}

// A database's name as part of a file name: a name may hold '/' or start with '.', and a
// backup must land in its folder whatever the database is called. Each '/' and control
// character becomes '_', and a leading '.' gets a '_' before it.
std::string file_name_part(const std::string& database) {
  std::string part;
  for (char c : database) {
    auto byte = static_cast<unsigned char>(c);
    part += c == '/' || byte < 0x20 || byte == 0x7f ? '_' : c;
  }
  return part.empty() || part[0] == '.' ? "_" + part : part;
}

[[noreturn]] void stop(ExitCode code, const std::string& partial, const std::string& message) {
  remove_path(partial);
  throw Error(code, message, "nothing was kept: the unfinished dump was deleted");
}

void stop_if_interrupted(const util::InterruptScope& interrupts, const std::string& partial) {
  if (int signal = interrupts.signal()) {
    stop(signal == SIGINT ? ExitCode::interrupted : ExitCode::terminated, partial,
         fmt::format("backup interrupted by {}: pg_dump was stopped", util::signal_name(signal)));
  }
}

// Puts a finished dump in place: its manifest first, then the dump under its final name
// (the rename that makes the backup exist), then the folder is synced. A crash between the
// two renames leaves a manifest without its dump and the .partial: `backup list` shows
// both as leftovers, and a dump under its final name never lacks its manifest.
void publish(const std::string& dir, const std::string& partial, const std::string& path,
             const Manifest& m) {
  std::string manifest = manifest_path(path);
  if (::chmod(partial.c_str(), util::is_directory(partial) ? 0700 : 0600) != 0) {
    stop(ExitCode::unexpected, partial,
         fmt::format("cannot make {} private: {}", partial, std::strerror(errno)));
  }
  if (!write_manifest(manifest, m)) {
    stop(ExitCode::unexpected, partial,
         fmt::format("cannot write the backup's manifest {}: {}", manifest, std::strerror(errno)));
  }
  if (::rename(partial.c_str(), path.c_str()) != 0) {
    std::string reason = std::strerror(errno);
    ::unlink(manifest.c_str());
    stop(ExitCode::unexpected, partial,
         fmt::format("cannot rename {} to {}: {}", partial, path, reason));
  }
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

} // namespace

std::vector<Leftover> find_leftovers(const std::string& dir) {
  std::vector<Leftover> found;
  if (!util::is_directory(dir)) {
    return found;
  }
  for (const util::DirEntry& entry : util::list_directory(dir)) {
    const std::string& name = entry.name;
    if (util::ends_with(name, ".partial") ||
        name.find(".manifest.json.tmp-") != std::string::npos) {
      found.push_back({name, "partial",
                       "an unfinished backup (interrupted, or running now): delete it once no "
                       "backup is running"});
    } else if (util::ends_with(name, ".manifest.json") && !read_pair(dir, name)) {
      found.push_back({name, "manifest without dump",
                       "its dump is missing (or this is not an agentpg manifest): delete it"});
    } else if (is_dump_name(name) && !read_pair(dir, manifest_path(name))) {
      found.push_back({name, "dump without manifest",
                       "it cannot be verified: delete it, or check it by hand (pg_restore "
                       "--list) before relying on it"});
    }
  }
  return found;
}

std::vector<std::string> prune(const std::string& dir, const std::string& database, int keep) {
  std::vector<Manifest> found;
  for (const Manifest& m : read_pairs(dir)) {
    if (m.database == database) {
      found.push_back(m);
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
                          options.schema_only, ""};
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
  // Each table's rows, counted in the snapshot that pg_dump is then given: exactly the rows
  // the dump holds. The transaction stays open (with `conn`) until pg_dump is done.
  if (!options.schema_only) {
    if (std::optional<std::string> snapshot = pg::begin_exported_snapshot(*conn)) {
      request.snapshot = *snapshot;
      m.row_counts = pg::count_table_rows(*conn);
    } else {
      out.detail("the server cannot export a snapshot: the manifest records no row counts");
    }
  }

  const std::string& dir = options.dir;
  if (!util::make_dirs_ignored_by_git(
          dir, "made by agentpg: backups hold the database's data, keep them out of git", 0700)) {
    throw Error(ExitCode::usage, fmt::format("cannot create the backup folder {}", dir));
  }
  std::string stem = fmt::format("{}-{}", file_name_part(m.database), util::utc_file_timestamp());
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
  DumpProgress progress(out, m.file, [&] { return path_size(partial); });
  if (out.shows_progress()) {
    watch_dump(progress, params, options.connect_timeout, m.row_counts, out);
    process.on_tick = [&] { progress.tick(); };
  }
  // SIGINT/SIGTERM stop pg_dump and delete the .partial instead of leaving it behind.
  util::InterruptScope interrupts;
  process.stop = [&] { return interrupts.signal() != 0; };
  out.detail(fmt::format("running {}", util::join(argv, " ")));
  util::ProcessResult result = util::run_process(argv, process);
  out.end_progress();
  out.detail(fmt::format("pg_dump finished (exit {}) in {}: {} written", result.exit_code,
                         util::format_duration_ms(util::elapsed_ms(start)),
                         util::format_bytes(path_size(partial))));
  stop_if_interrupted(interrupts, partial);
  if (result.exit_code != 0) {
    stop(ExitCode::sql, partial,
         fmt::format("pg_dump failed (exit {}):\n  {}", result.exit_code,
                     util::join(util::split(util::trim(result.err), '\n'), "\n  ")));
  }
  m.duration_ms = util::elapsed_ms(start);
  m.finished_at = util::utc_iso_timestamp();
  m.size_bytes = path_size(partial);
  m.sha256 = content_sha256(partial);
  stop_if_interrupted(interrupts, partial);
  publish(dir, partial, path, m);
  if (int signal = interrupts.signal()) {
    throw Error(signal == SIGINT ? ExitCode::interrupted : ExitCode::terminated,
                fmt::format("interrupted by {} once the backup {} was complete: it was kept",
                            util::signal_name(signal), path));
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
  // A checksum only proves the file is what was written: a dump cut short before its
  // manifest was written (or a manifest rewritten to match) passes it. Read all of it.
  if (m->format == "plain") {
    if (!plain_dump_complete(path)) {
      throw Error(ExitCode::validation,
                  fmt::format("{} is incomplete: it does not end with pg_dump's "
                              "'PostgreSQL database dump complete'",
                              path),
                  "the dump was cut short; use another backup");
    }
  } else {
    pg::Tool pg_restore = pg::find_tool("pg_restore", server_major);
    util::ProcessResult read = util::run_process(pg::read_all_arguments(pg_restore, path));
    if (read.exit_code != 0) {
      throw Error(ExitCode::validation,
                  fmt::format("{} is damaged: pg_restore cannot read all of it (exit {}):\n  {}",
                              path, read.exit_code,
                              util::join(util::split(util::trim(read.err), '\n'), "\n  ")),
                  "its checksum matches the manifest, so it was damaged or cut short before the "
                  "manifest was written; use another backup");
    }
  }
  out.detail(fmt::format("verified {}: checksum matches, every data block readable", path));
  return *m;
}

int server_major_of(const std::string& path) {
  std::optional<Manifest> m = read_manifest(manifest_path(path));
  return m && !m->server_version.empty() ? std::stoi(m->server_version) : 15;
}

std::vector<Manifest> list_backups(const std::string& dir) {
  return read_pairs(dir);
}

void restore_into(const pg::ConnParams& target, const Manifest& m, const std::string& path,
                  int jobs, int major, const core::Output& out, const std::function<bool()>& stop) {
  std::vector<std::string> argv =
      m.format == "plain"
          ? pg::psql_file_arguments(pg::find_tool("psql", major), target, path)
          : pg::restore_arguments(pg::find_tool("pg_restore", major), target, jobs, path,
                                  out.shows_progress() ? pg::ItemLog::on : pg::ItemLog::off);
  util::ProcessOptions options;
  pg::ChildSecrets secrets(target);
  options.env_set = secrets.environment();
  options.stop = stop;
  util::Clock::time_point start = util::Clock::now();
  std::string name = target.get("dbname");
  RestoreProgress progress(out,
                           fmt::format("{} into {}", path.substr(path.find_last_of('/') + 1), name),
                           m.format == "plain" ? 0 : archive_items(path, major, out));
  if (out.shows_progress()) {
    options.on_tick = [&] { progress.tick(); };
    options.on_err = [&](std::string_view err) { progress.read(err); };
  }
  out.detail(fmt::format("running {}", util::join(argv, " ")));
  util::ProcessResult result = util::run_process(argv, options);
  out.end_progress();
  out.detail(fmt::format("{} finished (exit {}) in {}", m.format == "plain" ? "psql" : "pg_restore",
                         result.exit_code, util::format_duration_ms(util::elapsed_ms(start))));
  if (stop && stop()) {
    return; // stopped on purpose: the caller says why
  }
  if (result.exit_code != 0) {
    throw Error(
        ExitCode::sql,
        fmt::format("restoring {} into {} failed (exit {}):\n  {}", path, name, result.exit_code,
                    util::join(util::split(util::trim(pg::without_verbose_lines(result.err)), '\n'),
                               "\n  ")));
  }
}

} // namespace agentpg::backup
