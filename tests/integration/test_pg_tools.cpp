#include <stdlib.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "pg/tools.hpp"
#include "support.hpp"
#include "util/process.hpp"

using agentpg::core::Error;
using agentpg::core::ExitCode;
using agentpg::pg::ConnParams;
using agentpg::pg::DumpFormat;
using agentpg::pg::DumpRequest;
using agentpg::pg::Tool;
using agentpg::testing::run;
using agentpg::testing::scalar;
using agentpg::testing::TestDatabase;
namespace pg = agentpg::pg;
using Args = std::vector<std::string>;

namespace {

// A folder under /tmp for one test, removed with its files when the test ends.
struct Scratch {
  std::string path;
  Scratch() {
    char pattern[] = "/tmp/agentpg-it-XXXXXX";
    path = ::mkdtemp(pattern);
  }
  ~Scratch() { std::filesystem::remove_all(path); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  std::string write(const std::string& name, const std::string& text, mode_t mode = 0644) const {
    std::string file = path + "/" + name;
    std::ofstream(file) << text;
    ::chmod(file.c_str(), mode);
    return file;
  }
};

// Sets (or, with nullopt, unsets) an environment variable for one test.
class EnvironmentVariable {
public:
  EnvironmentVariable(const char* name, const std::optional<std::string>& value) : m_name(name) {
    if (const char* old = std::getenv(name)) {
      m_old = old;
    }
    set(value);
  }
  ~EnvironmentVariable() { set(m_old); }
  EnvironmentVariable(const EnvironmentVariable&) = delete;
  EnvironmentVariable& operator=(const EnvironmentVariable&) = delete;

private:
  void set(const std::optional<std::string>& value) const {
    if (value) {
      ::setenv(m_name, value->c_str(), 1);
    } else {
      ::unsetenv(m_name);
    }
  }
  const char* m_name;
  std::optional<std::string> m_old;
};

int server_major(const TestDatabase& db) {
  return db.connect()->server_version_num() / 10000;
}

// Runs a client program with the environment agentpg gives it.
agentpg::util::ProcessResult run_tool(const Args& args, const ConnParams& params) {
  agentpg::util::ProcessOptions options;
  pg::ChildSecrets secrets(params);
  options.env_set = secrets.environment();
  return agentpg::util::run_process(args, options);
}

} // namespace

TEST_SUITE("pg::tools") {
  TEST_CASE("find_tool takes the client programs of the server's major version") {
    TestDatabase db("tools");
    int major = server_major(db);
    EnvironmentVariable no_bindir("AGENTPG_PG_BINDIR", std::nullopt);
    for (const char* name : {"pg_dump", "pg_restore", "psql"}) {
      Tool tool = pg::find_tool(name, major);
      CHECK(tool.path == "/usr/lib/postgresql/" + std::to_string(major) + "/bin/" + name);
      CHECK(tool.major == major);
    }
  }

  TEST_CASE("find_tool looks in AGENTPG_PG_BINDIR first, and refuses a program older than the "
            "server, or none") {
    Scratch bin;
    bin.write("pg_dump", "#!/bin/sh\necho 'pg_dump (PostgreSQL) 99.1 (Fake 99.1-1)'\n", 0755);
    bin.write("agentpg_it_old",
              "#!/bin/sh\necho 'agentpg_it_old (PostgreSQL) 12.22 (Debian 12.22-1.pgdg120+1)'\n",
              0755);
    bin.write("agentpg_it_broken", "#!/bin/sh\nexit 1\n", 0755);
    bin.write("agentpg_it_garbled", "#!/bin/sh\necho 'some other program 3.0'\n", 0755);
    EnvironmentVariable bindir("AGENTPG_PG_BINDIR", bin.path);

    Tool first = pg::find_tool("pg_dump", 15);
    CHECK(first.path == bin.path + "/pg_dump");
    CHECK(first.major == 99);
    Tool old_enough = pg::find_tool("agentpg_it_old", 12);
    CHECK(old_enough.path == bin.path + "/agentpg_it_old");
    CHECK(old_enough.major == 12);

    auto refused = [](const std::string& name, const std::string& message) {
      try {
        pg::find_tool(name, 15);
        FAIL("found " << name);
      } catch (const Error& e) {
        CHECK(e.code() == ExitCode::usage);
        CHECK(std::string(e.what()) == message);
        CHECK(e.hint() == "install postgresql-client-15 (or set AGENTPG_PG_BINDIR)");
      }
    };
    refused(
        "agentpg_it_old",
        "agentpg_it_old 12 is older than the server (PostgreSQL 15): it cannot be trusted with it");
    refused("agentpg_it_broken", "no agentpg_it_broken found for PostgreSQL 15");
    refused("agentpg_it_garbled", "no agentpg_it_garbled found for PostgreSQL 15");
    refused("agentpg_it_missing", "no agentpg_it_missing found for PostgreSQL 15");
  }

  TEST_CASE("the arguments of each program, with the password only in the child's environment") {
    ConnParams params = ConnParams::parse(
        "postgresql://u:s%27cr%5Cet@db.example:5433/it%27s%20app?sslmode=require");
    std::string conninfo = pg::child_conninfo(params);
    CHECK(conninfo ==
          "user='u' host='db.example' port='5433' dbname='it\\'s app' sslmode='require' "
          "application_name='agentpg'");
    CHECK(pg::ChildSecrets(params).environment() ==
          std::map<std::string, std::string>{{"PGPASSWORD", "s'cr\\et"}});
    CHECK(pg::ChildSecrets(ConnParams::parse("postgresql://u@h/app")).environment().empty());
    ConnParams named = ConnParams::parse("postgresql://u@h/app?application_name=nightly");
    CHECK(pg::child_conninfo(named) == "user='u' host='h' dbname='app' application_name='nightly'");

    Tool dump{"/pg/bin/pg_dump", 15};
    Tool restore{"/pg/bin/pg_restore", 15};
    Tool psql{"/pg/bin/psql", 15};
    std::string dbname = "--dbname=" + conninfo;
    CHECK(
        pg::dump_arguments(dump, params, DumpRequest{}, "/out/a.dump") ==
        Args{"/pg/bin/pg_dump", dbname, "--format=custom", "--file=/out/a.dump", "--no-password"});
    CHECK(pg::dump_arguments(dump, params, DumpRequest{DumpFormat::directory, 4, 0, true, ""},
                             "/out/a.dir") == Args{"/pg/bin/pg_dump", dbname, "--format=directory",
                                                   "--file=/out/a.dir", "--no-password", "--jobs=4",
                                                   "--compress=0", "--schema-only"});
    // Jobs need the directory format, and a plain dump is not compressed.
    CHECK(pg::dump_arguments(dump, params, DumpRequest{DumpFormat::plain, 4, 5, false, ""},
                             "/out/a.sql") ==
          Args{"/pg/bin/pg_dump", dbname, "--format=plain", "--file=/out/a.sql", "--no-password"});
    CHECK(pg::dump_arguments(dump, params,
                             DumpRequest{DumpFormat::custom, 1, -1, false, "00000003-0000001B-1"},
                             "/out/a.dump") == Args{"/pg/bin/pg_dump", dbname, "--format=custom",
                                                    "--file=/out/a.dump", "--no-password",
                                                    "--snapshot=00000003-0000001B-1"});
    CHECK(pg::dump_arguments(dump, params, DumpRequest{DumpFormat::custom, 4, 9, false, ""},
                             "/out/a.dump") == Args{"/pg/bin/pg_dump", dbname, "--format=custom",
                                                    "--file=/out/a.dump", "--no-password",
                                                    "--compress=9"});
    CHECK(pg::restore_arguments(restore, params, 1, "/out/a.dump") ==
          Args{"/pg/bin/pg_restore", dbname, "--no-password", "--exit-on-error",
               "--single-transaction", "/out/a.dump"});
    CHECK(pg::restore_arguments(restore, params, 3, "/out/a.dir") ==
          Args{"/pg/bin/pg_restore", dbname, "--no-password", "--exit-on-error", "--jobs=3",
               "/out/a.dir"});
    CHECK(pg::list_arguments(restore, "/out/a.dump") ==
          Args{"/pg/bin/pg_restore", "--list", "/out/a.dump"});
    CHECK(pg::read_all_arguments(restore, "/out/a.dump") ==
          Args{"/pg/bin/pg_restore", "--file=/dev/null", "/out/a.dump"});
    CHECK(pg::psql_file_arguments(psql, params, "/in/x.sql") ==
          Args{"/pg/bin/psql", "--no-psqlrc", "--quiet", "--no-password", "--single-transaction",
               "-v", "ON_ERROR_STOP=1", dbname, "--file=/in/x.sql"});

    CHECK(std::string(pg::format_name(DumpFormat::custom)) == "custom");
    CHECK(std::string(pg::format_name(DumpFormat::directory)) == "directory");
    CHECK(std::string(pg::format_name(DumpFormat::plain)) == "plain");
    CHECK(std::string(pg::format_extension(DumpFormat::custom)) == "dump");
    CHECK(std::string(pg::format_extension(DumpFormat::directory)) == "dir");
    CHECK(std::string(pg::format_extension(DumpFormat::plain)) == "sql");
  }

  TEST_CASE(
      "a dump made over TCP with the password in the environment lists and restores its tables") {
    TestDatabase db("tools");
    auto conn = db.connect();
    run(*conn, "CREATE SCHEMA \"Sales\"; CREATE TABLE \"Sales\".\"Order Lines\" (id int PRIMARY "
               "KEY, note text); "
               "INSERT INTO \"Sales\".\"Order Lines\" VALUES (1, 'it''s'), (2, E'back\\\\slash')");
    int major = conn->server_version_num() / 10000;
    Tool pg_dump = pg::find_tool("pg_dump", major);
    Tool pg_restore = pg::find_tool("pg_restore", major);
    Scratch out;
    std::string archive = out.path + "/db.dump";

    // scram-sha-256 on 127.0.0.1: the password must reach pg_dump, through PGPASSWORD only.
    ConnParams tcp = db.params();
    tcp.set("host", "127.0.0.1");
    std::ifstream password_file(std::string(std::getenv("AGENTPG_TEST_CLUSTER")) + "/password");
    std::string password;
    std::getline(password_file, password);
    REQUIRE_FALSE(password.empty());
    tcp.set("password", password);
    Args dump = pg::dump_arguments(pg_dump, tcp, DumpRequest{}, archive);
    for (const auto& arg : dump) {
      CHECK(arg.find(password) == std::string::npos);
    }
    agentpg::util::ProcessResult without = agentpg::util::run_process(dump);
    CHECK(without.exit_code == 1);
    CHECK(without.err.find("no password supplied") != std::string::npos);
    agentpg::util::ProcessResult dumped = run_tool(dump, tcp);
    REQUIRE_MESSAGE(dumped.exit_code == 0, dumped.err);

    agentpg::util::ProcessResult listed =
        agentpg::util::run_process(pg::list_arguments(pg_restore, archive));
    REQUIRE_MESSAGE(listed.exit_code == 0, listed.err);
    CHECK(listed.out.find(" TABLE Sales Order Lines postgres\n") != std::string::npos);
    CHECK(listed.out.find(" TABLE DATA Sales Order Lines postgres\n") != std::string::npos);

    CHECK(agentpg::util::run_process(pg::read_all_arguments(pg_restore, archive)).exit_code == 0);
    // Cut short: its data blocks do not all read.
    std::filesystem::copy_file(archive, out.path + "/cut.dump");
    std::filesystem::resize_file(out.path + "/cut.dump",
                                 std::filesystem::file_size(archive) * 9 / 10);
    agentpg::util::ProcessResult cut =
        agentpg::util::run_process(pg::read_all_arguments(pg_restore, out.path + "/cut.dump"));
    CHECK(cut.exit_code == 1);
    CHECK_MESSAGE(cut.err.find("pg_restore: error:") != std::string::npos, cut.err);

    run(*conn, "DROP SCHEMA \"Sales\" CASCADE");
    agentpg::util::ProcessResult restored =
        run_tool(pg::restore_arguments(pg_restore, tcp, 1, archive), tcp);
    REQUIRE_MESSAGE(restored.exit_code == 0, restored.err);
    CHECK(scalar(*conn, "SELECT string_agg(id || '=' || note, ',' ORDER BY id) FROM "
                        "\"Sales\".\"Order Lines\"") == "1=it's,2=back\\slash");
    // Restored again over itself: the first error stops it, and the one transaction leaves all as
    // it was.
    run(*conn, "DELETE FROM \"Sales\".\"Order Lines\" WHERE id = 2");
    agentpg::util::ProcessResult again =
        run_tool(pg::restore_arguments(pg_restore, tcp, 1, archive), tcp);
    CHECK(again.exit_code == 1);
    CHECK(again.err.find("already exists") != std::string::npos);
    CHECK(scalar(*conn, "SELECT count(*) FROM \"Sales\".\"Order Lines\"") == "1");
  }

  TEST_CASE("psql runs a file in one transaction and stops at its first error") {
    TestDatabase db("tools");
    auto conn = db.connect();
    Tool psql = pg::find_tool("psql", conn->server_version_num() / 10000);
    Scratch in;
    std::string good =
        in.write("good.sql", "CREATE TABLE public.a (x int);\nINSERT INTO public.a VALUES (1);\n");
    std::string bad = in.write(
        "bad.sql", "CREATE TABLE public.b (x int);\nSELECT 1/0;\nCREATE TABLE public.c (x int);\n");
    agentpg::util::ProcessResult ok =
        run_tool(pg::psql_file_arguments(psql, db.params(), good), db.params());
    REQUIRE_MESSAGE(ok.exit_code == 0, ok.err);
    CHECK(scalar(*conn, "SELECT count(*) FROM public.a") == "1");
    agentpg::util::ProcessResult failed =
        run_tool(pg::psql_file_arguments(psql, db.params(), bad), db.params());
    CHECK(failed.exit_code == 3);
    CHECK(failed.err.find("division by zero") != std::string::npos);
    CHECK(scalar(*conn, "SELECT count(*) FROM pg_class WHERE relname IN ('b', 'c')") == "0");
  }

  TEST_CASE("sslpassword reaches a child only through a private service file, removed after") {
    TestDatabase db("tools");
    ConnParams params = db.params();
    params.set("sslpassword", "Key?Pass#1");
    std::string conninfo = pg::child_conninfo(params);
    CHECK(conninfo.find("Key?Pass") == std::string::npos);
    CHECK(conninfo.find("sslpassword") == std::string::npos);
    std::string file;
    {
      pg::ChildSecrets secrets(params);
      file = secrets.service_file();
      REQUIRE(!file.empty());
      struct stat st {};
      REQUIRE(::stat(file.c_str(), &st) == 0);
      CHECK((st.st_mode & 0777) == 0600);
      std::ifstream in(file);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      CHECK(text == "[agentpg]\nsslpassword=Key?Pass#1\n");
      CHECK(secrets.environment() ==
            std::map<std::string, std::string>{{"PGSERVICE", "agentpg"}, {"PGSERVICEFILE", file}});
      // The child reads it: libpq accepts the service and connects (sslpassword is unused
      // without a client key, over the unix socket).
      Tool psql = pg::find_tool("psql", server_major(db));
      agentpg::util::ProcessOptions options;
      options.env_set = secrets.environment();
      agentpg::util::ProcessResult ran = agentpg::util::run_process(
          {psql.path, "--no-psqlrc", "-At", "--dbname=" + conninfo, "-c", "SELECT 7"}, options);
      CHECK_MESSAGE(ran.exit_code == 0, ran.err);
      CHECK(ran.out == "7\n");
    }
    CHECK_FALSE(std::filesystem::exists(file));

    ConnParams broken = db.params();
    broken.set("sslpassword", "two\nlines");
    CHECK_THROWS_WITH_AS(
        pg::ChildSecrets{broken},
        doctest::Contains("the sslpassword ends with a blank or holds a line break"), Error);
  }
}
