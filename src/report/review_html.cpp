// The HTML incident review: reports/review.html filled with escaped tables
// and two inline SVG charts. Everything from a message goes through
// html_escape(); numbers and ids are ours.
#include "report/escape.hpp"
#include "report/report_sql.hpp"
#include "report/review_render.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>

namespace ccaudit::report {

namespace {

std::string
h(std::string_view s)
{
  return html_escape(s);
}

std::string
num(std::int64_t n)
{
  return "<td class=\"n\">" + std::to_string(n) + "</td>";
}

std::string
cell(std::string_view text)
{
  return "<td>" + h(text) + "</td>";
}

struct Column
{
  const char* key;
  const char* title;
  bool numeric;
};

std::string
table_head(const char* id, std::initializer_list<Column> columns)
{
  std::string s = "<table class=\"sortable\" id=\"" + std::string(id) + "\"><thead><tr>";
  for (const auto& c : columns) {
    s += std::string("<th data-key=\"") + c.key + "\"" + (c.numeric ? " class=\"n\"" : "")
         + ">" + c.title + "</th>";
  }
  return s + "</tr></thead><tbody>\n";
}

// Numbers for SVG coordinates: one decimal.
std::string
fixed(double value)
{
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f", value);
  return buf;
}

// Incidents over time: one circle per dated incident, its area by the number
// of exposed addresses, on a time axis.
std::string
timeline(const Review& review)
{
  std::vector<std::pair<std::time_t, const Incident*>> dated;
  for (const auto& i : review.incidents) {
    if (const auto t = parse_iso(i.first_sent)) {
      dated.emplace_back(*t, &i);
    }
  }
  const auto undated = review.incidents.size() - dated.size();
  if (dated.empty()) {
    return "<p class=\"meta\" id=\"timeline-empty\">No dated incidents to plot"
           + std::string(undated ? " (" + std::to_string(undated) + " without a readable Date)" : "")
           + ".</p>";
  }
  std::sort(dated.begin(), dated.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  const double width = 900, left = 50, right = 50, top = 20, axis = 180;
  const auto t0 = static_cast<double>(dated.front().first);
  const auto t1 = static_cast<double>(dated.back().first);
  const double span = std::max(t1 - t0, 3600.0);
  std::int64_t largest = 1;
  for (const auto& d : dated) {
    largest = std::max(largest, d.second->exposed);
  }
  std::string s = "<svg id=\"timeline\" role=\"img\" viewBox=\"0 0 900 220\" "
                  "xmlns=\"http://www.w3.org/2000/svg\"><title>Incidents over time, "
                  "circle area by exposed addresses</title>\n";
  s += "<line x1=\"" + fixed(left) + "\" y1=\"" + fixed(axis) + "\" x2=\""
       + fixed(width - right) + "\" y2=\"" + fixed(axis)
       + "\" stroke=\"#888\"/>\n";
  for (const auto& [t, incident] : dated) {
    const double x = left + (static_cast<double>(t) - t0) / span * (width - left - right);
    const double r = 4 + 26 * std::sqrt(static_cast<double>(incident->exposed) / static_cast<double>(largest));
    const double y = axis - 10 - r;
    s += "<circle class=\"incident\" data-id=\"" + h(incident->id) + "\" cx=\"" + fixed(x)
         + "\" cy=\"" + fixed(std::max(top, y)) + "\" r=\"" + fixed(r)
         + "\" fill=\"" + (incident->divergent ? "#c0392b" : "#2e86c1")
         + "\" fill-opacity=\"0.6\"><title>" + h(incident->id) + " " + h(incident->first_sent)
         + ": " + std::to_string(incident->exposed) + " exposed, from " + h(incident->sender)
         + "</title></circle>\n";
  }
  // Labels: the largest incidents' exposed counts, dated ticks on the
  // axis, and what the axis and the circles mean.
  std::vector<std::pair<std::time_t, const Incident*>> largest_first = dated;
  std::sort(largest_first.begin(), largest_first.end(), [](const auto& a, const auto& b) {
    return a.second->exposed > b.second->exposed;
  });
  largest_first.resize(std::min<std::size_t>(largest_first.size(), 10));
  for (const auto& [t, incident] : largest_first) {
    const double x = left + (static_cast<double>(t) - t0) / span * (width - left - right);
    const double r = 4 + 26 * std::sqrt(static_cast<double>(incident->exposed) / static_cast<double>(largest));
    s += "<text class=\"incident-label\" x=\"" + fixed(x) + "\" y=\""
         + fixed(std::max(10.0, std::max(top, axis - 10 - r) - r - 3)) + "\" text-anchor=\"middle\" "
         "font-size=\"11\">" + std::to_string(incident->exposed) + "</text>\n";
  }
  for (int k = 0; k <= 4; ++k) {
    const double x = left + k * (width - left - right) / 4;
    char date[16] = "";
    const auto at = static_cast<std::time_t>(t0 + span * k / 4);
    std::tm tm{};
    if (gmtime_r(&at, &tm)) {
      std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
    }
    s += "<line x1=\"" + fixed(x) + "\" y1=\"" + fixed(axis) + "\" x2=\"" + fixed(x) + "\" y2=\""
         + fixed(axis + 5) + "\" stroke=\"#888\"/><text class=\"tick\" x=\"" + fixed(x)
         + "\" y=\"197\" text-anchor=\"" + (k == 0 ? "start" : k == 4 ? "end" : "middle")
         + "\" font-size=\"11\">" + date + "</text>\n";
  }
  s += "<text class=\"axis-title\" x=\"450\" y=\"215\" text-anchor=\"middle\" "
       "font-size=\"12\">first sent (UTC); circle area: exposed addresses (the 10 largest "
       "labelled)</text>\n</svg>";
  if (undated) {
    s += "<p class=\"meta\">" + std::to_string(undated)
         + " incident(s) without a readable Date are not plotted.</p>";
  }
  return s;
}

// The ten senders who exposed most addresses (summed over their
// incidents), as horizontal bars.
std::string
senders_chart(const Review& review)
{
  if (review.senders.empty()) {
    return "<p class=\"meta\">No senders.</p>";
  }
  std::vector<SenderRecurrence> ranked = review.senders;
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.exposed_total != b.exposed_total ? a.exposed_total > b.exposed_total
                                              : a.incidents > b.incidents;
  });
  const auto n = std::min<std::size_t>(ranked.size(), 10);
  std::int64_t most = 1;
  for (std::size_t k = 0; k < n; ++k) {
    most = std::max(most, ranked[k].exposed_total);
  }
  const int row = 24;
  const auto height = static_cast<int>(n) * row + 10;
  std::string s = "<svg id=\"senders-chart\" role=\"img\" viewBox=\"0 0 900 "
                  + std::to_string(height)
                  + "\" xmlns=\"http://www.w3.org/2000/svg\"><title>Exposed addresses per "
                    "sender (summed over incidents), top ten</title>\n";
  for (std::size_t k = 0; k < n; ++k) {
    const auto& snd = ranked[k];
    const double w = 450.0 * static_cast<double>(snd.exposed_total) / static_cast<double>(most);
    const auto y = static_cast<int>(k) * row + 5;
    s += "<text x=\"290\" y=\"" + std::to_string(y + 15) + "\" text-anchor=\"end\">"
         + h(snd.sender) + "</text><rect class=\"sender-bar\" x=\"300\" y=\""
         + std::to_string(y) + "\" width=\"" + fixed(w) + "\" height=\"18\" "
         "fill=\"#2e86c1\"><title>" + h(snd.sender) + ": " + std::to_string(snd.exposed_total)
         + " exposed in " + std::to_string(snd.incidents)
         + " incident(s)</title></rect><text x=\"" + fixed(305 + w) + "\" y=\""
         + std::to_string(y + 15) + "\">" + std::to_string(snd.exposed_total) + " exposed, "
         + std::to_string(snd.incidents) + " incident(s)</text>\n";
  }
  return s + "</svg>";
}

std::string
incidents_table(const Review& review)
{
  std::string s = table_head(
    "incidents", {{"id", "Incident", false}, {"first_sent", "First sent (UTC)", false},
                  {"sender", "Sender", false}, {"subject", "Subject", false},
                  {"exposed", "Exposed", true}, {"recipients", "Recipients", true},
                  {"identifiable", "Identifiable", true}, {"copies", "Copies", true},
                  {"reexposures", "Reply-alls", true}, {"campaign", "Campaign", false},
                  {"status", "Status", false}, {"kind", "Found as", false},
                  {"statement", "Exposure", false}});
  for (const auto& i : review.incidents) {
    s += std::string("<tr") + (i.divergent ? " class=\"divergent\"" : "") + ">"
         + "<td class=\"mono\">" + h(i.id) + (i.divergent ? " <span class=\"warn\">divergent</span>" : "")
         + "</td>" + cell(i.first_sent)
         + "<td>" + (i.sender_name.empty() ? "" : h(i.sender_name) + "<br>") + "<span class=\"mono\">"
         + h(i.sender) + "</span></td>" + cell(i.subject) + num(i.exposed) + num(i.recipients)
         + num(i.identifiable) + num(static_cast<std::int64_t>(i.copies.size()))
         + num(static_cast<std::int64_t>(i.reexposures.size())) + "<td class=\"mono\">"
         + h(i.campaign_id) + "</td>"
         + cell(i.status
                + (i.accepted_at.empty()
                     ? std::string()
                     : " " + i.accepted_at + (i.accepted_by.empty() ? "" : " by " + i.accepted_by)
                         + (i.accepted_note.empty() ? "" : ": " + i.accepted_note)))
         + cell(i.kind + (i.part_path.empty() ? "" : ", part " + i.part_path))
         + cell(incident_statement(i))
         + "</tr>\n";
  }
  return s + "</tbody></table>";
}

// Per incident, what it showed: a closed <details> block each.
std::string
incident_details(const Review& review)
{
  constexpr std::size_t k_listed = 2000;
  std::string s;
  for (const auto& i : review.incidents) {
    s += "<details id=\"detail-" + h(i.id) + "\"><summary><span class=\"mono\">" + h(i.id)
         + "</span>: " + h(incident_statement(i)) + "</summary>\n";
    s += "<p>Found in: ";
    for (std::size_t k = 0; k < i.copies.size(); ++k) {
      s += (k ? ", " : "") + std::string("<span class=\"mono\">") + h(i.copies[k].path)
           + (i.copies[k].mbox_index ? " @" + std::to_string(i.copies[k].offset) : "")
           + (i.copies[k].part_path.empty() ? "" : " part " + h(i.copies[k].part_path))
           + "</span>";
    }
    s += "</p><table class=\"sortable addresses\"><thead><tr><th data-key=\"address\">Address</th>"
         "<th data-key=\"name\">Display name</th><th data-key=\"kind\">Kind</th></tr></thead><tbody>\n";
    for (std::size_t k = 0; k < i.addresses.size() && k < k_listed; ++k) {
      const auto& a = i.addresses[k];
      s += "<tr><td class=\"mono\">" + h(a.address) + "</td>" + cell(a.display_name)
           + cell(a.internal ? "internal" : a.personal_name ? "exposed, names a person" : "exposed")
           + "</tr>\n";
    }
    s += "</tbody></table>";
    if (i.addresses.size() > k_listed) {
      s += "<p class=\"meta\">... and " + std::to_string(i.addresses.size() - k_listed)
           + " more: <code>ccaudit export --incident " + h(i.id) + "</code> lists all.</p>";
    }
    s += "</details>\n";
  }
  return s;
}

std::string
campaigns_table(const Review& review)
{
  if (review.campaigns.empty()) {
    return "<p class=\"meta\" id=\"campaigns-empty\">No campaigns.</p>";
  }
  std::string s = table_head(
    "campaigns", {{"id", "Campaign", false}, {"sender", "Sender", false},
                  {"subject", "Subject", false}, {"batches", "Batches", true},
                  {"exposed", "Exposed (unique)", true}, {"recipients", "Recipients (unique)", true},
                  {"first_sent", "First sent", false}, {"last_sent", "Last sent", false},
                  {"incidents", "Incidents", false}});
  for (const auto& c : review.campaigns) {
    std::string ids;
    for (const auto& id : c.incident_ids) {
      ids += (ids.empty() ? "" : " ") + id;
    }
    s += "<tr><td class=\"mono\">" + h(c.id) + "</td><td class=\"mono\">" + h(c.sender) + "</td>"
         + cell(c.subject) + num(static_cast<std::int64_t>(c.incident_ids.size()))
         + num(c.exposed_unique) + num(c.recipients_unique) + cell(c.first_sent)
         + cell(c.last_sent) + "<td class=\"mono\">" + h(ids) + "</td></tr>\n";
  }
  return s + "</tbody></table>";
}

std::string
reexposures_table(const Review& review)
{
  std::string rows;
  for (const auto& i : review.incidents) {
    for (const auto& r : i.reexposures) {
      rows += "<tr><td class=\"mono\">" + h(i.id) + "</td>" + cell(r.sent_at)
              + "<td class=\"mono\">" + h(r.sender) + "</td>" + num(r.shared)
              + num(i.exposed) + "<td class=\"mono\">" + h(r.path) + "</td></tr>\n";
    }
  }
  if (rows.empty()) {
    return "<p class=\"meta\">No reply-all re-exposed an incident.</p>";
  }
  return table_head("reexposures", {{"incident", "Incident", false}, {"date", "Date (UTC)", false},
                                    {"sender", "Sender", false}, {"shared", "Shown again", true},
                                    {"exposed", "Of exposed", true}, {"path", "Where", false}})
         + rows + "</tbody></table>";
}

std::string
senders_table(const Review& review)
{
  std::string s = table_head("senders", {{"sender", "Sender", false},
                                         {"incidents", "Incidents", true},
                                         {"exposed", "Exposed (sum)", true},
                                         {"first", "First", false}, {"last", "Last", false}});
  for (const auto& snd : review.senders) {
    s += "<tr><td class=\"mono\">" + h(snd.sender) + "</td>" + num(snd.incidents)
         + num(snd.exposed_total) + cell(snd.first_sent) + cell(snd.last_sent) + "</tr>\n";
  }
  return s + "</tbody></table>";
}

std::string
content_table(const Review& review)
{
  if (review.content_findings.empty()) {
    return "<p class=\"meta\">None (or the scan did not look inside messages: "
           "ccaudit scan --content).</p>";
  }
  std::string s = table_head("content", {{"kind", "Kind", false}, {"exposed", "Exposed", true},
                                         {"part", "Part", false}, {"file", "File name", false},
                                         {"type", "Type", false}, {"subject", "Subject", false},
                                         {"incident", "Incident", false},
                                         {"path", "Where", false}});
  for (const auto& c : review.content_findings) {
    s += "<tr>" + cell(c.kind) + num(c.exposed) + cell(c.part_path) + cell(c.part_filename)
         + cell(c.part_type) + cell(c.subject)
         + "<td class=\"mono\">" + h(c.incident_id) + "</td>"
         + cell(c.path + (c.mbox_index ? " @" + std::to_string(c.offset) : std::string()))
         + "</tr>\n";
  }
  return s + "</tbody></table>";
}

std::string
problems_table(const Review& review)
{
  if (review.problems.empty()) {
    return "<p class=\"meta\">None.</p>";
  }
  std::string s = table_head("problems", {{"kind", "Kind", false}, {"count", "Problems", true},
                                          {"files", "Files", true}, {"scanned", "Scanned", false}});
  for (const auto& p : review.problems) {
    s += "<tr>" + cell(p.kind) + num(p.problems) + num(p.files)
         + cell(p.not_scanned ? "NOT scanned" : "yes") + "</tr>\n";
  }
  return s + "</tbody></table>";
}

// Every input the scan could not read, named (the first 500; the rest in
// 'ccaudit report').
std::string
not_scanned_list(const Review& review)
{
  if (review.not_scanned.empty()) {
    return {};
  }
  constexpr std::size_t k_listed = 500;
  std::string s = "<ul id=\"not-scanned\">\n";
  for (std::size_t k = 0; k < review.not_scanned.size() && k < k_listed; ++k) {
    const auto& n = review.not_scanned[k];
    s += "<li><span class=\"mono\">" + h(n.path)
         + (n.mbox_index ? " @" + std::to_string(n.offset) : std::string()) + "</span>: "
         + h(n.kind) + ": " + h(n.detail) + "</li>\n";
  }
  if (review.not_scanned.size() > k_listed) {
    s += "<li>... and " + std::to_string(review.not_scanned.size() - k_listed)
         + " more: <code>ccaudit report</code> lists all.</li>\n";
  }
  return s + "</ul>";
}

} // namespace

