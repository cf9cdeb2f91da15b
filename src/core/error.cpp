#include "core/error.hpp"

namespace agentpg::core {

int to_int(ExitCode code) {
  return static_cast<int>(code);
}

const char* exit_code_name(ExitCode code) {
  switch (code) {
  case ExitCode::ok:
    return "ok";
  case ExitCode::unexpected:
    return "unexpected";
  case ExitCode::usage:
    return "usage";
  case ExitCode::connection:
    return "connection";
  case ExitCode::sql:
    return "sql";
  case ExitCode::validation:
    return "validation";
  case ExitCode::lock_timeout:
    return "lock_timeout";
  case ExitCode::not_latest:
    return "not_latest";
  case ExitCode::refused:
    return "refused";
  case ExitCode::interrupted:
    return "interrupted";
  case ExitCode::terminated:
    return "terminated";
  }
  return "unexpected";
}

} // namespace agentpg::core
