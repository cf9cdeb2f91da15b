#include "check/html.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/strings.hpp"
#include "util/time.hpp"

namespace agentpg::check {

namespace {

using pg::AppliedMigration;
using pg::HistoryStatus;

// No script, no request: the browser refuses anything but the inline style, so even a
// text that escaped escaping could not run or fetch.
constexpr const char* k_head =
    R"(<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font: 14px/1.4 sans-serif; color: #222; margin: 24px; max-width: 1100px; }
h1 { font-size: 20px; margin: 0 0 8px; } h2 { font-size: 16px; margin: 28px 0 8px; border-bottom: 1px solid #ccc; }
h3 { font-size: 14px; margin: 12px 0 4px; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; margin: 0; }
dl.meta dt { color: #666; } dl.meta dd { margin: 0; font-family: monospace; word-break: break-all; }
.row { display: grid; grid-template-columns: 260px 1fr 260px; gap: 10px; align-items: center; margin: 3px 0; }
.label { font-family: monospace; overflow-wrap: anywhere; }
.track { display: flex; height: 16px; background: #f0f0f0; }
.bar { flex: none; height: 100%; }
.value { font-size: 12px; color: #444; overflow-wrap: anywhere; }
.migration .bar { min-width: 2px; }
.total { background: #555; } .rest { background: #bbb; } .heap { background: #3b6ea5; } .indexes { background: #e0a030; }
.toast { background: #8a5fb0; } .applied { background: #4a9a5a; } .failed { background: #c0392b; }
.running { background: #999; }
.legend span { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; vertical-align: middle; }
.severity { border-left: 6px solid; padding: 2px 12px; margin: 8px 0; }
.severity.critical { border-color: #c0392b; } .severity.warning { border-color: #e0a030; }
.severity.info { border-color: #3b6ea5; }
.severity li { margin: 4px 0; } .subject { font-family: monospace; font-weight: bold; }
.fix { color: #2a602a; } .none { color: #666; font-style: italic; }
.mark { color: #fff; background: #c0392b; font-size: 11px; padding: 0 4px; margin-left: 6px; }
.error { font-family: monospace; font-size: 12px; color: #c0392b; }
</style>
)";

// A bar's width: `part` of `whole` as a percentage of its track.
std::string width(double part, double whole) {
  return fmt::format("{:.4f}%", whole > 0 ? 100.0 * part / whole : 0.0);
}

std::string render_header(const HtmlHeader& h) {
  return fmt::format("<header>\n<h1>Database report: {}</h1>\n<dl class=\"meta\">\n"
                     "<dt>database</dt><dd id=\"url\">{}</dd>\n"
                     "<dt>server</dt><dd id=\"server\">PostgreSQL {}</dd>\n"
                     "<dt>generated</dt><dd id=\"generated\">{}</dd>\n"
                     "<dt>agentpg</dt><dd id=\"agentpg\">{}</dd>\n</dl>\n</header>\n",
                     html_escape(h.database), html_escape(h.url), html_escape(h.server_version),
                     html_escape(h.generated_at), html_escape(h.agentpg_version));
}

std::string size_bar(const char* part, long long bytes, long long scale) {
  return fmt::format("<div class=\"bar {}\" data-bytes=\"{}\" style=\"width:{}\" title=\"{}: {}\">"
                     "</div>",
                     part, bytes, width(static_cast<double>(bytes), static_cast<double>(scale)),
                     part, util::format_bytes(static_cast<unsigned long long>(bytes)));
}

// The database's total, split into the share of the tables listed and the rest; then each
// table's heap, indexes and TOAST side by side in one track, scaled so that the largest
// table fills it.
std::string render_sizes(const HealthFacts& facts) {
  auto human = [](long long b) { return util::format_bytes(static_cast<unsigned long long>(b)); };
  long long listed = 0;
  for (const auto& t : facts.largest_tables) {
    listed += t.total;
  }
  listed = std::min(listed, facts.database_size);
  std::string html = "<section id=\"sizes\">\n<h2>Sizes</h2>\n";
  html += fmt::format("<div class=\"row database\"><span class=\"label\">database total</span>"
                      "<div class=\"track\">{}{}</div><span class=\"value\">{} (the tables below: "
                      "{})</span></div>\n",
                      size_bar("total", listed, facts.database_size),
                      size_bar("rest", facts.database_size - listed, facts.database_size),
                      human(facts.database_size), human(listed));
  html += "<h3>Largest tables</h3>\n<p class=\"legend\">bars scaled to the largest table:"
          "<span class=\"heap\"></span>heap<span class=\"indexes\"></span>indexes"
          "<span class=\"toast\"></span>TOAST</p>\n";
  long long scale = 0;
  for (const auto& t : facts.largest_tables) {
    scale = std::max(scale, t.heap + t.indexes + t.toast);
  }
  for (const auto& t : facts.largest_tables) {
    html += fmt::format(
        "<div class=\"row table\"><span class=\"label\">{}</span><div class=\"track\">{}{}{}</div>"
        "<span class=\"value\">{} (heap {}, indexes {}, TOAST {})</span></div>\n",
        html_escape(t.table), size_bar("heap", t.heap, scale),
        size_bar("indexes", t.indexes, scale), size_bar("toast", t.toast, scale), human(t.total),
        human(t.heap), human(t.indexes), human(t.toast));
  }
  if (facts.largest_tables.empty()) {
    html += "<p class=\"none\">no tables</p>\n";
  }
  return html + "</section>\n";
}

std::string render_findings(const std::vector<Finding>& findings) {
  std::string html = "<section id=\"findings\">\n<h2>Findings</h2>\n";
  for (Severity severity : {Severity::critical, Severity::warning, Severity::info}) {
    std::string items;
    size_t count = 0;
    for (const auto& f : findings) {
      if (f.severity != severity) {
        continue;
      }
      ++count;
      items += fmt::format(
          "<li><span class=\"subject\">{}</span>: <span class=\"message\">{}"
          "</span>{}</li>\n",
          html_escape(f.subject), html_escape(f.message),
          f.fix.empty() ? "" : "<div class=\"fix\">fix: " + html_escape(f.fix) + "</div>");
    }
    const char* name = severity_name(severity);
    html += fmt::format("<div class=\"severity {0}\" id=\"findings-{0}\">\n<h3>{0} ({1})</h3>\n{2}"
                        "</div>\n",
                        name, count,
                        count == 0 ? "<p class=\"none\">none</p>\n" : "<ul>\n" + items + "</ul>\n");
  }
  return html + "</section>\n";
}

// Applied order: when each was applied, then version (several can share a second).
std::vector<AppliedMigration> in_applied_order(std::vector<AppliedMigration> history) {
  std::stable_sort(history.begin(), history.end(),
                   [](const AppliedMigration& a, const AppliedMigration& b) {
                     return std::tie(a.applied_at, a.version) < std::tie(b.applied_at, b.version);
                   });
  return history;
}

std::string render_migration(const AppliedMigration& m, double longest) {
  const char* status = m.status == HistoryStatus::failed    ? "failed"
                       : m.status == HistoryStatus::running ? "running"
                                                            : "applied";
  std::string mark = m.status == HistoryStatus::failed    ? "<span class=\"mark\">FAILED</span>"
                     : m.status == HistoryStatus::running ? "<span class=\"mark\">UNFINISHED</span>"
                                                          : "";
  std::string error =
      m.error.empty() ? "" : "<div class=\"error\">" + html_escape(m.error) + "</div>";
  return fmt::format(
      "<div class=\"row migration\" data-status=\"{0}\" data-version=\"{1}\"><span "
      "class=\"label\">{1} {2}{3}"
      "</span><div class=\"track\"><div class=\"bar {0}\" data-ms=\"{4:.3f}\" style=\"width:{5}\">"
      "</div></div><span class=\"value\">{6}, {7} {8} UTC{9}</span></div>\n",
      status, html_escape(m.version), html_escape(m.name), mark, m.execution_ms,
      width(m.execution_ms, longest), util::format_duration_ms(m.execution_ms),
      m.status == HistoryStatus::applied ? "applied" : "started", html_escape(m.applied_at), error);
}

std::string render_timeline(const std::vector<AppliedMigration>& history) {
  std::string html = "<section id=\"timeline\">\n<h2>Migration history</h2>\n";
  if (history.empty()) {
    return html + "<p class=\"none\">no migration applied by agentpg</p>\n</section>\n";
  }
  html += "<p class=\"legend\">in the order applied, bars scaled to the longest:"
          "<span class=\"applied\"></span>applied<span class=\"failed\"></span>failed"
          "<span class=\"running\"></span>unfinished</p>\n";
  double longest = 0;
  for (const auto& m : history) {
    longest = std::max(longest, m.execution_ms);
  }
  for (const auto& m : in_applied_order(history)) {
    html += render_migration(m, longest);
  }
  return html + "</section>\n";
}

} // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::string render_html(const HtmlHeader& header, const HealthFacts& facts,
                        const std::vector<Finding>& findings,
                        const std::vector<AppliedMigration>& history) {
  return fmt::format("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
                     "charset=\"utf-8\">\n<title>agentpg report: {}</title>\n"
                     "{}</head>\n<body>\n{}{}{}{}</body>\n</html>\n",
                     html_escape(header.database), k_head, render_header(header),
                     render_sizes(facts), render_findings(findings), render_timeline(history));
}

} // namespace agentpg::check
