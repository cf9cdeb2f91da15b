#pragma once
#include <string>

namespace agentpg::pg {

// The fields of a server error, as the server sent them.
struct ServerError {
  std::string severity;
  std::string sqlstate;
  std::string message;
  std::string detail;
  std::string hint;
  std::string context;
  int position = 0; // 1-based character offset into the statement; 0 when the server gave none
};

// Which statement of a batch failed, and how.
struct BatchFailure {
  size_t index = 0;
  ServerError error;
};

} // namespace agentpg::pg
