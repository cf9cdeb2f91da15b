#include "local/cluster.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <random>

#include "core/error.hpp"
#include "core/output.hpp"
#include "pg/admin.hpp"
#include "pg/tools.hpp"
#include "util/files.hpp"
#include "util/process.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace agentpg::local {

namespace {

using core::Error;
using core::ExitCode;

// Longest unix socket path the kernel accepts, less the ".s.PGSQL.NNNNN" file name.
constexpr size_t k_max_socket_dir = 107 - 16;

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t length = sizeof addr;
  int port = 0;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0) {
    port = ntohs(addr.sin_port);
  }
  if (fd >= 0) {
    ::close(fd);
  }
  if (port == 0) {
    throw Error(ExitCode::unexpected,
                "cannot find a free TCP port on 127.0.0.1 for the local server");
  }
  return port;
}

std::string random_password() {
  static const char k_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::random_device device;
  std::uniform_int_distribution<size_t> pick(0, sizeof k_chars - 2);
  std::string password;
  for (int i = 0; i < 24; ++i) {
    password += k_chars[pick(device)];
  }
  return password;
}

std::optional<util::RunAs> server_account(const std::string& user) {
  if (!util::running_as_root()) {
    return std::nullopt;
  }
  std::optional<util::RunAs> account = util::lookup_user(user);
  if (!account) {
    throw Error(
        ExitCode::usage,
        fmt::format(
            "agentpg runs as root and the local server cannot: there is no user '{}' to run it as",
            user),
        "install postgresql (it creates the 'postgres' user) or set AGENTPG_LOCAL_USER");
  }
  return account;
}

void give_to(const std::optional<util::RunAs>& account, const std::string& path) {
  if (account && ::chown(path.c_str(), account->uid, account->gid) != 0) {
    throw Error(ExitCode::unexpected,
                fmt::format("cannot hand {} to user {}", path, account->name));
  }
}

// What makes the socket folder `st` unsafe to use, or "" when it is a folder that agentpg
// (or the server's account) owns and no one else can enter.
std::string socket_dir_problem(const struct stat& st, const std::optional<util::RunAs>& account) {
  if (S_ISLNK(st.st_mode)) {
    return "is a symbolic link";
  }
  if (!S_ISDIR(st.st_mode)) {
    return "is not a folder";
  }
  if (st.st_uid != ::geteuid() && !(account && st.st_uid == account->uid)) {
    return fmt::format("belongs to another user (uid {})", st.st_uid);
  }
  if ((st.st_mode & 077) != 0) {
    return fmt::format("is open to other users (mode {:04o}; it must be 0700)", st.st_mode & 07777);
  }
  return "";
}

// The socket folder outside the project, /tmp/agentpg-<hash>, has a name anyone can
// predict: it is made with mkdir (which never follows a symbolic link) and used only when
// it is a real folder, owned by us, that no one else can enter; otherwise agentpg refuses.
// Ownership and mode are set through a descriptor opened with O_NOFOLLOW, never by path.
void secure_socket_dir(const std::string& dir, const std::optional<util::RunAs>& account) {
  bool created = ::mkdir(dir.c_str(), 0700) == 0;
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st {};
  if (fd < 0 ? ::lstat(dir.c_str(), &st) != 0 : ::fstat(fd, &st) != 0) {
    throw Error(ExitCode::usage,
                fmt::format("cannot create the local server's socket folder {}: {}", dir,
                            std::strerror(errno)));
  }
  if (created) {
    // Ours from mkdir on (/tmp is sticky: no one else can rename it); umask may have narrowed it.
    bool ok =
        ::fchmod(fd, 0700) == 0 && (!account || ::fchown(fd, account->uid, account->gid) == 0);
    ::close(fd);
    if (!ok) {
      throw Error(ExitCode::unexpected,
                  fmt::format("cannot make {} private: {}", dir, std::strerror(errno)));
    }
    return;
  }
  std::string problem = socket_dir_problem(st, account);
  if (problem.empty() && account && st.st_uid != account->uid &&
      ::fchown(fd, account->uid, account->gid) != 0) {
    problem = fmt::format("cannot be handed to user {}", account->name);
  }
  if (fd >= 0) {
    ::close(fd);
  }
  if (!problem.empty()) {
    throw Error(ExitCode::usage,
                fmt::format("the local server's socket folder {} {}: refusing to use it (anyone "
                            "can create that path, so another user may have planted it)",
                            dir, problem),
                fmt::format("delete {} if it is not yours, or choose a shorter --local-dir so the "
                            "socket stays inside the project (at most {} characters with '/run')",
                            dir, k_max_socket_dir));
  }
}

