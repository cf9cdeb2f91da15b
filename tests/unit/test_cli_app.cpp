#include <doctest/doctest.h>

#include "cli/app.hpp"
#include "cli/words.hpp"

namespace {

// Runs the CLI on `args` and returns the error it throws ("" when none).
std::pair<int, std::string> run(std::vector<std::string> args) {
  args.insert(args.begin(), "agentpg");
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  agentpg::cli::App app;
  try {
    return {app.run(static_cast<int>(argv.size()), argv.data()), ""};
  } catch (const agentpg::core::Error& e) {
    return {agentpg::core::to_int(e.code()),
            std::string(e.what()) + (e.hint().empty() ? "" : " | " + e.hint())};
  }
}

} // namespace

TEST_SUITE("cli::app") {
  TEST_CASE("parse errors are usage errors (exit 2), with a suggestion for a misspelt command") {
    CHECK(run({"chek"}) ==
          std::pair<int, std::string>{2, "unknown command 'chek' | did you mean 'agentpg check'?"});
    CHECK(run({"--lock-timeout", "5", "chekc"}).second ==
          "unknown command 'chekc' | did you mean 'agentpg check'?");
    CHECK(run({"frobnicate"}) ==
          std::pair<int, std::string>{2, "unknown command 'frobnicate' | see 'agentpg --help'"});
    CHECK(run({}).first == 2);
    CHECK(run({"check", "--wait"}).first == 2);
    CHECK(run({"check", "--no-such-flag"}).first == 2);
    CHECK(run({"local"}).first == 2);
  }

  TEST_CASE("a misspelt option gets the closest option of that command or the globals") {
    CHECK(run({"migrate", "--dry-rn"}).second ==
          "unknown option '--dry-rn' | did you mean '--dry-run'?");
    CHECK(run({"--lock-timout", "5", "status"}).second ==
          "unknown option '--lock-timout' | did you mean '--lock-timeout'?");
    CHECK(run({"dump"}).first == 2);
  }

  TEST_CASE("help lines wrap at spaces under their description column") {
    std::string wrapped =
        agentpg::cli::wrap_help("  --to TEXT   revert everything newer than VERSION\n", 40);
    CHECK(wrapped == "  --to TEXT   revert everything newer\n"
                     "              than VERSION\n");
    CHECK(agentpg::cli::wrap_help("short\n", 30) == "short\n");
  }

  TEST_CASE("no database configured is a usage error that suggests --local") {
    auto [code, message] =
        run({"--env-file", "/dev/null", "--url-env", "AGENTPG_TEST_UNSET_URL", "check"});
    CHECK(code == 2);
    CHECK(message == "no database configured | set AGENTPG_TEST_UNSET_URL (or --database-url), or "
                     "use --local for a "
                     "project-local PostgreSQL");
  }
}
