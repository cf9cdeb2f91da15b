#include "pg/pooler.hpp"
#include "support.hpp"

using agentpg::testing::TestDatabase;
namespace pg = agentpg::pg;

// Through PgBouncer, in transaction and in session mode: tests/cli/pooler.sh.
TEST_SUITE("pg::pooler") {
  TEST_CASE("a direct connection has its own session, known in one round trip") {
    TestDatabase db("pooler");
    auto conn = db.connect();
    // An unreachable address for a second connection: a direct one is never opened.
    pg::ConnParams nowhere = pg::ConnParams::parse("postgresql://127.0.0.1:1/none");
    CHECK(pg::probe_session(*conn, nowhere, 2) == pg::Session::own);
    CHECK(pg::probe_session(*conn, db.params(), 2) == pg::Session::own);
  }
}
