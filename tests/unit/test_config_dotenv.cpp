#include <doctest/doctest.h>

#include "config/dotenv.hpp"
#include "core/error.hpp"

using agentpg::config::parse_dotenv;

TEST_SUITE("config::dotenv") {
  TEST_CASE("reads comments, blanks, export, quotes and inline comments") {
    auto env = parse_dotenv("# a comment\n"
                            "\n"
                            "A=plain\n"
                            "export B=exported\n"
                            "C='single # not a comment'\n"
                            "D=\"double \\\"quoted\\\" # kept\\nnext\"\n"
                            "E=value # comment\n"
                            "F=a#b\n"
                            "G=\n"
                            "  H = spaced  \n"
                            "I=\"multi\n"
                            "line\"\n"
                            "J=last\r\n",
                            ".env");
    CHECK(env.at("A").value == "plain");
    CHECK(env.at("B").value == "exported");
    CHECK(env.at("C").value == "single # not a comment");
    CHECK(env.at("D").value == "double \"quoted\" # kept\nnext");
    CHECK(env.at("E").value == "value");
    CHECK(env.at("F").value == "a#b");
    CHECK(env.at("G").value == "");
    CHECK(env.at("H").value == "spaced");
    CHECK(env.at("I").value == "multi\nline");
    CHECK(env.at("J").value == "last");
    CHECK(env.at("A").line == 3);
    CHECK(env.at("J").line == 13);
  }

  TEST_CASE("names the file and line of a malformed entry") {
    auto message = [](const char* text) {
      try {
        parse_dotenv(text, "app.env");
      } catch (const agentpg::core::Error& e) {
        CHECK(e.code() == agentpg::core::ExitCode::usage);
        return std::string(e.what());
      }
      return std::string("no error");
    };
    CHECK(message("A=1\nNOEQUALS\n") == "app.env:2: expected '=' after 'NOEQUALS'");
    CHECK(message("A=1\n\nB=\"open\n") == "app.env:3: unterminated double quote");
    CHECK(message("C='x' trailing\n") == "app.env:1: unexpected text after the closing quote");
    CHECK(message("=value\n") == "app.env:1: expected a variable name");
  }
}
