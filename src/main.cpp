// agentpg: the life of an agent platform's PostgreSQL database, from one binary.
#include <cstdio>
#include <exception>

#include "cli/app.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "pg/conn_params.hpp"

int main(int argc, char** argv) {
  using namespace agentpg;
  cli::App app;
  try {
    return app.run(argc, argv);
  } catch (const core::Error& e) {
    // The one place errors are reported; passwords are masked whatever their source.
    std::string message = pg::mask_secrets(e.what());
    std::string hint = pg::mask_secrets(e.hint());
    app.output().error(message, hint);
    core::Json error = core::Json::object()
                           .set("exit_code", core::to_int(e.code()))
                           .set("kind", core::exit_code_name(e.code()))
                           .set("message", message);
    if (!hint.empty()) {
      error.set("hint", hint);
    }
    app.output().emit(core::Json::object().set("error", error));
    return core::to_int(e.code());
  } catch (const std::exception& e) {
    app.output().error(pg::mask_secrets(e.what()), "this is a bug in agentpg; please report it");
    return core::to_int(core::ExitCode::unexpected);
  }
}
