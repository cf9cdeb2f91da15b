#include "util/process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include "util/strings.hpp"

namespace agentpg::util {

namespace {

void drain(int fd, std::string& into, bool& open) {
  char buffer[8192];
  ssize_t n = ::read(fd, buffer, sizeof buffer);
  if (n > 0) {
    into.append(buffer, static_cast<size_t>(n));
  } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
    open = false;
  }
}

[[noreturn]] void exec_child(const std::vector<std::string>& argv, const ProcessOptions& options) {
  for (const auto& [key, value] : options.env_set) {
    ::setenv(key.c_str(), value.c_str(), 1);
  }
  if (options.run_as) {
    if (::initgroups(options.run_as->name.c_str(), options.run_as->gid) != 0 ||
        ::setgid(options.run_as->gid) != 0 || ::setuid(options.run_as->uid) != 0) {
      std::fprintf(stderr, "cannot switch to user %s: %s\n", options.run_as->name.c_str(),
                   std::strerror(errno));
      ::_exit(127);
    }
    if (auto* pw = ::getpwuid(options.run_as->uid)) {
      ::setenv("HOME", pw->pw_dir, 1);
      ::setenv("USER", pw->pw_name, 1);
    }
  }
  std::vector<char*> args;
  for (const auto& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  ::execvp(args[0], args.data());
  std::fprintf(stderr, "cannot run %s: %s\n", args[0], std::strerror(errno));
  ::_exit(127);
}

} // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  ProcessResult result;
  int out_pipe[2] = {-1, -1};
  int err_pipe[2] = {-1, -1};
  if (options.capture_output &&
      (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0)) {
    result.err = std::strerror(errno);
    return result;
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    result.err = std::strerror(errno);
    return result;
  }
  if (pid == 0) {
    // The child dies with agentpg: a killed backup leaves no pg_dump writing on.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::umask(static_cast<mode_t>(options.umask));
    int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
    if (options.capture_output) {
      ::dup2(out_pipe[1], 1);
      ::dup2(err_pipe[1], 2);
    }
    exec_child(argv, options);
  }
  if (options.capture_output) {
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    bool out_open = true;
    bool err_open = true;
    bool stopped = false;
    while (out_open || err_open) {
      if (!stopped && options.stop && options.stop()) {
        // The child's output is still read to its end, so it never blocks on a full pipe.
        stopped = ::kill(pid, SIGTERM) == 0;
      }
      pollfd fds[2] = {{out_open ? out_pipe[0] : -1, POLLIN, 0},
                       {err_open ? err_pipe[0] : -1, POLLIN, 0}};
      int ready = ::poll(fds, 2, options.on_tick || options.stop ? 200 : -1);
      if (ready < 0 && errno != EINTR) {
        break;
      }
      if (ready < 0) {
        continue;
      }
      if (ready == 0) {
        if (options.on_tick) {
          options.on_tick();
        }
        continue;
      }
      if (out_open && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
        drain(out_pipe[0], result.out, out_open);
      }
      if (err_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
        size_t before = result.err.size();
        drain(err_pipe[0], result.err, err_open);
        if (options.on_err && result.err.size() > before) {
          options.on_err(std::string_view(result.err).substr(before));
        }
      }
    }
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  for (const auto& dir : split(path ? path : "/usr/bin:/bin", ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return "";
}

std::optional<RunAs> lookup_user(const std::string& name) {
  passwd* pw = ::getpwnam(name.c_str());
  if (pw == nullptr) {
    return std::nullopt;
  }
  return RunAs{pw->pw_uid, pw->pw_gid, pw->pw_name};
}

bool running_as_root() {
  return ::geteuid() == 0;
}

} // namespace agentpg::util
