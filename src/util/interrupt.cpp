#include "util/interrupt.hpp"

#include <csignal>

namespace agentpg::util {

namespace {

// A signal handler can only reach static storage: this is the one place it writes.
volatile std::sig_atomic_t g_received = 0;
struct sigaction g_previous_int {};
struct sigaction g_previous_term {};

void record(int signal) {
  g_received = signal;
}

} // namespace

InterruptScope::InterruptScope() {
  g_received = 0;
  struct sigaction action {};
  action.sa_handler = record;
  sigemptyset(&action.sa_mask);
  // No SA_RESTART: a blocking wait returns with EINTR and looks at signal() at once.
  action.sa_flags = 0;
  ::sigaction(SIGINT, &action, &g_previous_int);
  ::sigaction(SIGTERM, &action, &g_previous_term);
  // A signal ignored on entry (nohup, a shell's background job) stays ignored.
  if (g_previous_int.sa_handler == SIG_IGN) {
    ::sigaction(SIGINT, &g_previous_int, nullptr);
  }
  if (g_previous_term.sa_handler == SIG_IGN) {
    ::sigaction(SIGTERM, &g_previous_term, nullptr);
  }
}

InterruptScope::~InterruptScope() {
  ::sigaction(SIGINT, &g_previous_int, nullptr);
  ::sigaction(SIGTERM, &g_previous_term, nullptr);
}

int InterruptScope::signal() const {
  return g_received;
}

const char* signal_name(int signal) {
  switch (signal) {
  case SIGINT:
    return "SIGINT";
  case SIGTERM:
    return "SIGTERM";
  default:
    return "a signal";
  }
}

} // namespace agentpg::util
