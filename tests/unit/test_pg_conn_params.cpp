#include <doctest/doctest.h>

#include "core/error.hpp"
#include "pg/conn_params.hpp"
#include "util/sha256.hpp"

using agentpg::pg::ConnParams;
using agentpg::pg::mask_secrets;

TEST_SUITE("pg::conn_params") {
  struct UrlCase {
    const char* url;
    const char* conninfo;
    const char* display;
  };

  TEST_CASE("parses every supported URL form into libpq keywords") {
    const UrlCase cases[] = {
        {"postgres://u:p@db:5433/app", "user='u' password='p' host='db' port='5433' dbname='app'",
         "postgresql://u:***@db:5433/app"},
        {"postgresql://u@localhost/app", "user='u' host='localhost' dbname='app'",
         "postgresql://u@localhost/app"},
        {"postgresql+asyncpg://u:p@h/app", "user='u' password='p' host='h' dbname='app'",
         "postgresql://u:***@h/app"},
        {"postgresql+psycopg2://u:p@h:1/app?sslmode=require",
         "user='u' password='p' host='h' port='1' dbname='app' sslmode='require'",
         "postgresql://u:***@h:1/app?sslmode=require"},
        {"postgresql://us%40er:p%3Aa%2Fss%40@h/d%20b",
         "user='us@er' password='p:a/ss@' host='h' dbname='d b'",
         "postgresql://us%40er:***@h/d%20b"},
        {"postgresql://u:p@[::1]:5432/app",
         "user='u' password='p' host='::1' port='5432' dbname='app'",
         "postgresql://u:***@[::1]:5432/app"},
        {"postgresql:///app?host=/var/run/postgresql&port=5444",
         "dbname='app' host='/var/run/postgresql' port='5444'",
         "postgresql:///app?host=/var/run/postgresql&port=5444"},
        {"postgresql://h1:5432,h2:5433/app?target_session_attrs=read-write",
         "host='h1,h2' port='5432,5433' dbname='app' target_session_attrs='read-write'",
         "postgresql://h1:5432,h2:5433/app?target_session_attrs=read-write"},
        {"postgresql+asyncpg://u@h/app?ssl=true",
         "user='u' host='h' dbname='app' sslmode='require'",
         "postgresql://u@h/app?sslmode=require"},
        {"postgresql://u:p@w@h/app", "user='u' password='p@w' host='h' dbname='app'",
         "postgresql://u:***@h/app"},
        {"host=h port=5 dbname=app user=u password='a b\\'c'",
         "host='h' port='5' dbname='app' user='u' password='a b\\'c'",
         "postgresql://u:***@h:5/app"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.url);
      ConnParams params = ConnParams::parse(c.url);
      CHECK(params.conninfo() == c.conninfo);
      CHECK(params.display() == c.display);
    }
  }

  TEST_CASE("rejects malformed URLs without showing the password") {
    const char* bad[] = {"mysql://u:secret@h/db",
                         "postgresql://u:secret@h:port/db",
                         "postgresql://u:secret@[::1/db",
                         "postgresql://u:secret@h/db?x",
                         "postgresql://u:sec%zzret@h/db",
                         "just-a-word",
                         "   "};
    for (const char* url : bad) {
      CAPTURE(url);
      try {
        ConnParams::parse(url);
        FAIL("accepted a malformed URL");
      } catch (const agentpg::core::Error& e) {
        CHECK(e.code() == agentpg::core::ExitCode::usage);
        CHECK(std::string(e.what()).find("secret") == std::string::npos);
        CHECK(std::string(e.what()).rfind("invalid database URL: ", 0) == 0);
        CHECK(e.hint().find("secret") == std::string::npos);
      }
    }
  }

  TEST_CASE("a password holding ? # @ / % in a broken URL never shows in the error") {
    // Each shape is broken somewhere (port, escape, IPv6 bracket, query); the password
    // holds the characters that end a URL's parts early.
    const char* passwords[] = {"Sup3r?x", "Sup3r#x", "Sup3r@x",
                               "Sup3r/x", "Sup3r%x", "Sup3r?#@/%x"};
    const char* shapes[] = {"postgresql://u:{}@host:5432/db",
                            "postgresql://u:{}@host:port/db",
                            "postgresql://u:{}@[::1/db",
                            "postgresql://u:{}@host/db?x",
                            "postgresql://u:{}@host/db?a=%zz",
                            "postgresql://u:{}@host:5432,h2:x/db",
                            "postgres+asyncpg://u:{}@host:5432/d%00b",
                            "mysql://u:{}@host/db"};
    int refused = 0;
    for (const char* password : passwords) {
      for (const char* shape : shapes) {
        std::string url = shape;
        url.replace(url.find("{}"), 2, password);
        CAPTURE(url);
        try {
          ConnParams::parse(url);
        } catch (const agentpg::core::Error& e) {
          ++refused;
          std::string all = std::string(e.what()) + "\n" + e.hint();
          CHECK(e.code() == agentpg::core::ExitCode::usage);
          CHECK(all.find("Sup3r") == std::string::npos);
          CHECK(all.find("://u:***@") != std::string::npos);
        }
      }
    }
    // The first shape parses only when the password holds no '?' nor '%'.
    CHECK(refused >= 6 * 7);
  }

  TEST_CASE("the issue's URL: a password with ? is not quoted as a port") {
    try {
      ConnParams::parse("postgresql://u:Sup3r?x@host:5432/db");
      FAIL("parsed");
    } catch (const agentpg::core::Error& e) {
      CHECK(std::string(e.what()) == "invalid database URL: a port is not a number (in "
                                     "postgresql://u:***@host:5432/db)");
      CHECK(e.hint().find("%3F") != std::string::npos);
    }
  }

  TEST_CASE("a password whose '@' is missing is not quoted as a port") {
    for (const char* url : {"postgresql://u:S3cretX/db", "postgresql://u:S3cretX",
                            "postgresql://h1:5432,u:S3cretX/db?sslmode=require"}) {
      try {
        ConnParams::parse(url);
        FAIL("parsed: ", url);
      } catch (const agentpg::core::Error& e) {
        std::string all = std::string(e.what()) + "\n" + e.hint();
        CHECK_MESSAGE(all.find("S3cretX") == std::string::npos, all);
        CHECK(all.find(":***") != std::string::npos);
      }
    }
  }

  TEST_CASE("a NUL (%00) in any decoded part of a URL is refused, shown as %00") {
    struct NulCase {
      const char* url;
      const char* message;
    };
    NulCase cases[] = {
        {"postgresql://u@h/app%00x",
         "invalid database URL: the database name 'app%00x' holds a NUL byte (%00) (in "
         "postgresql://u@h/app%00x)"},
        {"postgresql://a%00b@h/app",
         "invalid database URL: the user name 'a%00b' holds a NUL byte (%00) (in "
         "postgresql://a%00b@h/app)"},
        {"postgresql://h%00x/app",
         "invalid database URL: the host 'h%00x' holds a NUL byte (%00) (in "
         "postgresql://h%00x/app)"},
        {"postgresql://h/app?application_name=a%00",
         "invalid database URL: the value of application_name 'a%00' holds a NUL byte (%00) "
         "(in postgresql://h/app?application_name=a%00)"},
        {"postgresql://u:se%00cret@h/app",
         "invalid database URL: the password holds a NUL byte (%00) (in "
         "postgresql://u:***@h/app)"},
        {"postgresql://h/app?sslpassword=se%00cret",
         "invalid database URL: the value of sslpassword holds a NUL byte (%00) (in "
         "postgresql://h/app?sslpassword=***)"},
    };
    for (const NulCase& c : cases) {
      CAPTURE(c.url);
      try {
        ConnParams::parse(c.url);
        FAIL("parsed");
      } catch (const agentpg::core::Error& e) {
        CHECK(e.code() == agentpg::core::ExitCode::usage);
        CHECK(std::string(e.what()) == c.message);
        CHECK(e.hint() == "PostgreSQL cannot store a NUL in a name or value: remove the %00");
      }
    }
  }

  TEST_CASE("a broken key=value string does not quote a word that may be part of a password") {
    try {
      ConnParams::parse("password=Se cret host=h");
      FAIL("parsed");
    } catch (const agentpg::core::Error& e) {
      CHECK(std::string(e.what()) ==
            "invalid database URL: a word without '=' in the connection string (put a value "
            "that holds a space in single quotes: key='a b')");
    }
  }

  TEST_CASE("every secret option is masked and kept out of a display") {
    CHECK(agentpg::pg::is_secret_option("password"));
    CHECK(agentpg::pg::is_secret_option("sslpassword"));
    CHECK_FALSE(agentpg::pg::is_secret_option("sslkey"));
    auto p = ConnParams::parse("postgresql://u:pw@h/db?sslpassword=Key%3FPass&sslkey=/k.pem");
    CHECK(p.display() == "postgresql://u:***@h/db?sslpassword=***&sslkey=%2Fk.pem");
    CHECK(mask_secrets("host=h sslpassword='a b' x=1") == "host=h sslpassword=*** x=1");
    CHECK(mask_secrets("see postgresql://u:Sup3r?x@host:5432/db now") ==
          "see postgresql://u:***@host:5432/db now");
  }

  TEST_CASE("hashes with SHA-256") {
    CHECK(agentpg::util::sha256_hex("abc") ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(agentpg::util::sha256_hex("") ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  TEST_CASE("masks passwords in free text") {
    CHECK(mask_secrets("could not reach postgresql://bob:hunter2@db/x now") ==
          "could not reach postgresql://bob:***@db/x now");
    CHECK(mask_secrets("host=h password=hunter2 user=u") == "host=h password=*** user=u");
    CHECK(mask_secrets("password='a b c' x") == "password=*** x");
    CHECK(mask_secrets("postgresql://bob@db/x") == "postgresql://bob@db/x");
  }

  TEST_CASE("masks a password holding an unencoded / or # as the parser reads it") {
    CHECK(mask_secrets("postgresql://u:pa/ss@h/db") == "postgresql://u:***@h/db");
    CHECK(mask_secrets("postgresql://u:pa#ss@h/db?x=1") == "postgresql://u:***@h/db?x=1");
    CHECK(agentpg::pg::ConnParams::parse("postgresql://u:pa/ss@h/db").get("password") == "pa/ss");
  }

  TEST_CASE("shows no secret option: sslpassword is masked like password") {
    auto p =
        agentpg::pg::ConnParams::parse("postgresql://u@h/db?sslpassword=hunter22&sslmode=require");
    CHECK(p.display() == "postgresql://u@h/db?sslpassword=***&sslmode=require");
    CHECK(mask_secrets("sslpassword=hunter22 host=h") == "sslpassword=*** host=h");
    CHECK(mask_secrets("host=h password=a&b=c port=5") == "host=h password=*** port=5");
    CHECK(mask_secrets("postgresql://h/db?password=se&sslmode=require") ==
          "postgresql://h/db?password=***&sslmode=require");
  }

  TEST_CASE("a URL with an unencoded space is refused without echoing it") {
    try {
      agentpg::pg::ConnParams::parse("postgresql://u:se cret@h/db");
      FAIL("parsed");
    } catch (const agentpg::core::Error& e) {
      CHECK(std::string(e.what()).find("cret") == std::string::npos);
      CHECK(std::string(e.what()).find("%20") != std::string::npos);
    }
  }

  TEST_CASE("a key=value string may hold :// in a value") {
    auto p = agentpg::pg::ConnParams::parse("host=db dbname=app password=ab://cd");
    CHECK(p.get("password") == "ab://cd");
    CHECK(p.get("host") == "db");
    auto round = agentpg::pg::ConnParams::parse(
        agentpg::pg::ConnParams::parse("postgresql://h/db?password=a://b").conninfo());
    CHECK(round.get("password") == "a://b");
  }
}
