#include <doctest/doctest.h>

#include "core/error.hpp"
#include "migrate/adopt.hpp"

using namespace agentpg::migrate;
using agentpg::pg::ForeignHistory;

namespace {

std::vector<MigrationFile> files(std::initializer_list<const char*> versions) {
  std::vector<MigrationFile> out;
  for (const char* v : versions) {
    MigrationFile m;
    m.version = v;
    m.name = std::string("m") + v;
    m.path = "migrations/" + m.version + "_" + m.name + ".sql";
    out.push_back(m);
  }
  return out;
}

std::vector<std::string> recorded(const AdoptionPlan& plan) {
  std::vector<std::string> out;
  for (const auto* m : plan.record) {
    out.push_back(m->version);
  }
  return out;
}

std::string refusal(const std::vector<MigrationFile>& f, const ForeignHistory& h,
                    const AdoptRules& rules = {}) {
  try {
    plan_adoption(f, h, rules);
  } catch (const agentpg::core::Error& e) {
    CHECK(e.code() == agentpg::core::ExitCode::validation);
    return std::string(e.what()) + " | " + e.hint();
  }
  return "no error";
}

using V = std::vector<std::string>;

} // namespace

TEST_SUITE("migrate::adopt") {
  TEST_CASE("dbmate and diesel rows map to files by version; newer files stay pending") {
    auto f = files({"0", "20210817210508", "20210901000000", "20220101000000"});
    ForeignHistory diesel{"diesel",
                          "public.__diesel_schema_migrations",
                          {"00000000000000", "20210817210508", "20210901000000"},
                          "",
                          false};
    AdoptionPlan plan = plan_adoption(f, diesel, {});
    CHECK(recorded(plan) == V{"0", "20210817210508", "20210901000000"});
    CHECK(plan.head == "20210901000000");
  }

  TEST_CASE("foreign versions without a file are refused unless --allow-missing") {
    auto f = files({"1", "2"});
    ForeignHistory dbmate{"dbmate", "public.schema_migrations", {"1", "2", "3"}, "", false};
    CHECK(refusal(f, dbmate) ==
          "public.schema_migrations lists versions that have no migration file here: 3 | "
          "restore those files, or pass --allow-missing to adopt without them");
    AdoptionPlan plan = plan_adoption(f, dbmate, AdoptRules{true, false, ""});
    CHECK(recorded(plan) == V{"1", "2"});
    CHECK(plan.ignored == V{"3"});
  }

  TEST_CASE("files older than the foreign head without a row are refused unless --mark-applied") {
    auto f = files({"1", "2", "3", "4"});
    ForeignHistory dbmate{"dbmate", "public.schema_migrations", {"1", "3"}, "", false};
    CHECK(refusal(f, dbmate).rfind(
              "these files are older than dbmate's newest version (3) but "
              "public.schema_migrations has no row for them:\n  migrations/2_m2.sql | pass "
              "--mark-applied",
              0) == 0);
    CHECK(recorded(plan_adoption(f, dbmate, AdoptRules{false, true, ""})) == V{"1", "2", "3"});
  }

  TEST_CASE("golang-migrate's single version covers every file up to it; a dirty one is refused") {
    auto f = files({"1", "2", "3"});
    ForeignHistory clean{"golang-migrate", "public.schema_migrations", {}, "2", false};
    CHECK(recorded(plan_adoption(f, clean, {})) == V{"1", "2"});
    ForeignHistory dirty{"golang-migrate", "public.schema_migrations", {}, "2", true};
    CHECK(refusal(f, dirty).find("golang-migrate left version 2 dirty") == 0);
    CHECK(refusal(f, dirty).find("'agentpg adopt --dirty-is applied'") != std::string::npos);
    CHECK(recorded(plan_adoption(f, dirty, AdoptRules{false, false, "applied"})) == V{"1", "2"});
    CHECK(recorded(plan_adoption(f, dirty, AdoptRules{false, false, "not-applied"})) == V{"1"});
  }

  TEST_CASE("Alembic's head maps through the revision named in the converted files") {
    auto f = files({"1", "2", "3"});
    f[0].alembic_revision = "1a2b";
    f[1].alembic_revision = "ac870772e55c";
    ForeignHistory alembic{"alembic", "public.alembic_version", {}, "ac870772e55c", false};
    CHECK(recorded(plan_adoption(f, alembic, {})) == V{"1", "2"});
    ForeignHistory unknown{"alembic", "public.alembic_version", {}, "ffff", false};
    CHECK(refusal(f, unknown) ==
          "no migration file names the Alembic revision ffff that public.alembic_version holds"
          " | add the line '-- alembic: ffff' above '-- migrate:up' in the file converted from "
          "that revision");
  }

  TEST_CASE("Flyway versions that are not whole numbers are refused") {
    auto f = files({"1"});
    ForeignHistory flyway{"flyway", "public.flyway_schema_history", {"1.1"}, "", false};
    CHECK(refusal(f, flyway).find("flyway version '1.1' is not a whole number") == 0);
  }

  TEST_CASE("reads the Alembic revision from a converted file") {
    MigrationFile m = parse_native(
        "m/1_x.sql",
        "-- converted from Alembic\n-- alembic: ac870772e55c\n-- migrate:up\nSELECT 1;\n");
    CHECK(m.alembic_revision == "ac870772e55c");
  }
}
