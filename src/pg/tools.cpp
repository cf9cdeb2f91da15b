#include "pg/tools.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iterator>

#include "core/error.hpp"
#include "util/files.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

namespace agentpg::pg {

namespace {

using core::Error;
using core::ExitCode;

// "pg_dump (PostgreSQL) 15.18 (Debian ...)" -> 15; 0 when it cannot run.
int tool_major(const std::string& path) {
  util::ProcessResult result = util::run_process({path, "--version"});
  if (result.exit_code != 0) {
    return 0;
  }
  size_t paren = result.out.find(") ");
  unsigned long long major = 0;
  std::string number = paren == std::string::npos ? "" : result.out.substr(paren + 2);
  number = number.substr(0, number.find_first_not_of("0123456789"));
  return util::parse_uint(number, major) ? static_cast<int>(major) : 0;
}

std::vector<std::string> candidates(const std::string& name, int server_major) {
  std::vector<std::string> paths;
  if (const char* dir = std::getenv("AGENTPG_PG_BINDIR"); dir != nullptr && *dir != '\0') {
    paths.push_back(std::string(dir) + "/" + name);
  }
  paths.push_back(fmt::format("{}/{}", debian_bindir(server_major), name));
  for (int major : installed_majors(name)) {
    if (major > server_major) {
      paths.push_back(fmt::format("{}/{}", debian_bindir(major), name));
    }
  }
  std::string on_path = util::find_on_path(name);
  if (!on_path.empty()) {
    paths.push_back(on_path);
  }
  return paths;
}

} // namespace

std::string debian_bindir(int major) {
  return fmt::format("/usr/lib/postgresql/{}/bin", major);
}

std::vector<int> installed_majors(const std::string& program) {
  std::vector<int> majors;
  if (!util::is_directory("/usr/lib/postgresql")) {
    return majors;
  }
  for (const util::DirEntry& entry : util::list_directory("/usr/lib/postgresql")) {
    unsigned long long major = 0;
    if (util::parse_uint(entry.name, major) &&
        util::path_exists(debian_bindir(static_cast<int>(major)) + "/" + program)) {
      majors.push_back(static_cast<int>(major));
    }
  }
  std::sort(majors.begin(), majors.end());
  return majors;
}

Tool find_tool(const std::string& name, int server_major) {
  int newest_found = 0;
  for (const auto& path : candidates(name, server_major)) {
    if (!util::path_exists(path)) {
      continue;
    }
    int major = tool_major(path);
    if (major >= server_major) {
      return Tool{path, major};
    }
    newest_found = std::max(newest_found, major);
  }
  throw Error(
      ExitCode::usage,
      newest_found > 0
          ? fmt::format(
                "{} {} is older than the server (PostgreSQL {}): it cannot be trusted with it",
                name, newest_found, server_major)
          : fmt::format("no {} found for PostgreSQL {}", name, server_major),
      fmt::format("install postgresql-client-{} (or set AGENTPG_PG_BINDIR)", server_major));
}

std::string child_conninfo(const pg::ConnParams& params) {
  pg::ConnParams clean;
  for (const auto& [key, value] : params.params()) {
    if (!is_secret_option(key)) {
      clean.set(key, value);
    }
  }
  clean.set_default("application_name", "agentpg");
  return clean.conninfo();
}

namespace {

// A service file's line is "key=value" up to the line's end, trailing blanks dropped.
void check_service_value(const std::string& key, const std::string& value) {
  if (value.find_first_of("\r\n") != std::string::npos ||
      (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))) {
    throw Error(ExitCode::usage,
                fmt::format("the {} ends with a blank or holds a line break, so it cannot be "
                            "passed to pg_dump, pg_restore or psql without showing it",
                            key),
                "use a passphrase without line breaks or trailing blanks");
  }
}

std::string write_service_file(const std::string& section, const std::string& content) {
  const char* tmp = std::getenv("TMPDIR");
  std::string path =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/agentpg-service-XXXXXX";
  // mkstemp creates the file with mode 0600, owned by us, refusing an existing name.
  int fd = ::mkstemp(path.data());
  if (fd < 0) {
    throw Error(ExitCode::unexpected,
                fmt::format("cannot create a private service file in {}: {}",
                            path.substr(0, path.rfind('/')), std::strerror(errno)));
  }
  std::string text = "[" + section + "]\n" + content;
  bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!written) {
    ::unlink(path.c_str());
    throw Error(ExitCode::unexpected, fmt::format("cannot write the service file {}", path));
  }
  return path;
}

} // namespace

ChildSecrets::ChildSecrets(const pg::ConnParams& params) {
  std::string service_lines;
  for (const auto& [key, value] : params.params()) {
    if (key == "password") {
      m_environment["PGPASSWORD"] = value;
    } else if (is_secret_option(key)) {
      check_service_value(key, value);
      service_lines += key + "=" + value + "\n";
    }
  }
  if (service_lines.empty()) {
    return;
  }
  const char* env_service = std::getenv("PGSERVICE");
  if (params.has("service") || (env_service != nullptr && *env_service != '\0')) {
    throw Error(ExitCode::usage,
                "a service and a secret besides the password cannot be combined for pg_dump, "
                "pg_restore or psql",
                "put the secret (e.g. sslpassword) in the service file instead of the URL");
  }
  m_service_file = write_service_file("agentpg", service_lines);
  m_environment["PGSERVICEFILE"] = m_service_file;
  m_environment["PGSERVICE"] = "agentpg";
}

