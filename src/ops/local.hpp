#pragma once
// `agentpg local start|stop|status|url|destroy`.
#include <string>

#include "ops/context.hpp"
#include "core/error.hpp"

namespace agentpg::ops {

enum class LocalAction { start, stop, status, url, destroy };

core::ExitCode run_local(ops::Context& ctx, LocalAction action);

} // namespace agentpg::ops
