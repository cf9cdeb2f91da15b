#pragma once
// Catching SIGINT and SIGTERM for a while, so that a command can end its child process
// and remove what it half-wrote before it stops.
namespace agentpg::util {

// While it lives, SIGINT and SIGTERM are recorded instead of ending the process; on
// destruction the previous handlers come back. Scopes do not nest.
class InterruptScope {
public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

  // The signal received since the scope began (SIGINT or SIGTERM), or 0.
  int signal() const;
};

// "SIGINT", "SIGTERM", or "a signal".
const char* signal_name(int signal);

} // namespace agentpg::util