// An exclusive lock on a file, released when the object goes away.
class FolderLock {
public:
  explicit FolderLock(const std::string& path)
      : m_fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
    if (m_fd < 0 || ::flock(m_fd, LOCK_EX) != 0) {
      throw Error(ExitCode::unexpected, fmt::format("cannot lock {}", path));
    }
  }
  ~FolderLock() { ::close(m_fd); }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

private:
  int m_fd;
};

} // namespace

std::string find_server_bindir() {
  if (const char* dir = std::getenv("AGENTPG_PG_BINDIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  std::vector<int> majors = pg::installed_majors("initdb");
  if (!majors.empty()) {
    return pg::debian_bindir(majors.back()); // the newest
  }
  std::string initdb = util::find_on_path("initdb");
  if (!initdb.empty()) {
    return initdb.substr(0, initdb.rfind('/'));
  }
  throw Error(ExitCode::usage,
              "no PostgreSQL server programs (initdb, pg_ctl) found for the local server",
              "install them with 'apt-get install postgresql-15' (or set AGENTPG_PG_BINDIR)");
}

Cluster::Cluster(ClusterSettings settings) : m_settings(std::move(settings)) {}

std::string Cluster::path(const char* name) const {
  return m_settings.dir + "/" + name;
}

std::string Cluster::socket_dir() const {
  std::string preferred = path("run");
  if (preferred.size() <= k_max_socket_dir) {
    return preferred;
  }
  // The project lives too deep for a unix socket path: use a short folder named after it.
  return "/tmp/agentpg-" + util::sha256_hex(m_settings.dir).substr(0, 12);
}

int Cluster::read_port() const {
  std::optional<std::string> text = util::try_read_file(path("port"));
  unsigned long long port = 0;
  if (!text || !util::parse_uint(util::trim(*text), port)) {
    return 0;
  }
  return static_cast<int>(port);
}

ClusterStatus Cluster::status() const {
  ClusterStatus status;
  status.data_dir = path("data");
  status.socket_dir = socket_dir();
  status.log_file = path("postgres.log");
  status.port = read_port();
  std::optional<std::string> version = util::try_read_file(path("data/PG_VERSION"));
  if (!version) {
    return status;
  }
  status.server_version = util::trim(*version);
  status.state = State::stopped;
  std::optional<std::string> pid_file = util::try_read_file(path("data/postmaster.pid"));
  if (pid_file) {
    std::vector<std::string> lines = util::split(*pid_file, '\n');
    unsigned long long pid = 0;
    if (!lines.empty() && util::parse_uint(util::trim(lines[0]), pid) &&
        ::kill(static_cast<pid_t>(pid), 0) == 0) {
      status.state = State::running;
    }
  }
  return status;
}

void Cluster::run_tool(const std::string& tool, std::vector<std::string> args,
                       const char* what) const {
  args.insert(args.begin(), find_server_bindir() + "/" + tool);
  util::ProcessOptions options;
  options.run_as = server_account(m_settings.run_user);
  options.env_set["LC_ALL"] = "C.UTF-8";
  util::ProcessResult result = util::run_process(args, options);
  if (result.exit_code != 0) {
    std::optional<std::string> log = util::try_read_file(path("postgres.log"));
    std::string tail = log ? log->substr(log->size() > 1500 ? log->size() - 1500 : 0) : "";
    throw Error(
        ExitCode::unexpected,
        fmt::format("{} failed (exit {}):\n{}{}", what, result.exit_code,
                    util::trim(result.err + result.out),
                    tail.empty()
                        ? ""
                        : "\nserver log (" + path("postgres.log") + "):\n" + util::trim(tail)),
        "'agentpg local destroy' removes the local cluster so the next command starts afresh");
  }
}

void Cluster::write_server_config(int port) const {
  std::string conf =
      fmt::format("# Written by agentpg for the project-local server; 'agentpg local' manages it.\n"
                  "listen_addresses = '127.0.0.1'\n"
                  "port = {}\n"
                  "unix_socket_directories = '{}'\n"
                  "unix_socket_permissions = 0700\n",
                  port, socket_dir());
  if (!util::write_file_atomic(path("data/agentpg.conf"), conf, 0600) ||
      !util::write_file_atomic(path("port"), std::to_string(port) + "\n", 0644)) {
    throw Error(ExitCode::unexpected,
                fmt::format("cannot write the server settings in {}", m_settings.dir));
  }
  std::optional<util::RunAs> account = server_account(m_settings.run_user);
  give_to(account, path("data/agentpg.conf"));
}

void Cluster::initialise(const core::Output& out) const {
  out.notice(fmt::format("agentpg: creating the local PostgreSQL cluster in {}", m_settings.dir));
  std::optional<util::RunAs> account = server_account(m_settings.run_user);
  std::string password_file = path("password");
  if (!util::write_file_atomic(password_file, random_password() + "\n", 0600)) {
    throw Error(ExitCode::unexpected, fmt::format("cannot write {}", password_file));
  }
  give_to(account, password_file);
  run_tool("initdb",
           {"-D", path("data"), "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8",
            "--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile=" + password_file},
           "initdb");
  std::optional<std::string> conf = util::try_read_file(path("data/postgresql.conf"));
  if (!conf || !util::write_file_atomic(path("data/postgresql.conf"),
                                        *conf + "\ninclude 'agentpg.conf'\n", 0600)) {
    throw Error(ExitCode::unexpected, "cannot extend postgresql.conf of the local cluster");
  }
  give_to(account, path("data/postgresql.conf"));
  write_server_config(free_port());
}

void Cluster::start(const core::Output& out) const {
  std::optional<util::RunAs> account = server_account(m_settings.run_user);
  if (socket_dir() == path("run")) {
    util::make_dirs(socket_dir(), 0700);
    give_to(account, socket_dir());
  } else {
    secure_socket_dir(socket_dir(), account);
  }
  // A port taken by something else since the last start gets replaced by a free one.
  if (read_port() == 0) {
    write_server_config(free_port());
  }
  out.detail(fmt::format("starting the local PostgreSQL on port {}", read_port()));
  try {
    run_tool("pg_ctl",
             {"-D", path("data"), "-l", path("postgres.log"), "-w", "-t", "60", "-s", "start"},
             "starting the local server");
  } catch (const Error&) {
    write_server_config(free_port());
    run_tool("pg_ctl",
             {"-D", path("data"), "-l", path("postgres.log"), "-w", "-t", "60", "-s", "start"},
             "starting the local server");
  }
}

ClusterStatus Cluster::ensure_running(const core::Output& out) const {
  std::optional<util::RunAs> account = server_account(m_settings.run_user);
  if (socket_dir() != path("run")) {
    // Checked on every use, not only at start: agentpg connects to whatever listens there.
    secure_socket_dir(socket_dir(), account);
  }
  if (status().state == State::running) {
    return status();
  }
  if (!util::make_dirs_ignored_by_git(
          m_settings.dir, "made by agentpg: the local PostgreSQL's files, not for git", 0755)) {
    throw Error(ExitCode::usage, fmt::format("cannot create {}", m_settings.dir));
  }
  give_to(account, m_settings.dir);
  FolderLock lock(path(".lock"));
  bool fresh = status().state == State::absent;
  if (fresh) {
    initialise(out);
  }
  if (status().state != State::running) {
    start(out);
  }
  if (fresh) {
    create_database();
  }
  return status();
}

void Cluster::create_database() const {
  if (m_settings.database.empty() || m_settings.database == "postgres") {
    return;
  }
  pg::create_database_if_missing(params(m_settings.database), 10);
}

bool Cluster::stop() const {
  if (status().state != State::running) {
    return false;
  }
  run_tool("pg_ctl", {"-D", path("data"), "-w", "-t", "60", "-s", "-m", "fast", "stop"},
           "stopping the local server");
  return true;
}

void Cluster::destroy() const {
  stop();
  if (!util::path_exists(m_settings.dir)) {
    return;
  }
  util::ProcessResult result = util::run_process({"rm", "-rf", "--", m_settings.dir});
  struct stat st {};
  if (socket_dir() != path("run") && ::lstat(socket_dir().c_str(), &st) == 0 &&
      socket_dir_problem(st, server_account(m_settings.run_user)).empty()) {
    util::run_process({"rm", "-rf", "--", socket_dir()});
  }
  if (result.exit_code != 0) {
    throw Error(ExitCode::unexpected,
                fmt::format("cannot delete {}: {}", m_settings.dir, util::trim(result.err)));
  }
}

pg::ConnParams Cluster::params(const std::string& database) const {
  pg::ConnParams params;
  params.set("host", socket_dir());
  params.set("port", std::to_string(read_port()));
  params.set("user", "postgres");
  params.set("dbname", database);
  return params;
}

} // namespace agentpg::local
