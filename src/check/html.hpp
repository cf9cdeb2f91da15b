#pragma once
// `check --report --html FILE`: the report as one self-contained HTML page for a runbook or
// an incident ticket. Nothing in it reaches the network (inline CSS, no script, no font,
// no image; a Content-Security-Policy says so to the browser), and every text that comes
// from the database or the history is HTML-escaped.
#include <string>
#include <string_view>
#include <vector>

#include "check/report.hpp"
#include "pg/migration_store.hpp"

namespace agentpg::check {

// The page's header: what was checked, by which agentpg, and when.
struct HtmlHeader {
  std::string url; // masked: never a password
  std::string database;
  std::string server_version;
  std::string generated_at; // UTC, e.g. 2026-12-02T04:30:00Z
  std::string agentpg_version;
};

// The page: header; sizes as bars (the database's total with the listed tables' share of
// it, then each large table's heap, indexes and TOAST stacked, scaled to the largest
// table); findings grouped critical, warning, info, each with its fix where it has one; the
// migration history as a timeline, in the order the migrations were applied, each bar
// scaled to the longest duration (at least 2 px), failed and unfinished ones marked. Bars
// carry their value (data-bytes, data-ms) so that what the page shows can be checked.
std::string render_html(const HtmlHeader& header, const HealthFacts& facts,
                        const std::vector<Finding>& findings,
                        const std::vector<pg::AppliedMigration>& history);

// `text` with & < > " ' written as character references: safe in an element and in a
// quoted attribute.
std::string html_escape(std::string_view text);

} // namespace agentpg::check
