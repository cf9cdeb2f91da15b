#include <doctest/doctest.h>

#include <string>

#include "core/error.hpp"
#include "migrate/names.hpp"

using namespace agentpg::migrate;

namespace {

std::string refusal(void (*check)(const std::string&), const std::string& value) {
  try {
    check(value);
  } catch (const agentpg::core::Error& e) {
    CHECK(e.code() == agentpg::core::ExitCode::usage);
    return e.what();
  }
  return "";
}

} // namespace

TEST_SUITE("migrate::names") {
  TEST_CASE("a module is one folder named with letters, digits, _ and -") {
    for (const char* ok : {"core", "Billing-v2", "a_b", "x"}) {
      CHECK(refusal(check_module_name, ok).empty());
    }
    CHECK(refusal(check_module_name, "../../x") ==
          "module name '../../x' holds a path separator: a module is one folder directly under "
          "the migrations folder");
    CHECK(refusal(check_module_name, "a/b").find("path separator") != std::string::npos);
    CHECK(refusal(check_module_name, "a\\b").find("path separator") != std::string::npos);
    CHECK(refusal(check_module_name, "..").find("starts with '.'") != std::string::npos);
    CHECK(refusal(check_module_name, ".hidden").find("starts with '.'") != std::string::npos);
    CHECK(refusal(check_module_name, "-x") == "module name '-x' starts with '-'");
    CHECK(refusal(check_module_name, "a b") == "module name 'a b' holds a space");
    CHECK(refusal(check_module_name, "a\nb") == "module name 'a\\x0Ab' holds a control character");
    CHECK(refusal(check_module_name, std::string("a\0b", 3)) ==
          "module name 'a\\x00b' holds a control character");
    CHECK(refusal(check_module_name, "caf\xC3\xA9").find("other than letters") !=
          std::string::npos);
    CHECK(refusal(check_module_name, "").find("is empty") != std::string::npos);
    CHECK(refusal(check_module_name, std::string(64, 'a')).find("longer than 63") !=
          std::string::npos);
  }

  TEST_CASE("a migration name is lower-case letters, digits and _") {
    CHECK(refusal(check_migration_name, "add_agents_2").empty());
    for (const char* bad : {"../../x", "a/b", "..", ".hidden", "a b", "Bad-Name", ""}) {
      CAPTURE(bad);
      CHECK(refusal(check_migration_name, bad).find("must be lower-case letters, digits and _") !=
            std::string::npos);
    }
    CHECK(refusal(check_migration_name, "a\nb").find("'a\\x0Ab'") != std::string::npos);
    CHECK_FALSE(refusal(check_migration_name, std::string(201, 'a')).empty());
  }

  TEST_CASE("new makes a migration name of what was typed") {
    CHECK(migration_name_from("add_agents_2") == "add_agents_2");
    CHECK(migration_name_from("Add Agents") == "add_agents");
    CHECK(migration_name_from("  add-agents  v2!  ") == "add_agents_v2");
    CHECK(migration_name_from("Add_x") == "add_x");
    CHECK(migration_name_from(".hidden") == "hidden");
    CHECK(migration_name_from("caf\xC3\xA9 cr\xC3\xA8me") == "cafe_creme");
    CHECK(migration_name_from("Stra\xC3\x9F"
                              "e \xC5\x81\xC3\xB3"
                              "d\xC5\xBA") == "strasse_lodz");
    CHECK(migration_name_from("\xD0\xB4\xD0\xB0 agents") == "agents");
  }

  TEST_CASE("new refuses a name that cannot be made into one") {
    auto refused = [](const std::string& typed) {
      try {
        migration_name_from(typed);
      } catch (const agentpg::core::Error& e) {
        CHECK(e.code() == agentpg::core::ExitCode::usage);
        return std::string(e.what());
      }
      return std::string();
    };
    CHECK(refused("../../x") == "migration name '../../x' holds a path separator");
    CHECK(refused("a/b") == "migration name 'a/b' holds a path separator");
    CHECK(refused("a\\b") == "migration name 'a\\b' holds a path separator");
    CHECK(refused("..") == "migration name '..' holds no letter or digit to name the file by");
    CHECK(refused("!!! ?").find("holds no letter or digit") != std::string::npos);
    CHECK(refused("").find("holds no letter or digit") != std::string::npos);
    CHECK(refused("\xD0\xB4\xD0\xB0").find("holds no letter or digit") != std::string::npos);
    CHECK(refused("a\nb") == "migration name 'a\\x0Ab' holds a control character");
    CHECK(refused("\x1B[31m") == "migration name '\\x1B[31m' holds a control character");
    CHECK_FALSE(refused(std::string(201, 'a')).empty());
  }

  TEST_CASE("a new module is refused when it looks like a typo or is not configured") {
    CHECK_NOTHROW(check_new_module("m", "billing", {"core", "caracal"}, {}));
    CHECK_NOTHROW(check_new_module("m", "caracal", {"core", "caracal"}, {}));
    CHECK_THROWS_WITH(check_new_module("m", "caracl", {"core", "caracal"}, {}),
                      "there is no module 'caracl' (did you mean 'caracal'?)");
    CHECK_THROWS_WITH(check_new_module("m", "Core", {"core"}, {}),
                      "there is no module 'Core' (did you mean 'core'?)");
    CHECK_THROWS_WITH(check_new_module("m", "chad", {"core", "chad"}, {"core"}),
                      "module 'chad' is not among the configured modules (core): migrate would "
                      "never read a migration there");
  }
}
