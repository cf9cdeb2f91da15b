#pragma once
// Running other programs (initdb, pg_ctl, pg_dump...) without a shell.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agentpg::util {

struct RunAs {
  unsigned uid = 0;
  unsigned gid = 0;
  std::string name;
};

struct ProcessOptions {
  std::optional<RunAs> run_as;                  // drop to this user in the child
  std::map<std::string, std::string> env_set;   // added to (or replacing in) the environment
  bool capture_output = true;                   // false: inherit stdout/stderr
  std::function<void()> on_tick;                // called about every 200 ms while it runs
  std::function<void(std::string_view)> on_err; // each piece of its stderr as it comes
  std::function<bool()> stop;                   // looked at as often: true sends the child SIGTERM
  unsigned umask = 077;                         // files the child creates are private
};

struct ProcessResult {
  int exit_code = -1; // 128 + signal when killed by a signal; 127 when it could not start
  std::string out;
  std::string err;
};

// Runs argv[0] (searched on PATH when it has no '/') and waits for it.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// The full path of `name` on PATH, or "" when it is not there.
std::string find_on_path(const std::string& name);

// The account called `name`, or nullopt.
std::optional<RunAs> lookup_user(const std::string& name);

bool running_as_root();

} // namespace agentpg::util
