#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "pg/schema_dump.hpp"

using agentpg::pg::dump_objects;
using agentpg::pg::normalise_schema_dump;
using agentpg::pg::object_differences;
using Lines = std::vector<std::string>;

namespace {

// What pg_dump 15.14 prints for a schema-only dump, with the version and key `tag`.
std::string pg_dump_output(const std::string& tag, const std::string& body) {
  return "--\n-- PostgreSQL database dump\n--\n\n\\restrict " + tag +
         "Key\n\n-- Dumped from database version 15." + tag + "\n-- Dumped by pg_dump version 15." +
         tag +
         "\n\nSET statement_timeout = 0;\nSET lock_timeout = 0;\n"
         "SET client_encoding = 'SQL_ASCII';\nSET transaction_timeout = 0;\n"
         "SELECT pg_catalog.set_config('search_path', '', false);\nSET row_security = off;\n\n" +
         body + "--\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict " + tag + "Key\n\n";
}

const std::string k_body = "--\n-- Name: shop; Type: SCHEMA; Schema: -; Owner: -\n--\n\n"
                           "CREATE SCHEMA shop;\n\n\n"
                           "SET default_tablespace = '';\n\n"
                           "--\n-- Name: items; Type: TABLE; Schema: shop; Owner: -\n--\n\n"
                           "CREATE TABLE shop.items (\n    id integer NOT NULL\n);\n\n\n"
                           "--\n-- Name: items_id; Type: INDEX; Schema: shop; Owner: -\n--\n\n"
                           "CREATE INDEX items_id ON shop.items USING btree (id);\n\n\n";

} // namespace

TEST_SUITE("pg::schema_dump") {
  TEST_CASE("the versions, the restrict key and the SET lines of the preamble are replaced") {
    std::string a = normalise_schema_dump(pg_dump_output("14", k_body));
    std::string b = normalise_schema_dump(pg_dump_output("20", k_body));
    CHECK(a == b);
    CHECK(a.find("restrict") == std::string::npos);
    CHECK(a.find("Dumped") == std::string::npos);
    CHECK(a.find("SQL_ASCII") == std::string::npos);
    CHECK(a.find("transaction_timeout") == std::string::npos);
    CHECK(a.find("SET client_encoding = 'UTF8';\n") != std::string::npos);
    CHECK(a.find("dump complete") == std::string::npos);
    // The body stays as it is, SET lines between objects included.
    CHECK(a.find("\n--\n-- Name: shop; Type: SCHEMA; Schema: -; Owner: -\n") != std::string::npos);
    CHECK(a.find("SET default_tablespace = '';\n") != std::string::npos);
    std::string last = "\n\nCREATE INDEX items_id ON shop.items USING btree (id);\n";
    CHECK(a.substr(a.size() - last.size()) == last);
  }

  TEST_CASE("an empty database is the preamble alone") {
    std::string empty = normalise_schema_dump(pg_dump_output("14", ""));
    CHECK(empty.find("--") == std::string::npos);
    CHECK(empty.rfind("SET row_security = off;\n") == empty.size() - 24);
    CHECK(dump_objects(empty).empty());
  }

  TEST_CASE("a dump is split into its objects, named by their header") {
    std::vector<agentpg::pg::DumpObject> objects =
        dump_objects(normalise_schema_dump(pg_dump_output("14", k_body)));
    REQUIRE(objects.size() == 3);
    CHECK(objects[0].label() == "SCHEMA shop");
    CHECK(objects[1].label() == "TABLE shop.items");
    CHECK(objects[2].label() == "INDEX shop.items_id");
    CHECK(objects[2].text.rfind("--\n-- Name: items_id;", 0) == 0);
  }

  TEST_CASE("the objects that differ are named, with the side they are on") {
    std::string before = normalise_schema_dump(pg_dump_output("14", k_body));
    std::string body = k_body;
    body.replace(body.find("id integer"), 10, "id bigint");
    body.erase(body.find("--\n-- Name: items_id"));
    std::string after = normalise_schema_dump(pg_dump_output("14", body));
    CHECK(object_differences(before, after, "before", "after") ==
          Lines{"TABLE shop.items: differs", "INDEX shop.items_id: only in before"});
    CHECK(object_differences(after, before, "A", "B") ==
          Lines{"TABLE shop.items: differs", "INDEX shop.items_id: only in B"});
    CHECK(object_differences(before, before, "A", "B").empty());
  }
}

TEST_SUITE("pg::schema_dump") {
  TEST_CASE("objects kept on purpose are left out, with their comments") {
    std::string body = k_body +
                       "--\n-- Name: EXTENSION vector; Type: COMMENT; Schema: -; Owner: -\n"
                       "--\n\nCOMMENT ON EXTENSION vector IS 'v';\n";
    std::string dump = normalise_schema_dump(pg_dump_output("14", body));
    CHECK(agentpg::pg::without_objects(dump, {}) == dump);
    std::string without =
        agentpg::pg::without_objects(dump, {"INDEX shop.items_id", "EXTENSION vector"});
    CHECK(without.find("items_id") == std::string::npos);
    CHECK(without.find("COMMENT ON EXTENSION") == std::string::npos);
    CHECK(without.find("CREATE TABLE shop.items") != std::string::npos);
    // Nothing removed: the text is what it was.
    CHECK(agentpg::pg::without_objects(dump, {"TABLE nowhere.x"}) == dump);
  }
}
