#pragma once
// `agentpg local start|stop|status|url|destroy`.
#include <string>

#include "core/context.hpp"
#include "core/error.hpp"

namespace agentpg::local {

enum class LocalAction { start, stop, status, url, destroy };

core::ExitCode run_local(core::Context& ctx, LocalAction action);

} // namespace agentpg::local
