#include <doctest/doctest.h>

#include "check/html.hpp"

using namespace agentpg::check;
using agentpg::pg::AppliedMigration;
using agentpg::pg::HistoryStatus;

namespace {

constexpr const char* k_hostile = "<script>alert(\"x\" & 'y')</script>";
constexpr const char* k_escaped =
    "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;";

AppliedMigration migration(const std::string& version, const std::string& name, double ms,
                           HistoryStatus status = HistoryStatus::applied) {
  AppliedMigration m;
  m.version = version;
  m.name = name;
  m.execution_ms = ms;
  m.applied_at = "2026-12-02 10:00:00";
  m.status = status;
  return m;
}

// A page in which every value that comes from the database or the history is `k_hostile`.
std::string hostile_page() {
  HtmlHeader header{k_hostile, k_hostile, k_hostile, "2026-12-02T10:00:00Z", "0.1.0"};
  HealthFacts facts;
  facts.database_size = 1000;
  facts.largest_tables.push_back({k_hostile, 300, 100, 150, 50});
  std::vector<Finding> findings = {{Severity::critical, k_hostile, k_hostile, k_hostile}};
  AppliedMigration failed = migration(k_hostile, k_hostile, 1, HistoryStatus::failed);
  failed.error = k_hostile;
  failed.applied_at = k_hostile;
  return render_html(header, facts, findings, {failed});
}

size_t count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++n;
  }
  return n;
}

} // namespace

TEST_SUITE("check::html") {
  TEST_CASE("escapes the five characters that matter in text and quoted attributes") {
    CHECK(html_escape(k_hostile) == k_escaped);
    CHECK(html_escape("plain text, ünïcode") == "plain text, ünïcode");
  }

  TEST_CASE("every value from the database is escaped, none appears raw") {
    std::string page = hostile_page();
    CHECK(page.find("<script") == std::string::npos);
    CHECK(page.find(k_hostile) == std::string::npos);
    // title, h1, url, server, table label, finding subject, message and fix, migration
    // version and name, its time and its error
    CHECK(count(page, k_escaped) == 13);
  }

  TEST_CASE("the page loads nothing and allows no script") {
    std::string page = hostile_page();
    CHECK(page.find("default-src 'none'; style-src 'unsafe-inline'") != std::string::npos);
    for (const char* loads : {"src=", "href=", "url(", "@import", "<link"}) {
      CHECK_MESSAGE(page.find(loads) == std::string::npos, loads);
    }
  }

  TEST_CASE("bars are in proportion: tables to the largest, migrations to the longest") {
    HealthFacts facts;
    facts.database_size = 4000;
    facts.largest_tables.push_back({"public.big", 1000, 600, 300, 100});
    facts.largest_tables.push_back({"public.small", 250, 250, 0, 0});
    std::string page =
        render_html({}, facts, {}, {migration("2", "slow", 400), migration("1", "quick", 100)});
    CHECK(page.find("data-bytes=\"600\" style=\"width:60.0000%\"") != std::string::npos);
    CHECK(page.find("data-bytes=\"250\" style=\"width:25.0000%\"") != std::string::npos);
    CHECK(page.find("data-ms=\"400.000\" style=\"width:100.0000%\"") != std::string::npos);
    CHECK(page.find("data-ms=\"100.000\" style=\"width:25.0000%\"") != std::string::npos);
  }

  TEST_CASE("findings are grouped critical, warning, info, each group counted") {
    std::vector<Finding> findings = {{Severity::warning, "i1", "unused", "DROP INDEX i1"},
                                     {Severity::critical, "schema", "1 failed migrations", ""}};
    std::string page = render_html({}, {}, findings, {});
    size_t critical = page.find("<h3>critical (1)</h3>");
    size_t warning = page.find("<h3>warning (1)</h3>");
    size_t info = page.find("<h3>info (0)</h3>");
    REQUIRE(critical != std::string::npos);
    CHECK(critical < warning);
    CHECK(warning < info);
    CHECK(page.find("fix: DROP INDEX i1") != std::string::npos);
  }

  TEST_CASE("the timeline follows the order applied, failed ones marked") {
    AppliedMigration later = migration("1", "first_file", 5);
    later.applied_at = "2026-12-02 11:00:00";
    AppliedMigration failed = migration("3", "broken", 0, HistoryStatus::failed);
    failed.applied_at = "2026-12-02 12:00:00";
    std::string page = render_html({}, {}, {}, {failed, later, migration("2", "second", 7)});
    size_t second = page.find("data-version=\"2\"");
    size_t first = page.find("data-version=\"1\"");
    size_t broken = page.find("data-version=\"3\"");
    REQUIRE(second != std::string::npos);
    CHECK(second < first);
    CHECK(first < broken);
    CHECK(page.find("broken<span class=\"mark\">FAILED</span>") != std::string::npos);
  }
}
