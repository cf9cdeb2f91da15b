#pragma once
// The one exception type of agentpg. It is thrown where a failure is understood and
// caught once, in main, which prints "agentpg: error: <message>" (and the hint) and
// exits with the code.
#include <stdexcept>
#include <string>

namespace agentpg::core {

// The documented exit codes (README "Exit codes"); their numbers are a contract.
enum class ExitCode : int {
  ok = 0,
  unexpected = 1,
  usage = 2,         // usage or configuration error
  connection = 3,    // cannot connect or authenticate
  sql = 4,           // SQL failed; that migration/seed was rolled back
  validation = 5,    // changed, missing or out-of-order migration, malformed file
  lock_timeout = 6,  // gave up waiting for the migration lock
  not_latest = 7,    // check: schema not at latest
  refused = 8,       // refused by a guard
  interrupted = 130, // stopped by SIGINT after cleaning up (128 + the signal, as shells say)
  terminated = 143,  // stopped by SIGTERM after cleaning up
};

class Error : public std::runtime_error {
public:
  Error(ExitCode code, const std::string& message, std::string hint = {})
      : std::runtime_error(message), m_code(code), m_hint(std::move(hint)) {}

  ExitCode code() const { return m_code; }
  const std::string& hint() const { return m_hint; }

private:
  ExitCode m_code;
  std::string m_hint;
};

int to_int(ExitCode code);

// The name users see in --json output and the README table ("usage", "sql", ...).
const char* exit_code_name(ExitCode code);

} // namespace agentpg::core