ChildSecrets::~ChildSecrets() {
  if (!m_service_file.empty()) {
    ::unlink(m_service_file.c_str());
  }
}

const char* format_name(DumpFormat format) {
  switch (format) {
  case DumpFormat::custom:
    return "custom";
  case DumpFormat::directory:
    return "directory";
  case DumpFormat::plain:
    return "plain";
  }
  return "custom";
}

const char* format_extension(DumpFormat format) {
  switch (format) {
  case DumpFormat::custom:
    return "dump";
  case DumpFormat::directory:
    return "dir";
  case DumpFormat::plain:
    return "sql";
  }
  return "dump";
}

std::vector<std::string> dump_arguments(const Tool& pg_dump, const pg::ConnParams& params,
                                        const DumpRequest& request, const std::string& output) {
  std::vector<std::string> args = {pg_dump.path, "--dbname=" + child_conninfo(params),
                                   std::string("--format=") + format_name(request.format),
                                   "--file=" + output, "--no-password"};
  if (request.format == DumpFormat::directory && request.jobs > 1) {
    args.push_back("--jobs=" + std::to_string(request.jobs));
  }
  if (request.compress >= 0 && request.format != DumpFormat::plain) {
    args.push_back("--compress=" + std::to_string(request.compress));
  }
  if (request.schema_only) {
    args.push_back("--schema-only");
  }
  if (!request.snapshot.empty()) {
    args.push_back("--snapshot=" + request.snapshot);
  }
  return args;
}

std::vector<std::string> restore_arguments(const Tool& pg_restore, const pg::ConnParams& target,
                                           int jobs, const std::string& archive, ItemLog items) {
  std::vector<std::string> args = {pg_restore.path, "--dbname=" + child_conninfo(target),
                                   "--no-password", "--exit-on-error"};
  if (items == ItemLog::on) {
    args.push_back("--verbose");
  }
  if (jobs > 1) {
    args.push_back("--jobs=" + std::to_string(jobs));
  } else {
    args.push_back("--single-transaction");
  }
  args.push_back(archive);
  return args;
}

std::vector<std::string> list_arguments(const Tool& pg_restore, const std::string& archive) {
  return {pg_restore.path, "--list", archive};
}

size_t listed_items(const std::string& list_output) {
  size_t items = 0;
  for (const auto& line : util::split(list_output, '\n')) {
    items += !line.empty() && line[0] != ';' ? 1 : 0;
  }
  return items;
}

namespace {

constexpr std::string_view k_restore_prefix = "pg_restore: ";
// How pg_restore --verbose begins an item (each once, in serial and parallel restores);
// the rest of its verbose lines (connecting, processing item, launching, finished) are
// bookkeeping.
constexpr std::string_view k_item_verbs[] = {"creating ", "processing data for ", "executing "};
constexpr std::string_view k_verbose_verbs[] = {
    "connecting ", "creating ", "processing ", "executing ", "launching ", "finished ",
    "entering ",   "dropping ", "setting ",    "implied ",   "disabling ", "enabling "};

std::string_view after_prefix(std::string_view line) {
  return line.substr(0, k_restore_prefix.size()) == k_restore_prefix
             ? line.substr(k_restore_prefix.size())
             : std::string_view();
}

bool starts_with_any(std::string_view text, const std::string_view* verbs, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (text.substr(0, verbs[i].size()) == verbs[i]) {
      return true;
    }
  }
  return false;
}

} // namespace

std::string restore_item(std::string_view line) {
  std::string_view said = after_prefix(line);
  return starts_with_any(said, k_item_verbs, std::size(k_item_verbs)) ? std::string(said) : "";
}

std::string without_verbose_lines(const std::string& err) {
  std::vector<std::string> kept;
  for (const auto& line : util::split(err, '\n')) {
    if (!starts_with_any(after_prefix(line), k_verbose_verbs, std::size(k_verbose_verbs))) {
      kept.push_back(line);
    }
  }
  return util::join(kept, "\n");
}

std::vector<std::string> read_all_arguments(const Tool& pg_restore, const std::string& archive) {
  return {pg_restore.path, "--file=/dev/null", archive};
}

std::vector<std::string> psql_file_arguments(const Tool& psql, const pg::ConnParams& target,
                                             const std::string& file) {
  return {psql.path,
          "--no-psqlrc",
          "--quiet",
          "--no-password",
          "--single-transaction",
          "-v",
          "ON_ERROR_STOP=1",
          "--dbname=" + child_conninfo(target),
          "--file=" + file};
}

} // namespace agentpg::pg