void
render_review_html(const Review& review, std::ostream& out)
{
  const std::string page = html::review;
  const auto& s = review.scan;
  const std::vector<std::pair<std::string, std::string>> slots = {
    {"title", "ccaudit incident review, scan " + std::to_string(s.id)},
    {"window", fixed(review.campaign_window_days)},
    {"summary",
     h("Scan " + std::to_string(s.id) + " (" + s.status + ") started " + s.started_at + " on "
       + s.host + ": " + std::to_string(s.messages + s.unchanged_messages) + " messages"
       + (s.unchanged_files > 0 ? " (" + std::to_string(s.unchanged_messages) + " in "
                                    + std::to_string(s.unchanged_files)
                                    + " unchanged files not read again)"
                                : std::string())
       + ", "
       + std::to_string(review.incidents.size()) + " incidents, "
       + std::to_string(review.campaigns.size()) + " campaigns. Settings: "
       + settings_text(s.settings_json) + ".")},
    {"warning",
     (review.suppressed_hidden > 0
        ? "<p class=\"meta\" id=\"suppressed\">" + std::to_string(review.suppressed_hidden)
            + " finding(s) of list or bulk mail are not shown (ccaudit report "
              "--include-suppressed shows them).</p>"
        : std::string())
       + (s.not_scanned > 0 || s.status != "complete"
       ? "<p class=\"warn\">This scan is incomplete: " + std::to_string(s.not_scanned)
           + " input(s) could not be scanned. No incident here is not proof of none.</p>"
           + not_scanned_list(review)
       : std::string())},
    {"timeline", timeline(review)},
    {"senders_chart", senders_chart(review)},
    {"incidents_table", incidents_table(review)},
    {"incident_details", incident_details(review)},
    {"campaigns_table", campaigns_table(review)},
    {"reexposures_table", reexposures_table(review)},
    {"senders_table", senders_table(review)},
    {"content_table", content_table(review)},
    {"problems_table", problems_table(review)}};
  // One pass over the template, so text from a message that looks like a
  // {{slot}} is never filled in.
  std::string result;
  std::size_t pos = 0;
  while (true) {
    const auto open = page.find("{{", pos);
    if (open == std::string::npos) {
      result.append(page, pos, std::string::npos);
      break;
    }
    const auto close = page.find("}}", open);
    const auto name = page.substr(open + 2, close == std::string::npos ? 0 : close - open - 2);
    const auto it = std::find_if(slots.begin(), slots.end(),
                                 [&](const auto& slot) { return slot.first == name; });
    result.append(page, pos, open - pos);
    if (it != slots.end()) {
      result += it->second;
      pos = close + 2;
    } else {
      result += "{{";
      pos = open + 2;
    }
  }
  out << result;
}

} // namespace ccaudit::report
