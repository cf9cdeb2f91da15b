#pragma once
// `agentpg local start|stop|status|url|destroy`.
#include <string>

#include "core/error.hpp"
#include "ops/context.hpp"

namespace agentpg::ops {

enum class LocalAction { start, stop, status, url, destroy };

core::ExitCode run_local(ops::Context& ctx, LocalAction action);

} // namespace agentpg::ops
