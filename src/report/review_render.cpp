#include "report/review_render.hpp"

#include "core/fatal_error.hpp"
#include "core/text.hpp"
#include "report/escape.hpp"
#include "report/lookup.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <map>
#include <string_view>

namespace ccaudit::report {

namespace {

using json = nlohmann::ordered_json;

// Untrusted text shown on a terminal (t) or written as JSON (u).
constexpr auto t = &text::for_terminal;
constexpr auto u = &text::to_valid_utf8;

json
date_or_null(const std::string& iso)
{
  return iso.empty() ? json(nullptr) : json(iso);
}

std::string
where(const std::string& path, std::int64_t offset,
      const std::optional<std::int64_t>& mbox_index)
{
  std::string s = t(path);
  if (mbox_index) {
    s += " (message " + std::to_string(*mbox_index) + ", offset "
         + std::to_string(offset) + ")";
  }
  return s;
}

std::string
sender_line(const std::string& name, const std::string& address)
{
  return name.empty() ? "<" + t(address) + ">" : t(name) + " <" + t(address) + ">";
}

std::string
plural(std::int64_t n, const char* one, const char* many)
{
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

} // namespace

std::optional<std::time_t>
parse_iso(const std::string& iso)
{
  std::tm tm{};
  if (iso.empty() || strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) == nullptr) {
    return std::nullopt;
  }
  return timegm(&tm);
}

std::string
exposure_statement(std::int64_t exposed, std::int64_t recipients)
{
  return plural(exposed, "distinct address was", "distinct addresses were")
         + " shown to " + plural(recipients, "distinct recipient", "distinct recipients");
}

namespace {

std::string
part_words(const std::string& part_path, const std::string& filename)
{
  return "part " + part_path + (filename.empty() ? std::string() : " \"" + filename + "\"");
}

} // namespace

std::string
incident_statement(const Incident& i)
{
  const auto part = part_words(i.part_path, i.part_filename);
  if (i.kind == "address-list-in-content") {
    return plural(i.exposed, "distinct exposed address was", "distinct exposed addresses were")
           + " listed in " + part + " of the message";
  }
  if (i.kind == "quoted-recipients") {
    return plural(i.exposed, "distinct exposed address was", "distinct exposed addresses were")
           + " shown in a quoted To/Cc in " + part + " of the message";
  }
  if (i.kind == "forwarded-recipients") {
    return exposure_statement(i.exposed, i.recipients) + ", passed on in a forwarded copy ("
           + part + ")";
  }
  return exposure_statement(i.exposed, i.recipients);
}

std::string
settings_text(const std::string& settings_json)
{
  const auto j = json::parse(settings_json, nullptr, false);
  if (!j.is_object()) {
    return "unknown";
  }
  const auto list = [&](const char* key) {
    std::string out;
    if (j.contains(key) && j[key].is_array()) {
      for (const auto& v : j[key]) {
        out += (out.empty() ? "" : ", ") + (v.is_string() ? v.get<std::string>() : v.dump());
      }
    }
    return out.empty() ? std::string("none") : out;
  };
  std::string out = "threshold " + (j.contains("threshold") ? j["threshold"].dump() : "?")
                    + "; internal domains " + list("internal_domains") + "; bulk senders "
                    + list("bulk_senders") + "; since ";
  if (j.contains("since") && j["since"].is_number_integer()) {
    const auto t0 = static_cast<std::time_t>(j["since"].get<std::int64_t>());
    std::tm tm{};
    char buf[32] = "?";
    if (gmtime_r(&t0, &tm)) {
      std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    }
    out += buf;
  } else {
    out += "any date";
  }
  if (j.contains("content") && j["content"].is_object()) {
    out += "; --content (threshold " + j["content"].value("threshold", json(nullptr)).dump() + ")";
  } else {
    out += "; headers only";
  }
  if (j.value("recover_deleted", false)) {
    out += "; --recover-deleted";
  }
  return out;
}

void
render_review_text(const Review& review, std::ostream& out)
{
  const auto& s = review.scan;
  out << "ccaudit incident review: scan " << s.id << " (" << t(s.status)
      << "), started " << s.started_at << " on " << t(s.host) << "; threshold "
      << s.threshold << "\n  settings: " << t(settings_text(s.settings_json)) << "\n  "
      << s.sources + s.unchanged_files << " file(s), " << s.messages + s.unchanged_messages
      << " message(s)";
  if (s.unchanged_files > 0) {
    out << " (" << s.unchanged_messages << " in " << s.unchanged_files
        << " unchanged file(s) not read again)";
  }
  out << ", " << s.findings << " exposure(s) recorded, " << s.problems << " problem(s), "
      << s.not_scanned << " not scanned\n";
  if (s.status == "running") {
    out << "  this scan did not finish: its results are partial\n";
  } else if (s.status == "interrupted") {
    out << "  this scan was interrupted (SIGINT or SIGTERM): its results are partial; "
           "the next scan reads the rest\n";
  }
  out << "\n" << plural(static_cast<std::int64_t>(review.incidents.size()), "incident", "incidents")
      << ", " << plural(static_cast<std::int64_t>(review.campaigns.size()), "campaign", "campaigns")
      << " (batches within " << review.campaign_window_days << " day(s) of each other), "
      << plural(static_cast<std::int64_t>(review.senders.size()), "sender", "senders") << "\n";
  if (!review.status_filter.empty()) {
    out << "  only incidents with status " << review.status_filter << " (--status): "
        << review.incidents.size() << " of " << review.incidents_before_filter << "\n";
  }
  for (const auto& i : review.incidents) {
    out << "\n[" << i.id << "] " << t(incident_statement(i)) << "\n";
    if (i.in_content()) {
      out << "    found as:     " << i.kind
          << (i.part_type.empty() ? "" : " (" + t(i.part_type) + ")") << "\n";
    }
    out << "    status:       " << i.status << (i.all_gone ? " (every copy's file is gone)" : "")
        << "\n";
    if (!i.accepted_at.empty()) {
      out << "    accepted:     " << i.accepted_at
          << (i.accepted_by.empty() ? "" : " by " + t(i.accepted_by))
          << (i.accepted_note.empty() ? "" : ": " + t(i.accepted_note)) << "\n";
    }
    out << "    first sent:   " << (i.first_sent.empty() ? "unknown" : i.first_sent);
    if (!i.date.empty()) {
      out << " (Date: " << t(i.date) << ")";
    }
    out << "\n    from:         " << sender_line(i.sender_name, i.sender)
        << "\n    subject:      " << t(i.subject)
        << "\n    message-id:   " << (i.message_id.empty() ? "(none)" : t(i.message_id))
        << "\n    identifiable: " << i.identifiable << " of " << i.exposed
        << " exposed address(es) carry a personal name\n";
    if (!i.campaign_id.empty()) {
      out << "    campaign:     " << i.campaign_id << "\n";
    }
    if (!i.reexposure_of.empty()) {
      out << "    a reply-all:  re-exposes " << t(i.reexposure_of) << "\n";
    }
    if (i.divergent) {
      out << "    DIVERGENT:    its copies show " << i.recipient_sets
          << " different recipient sets (kept apart, counted together)\n";
    }
    out << "    copies (" << i.copies.size() << "):\n";
    for (const auto& c : i.copies) {
      out << "      " << where(c.path, c.offset, c.mbox_index);
      if (!c.part_path.empty()) {
        out << ", " << t(part_words(c.part_path, c.part_filename))
            << (c.kind == "forwarded-recipients" ? " (forwarded)" : "");
      }
      if (c.gone) {
        out << "  [file gone]";
      }
      if (i.divergent) {
        out << "  [set " << c.recipient_hash.substr(0, 8) << ", " << c.exposed
            << " exposed]";
      }
      out << "\n";
    }
    if (!i.reexposures.empty()) {
      out << "    re-exposed by " << plural(static_cast<std::int64_t>(i.reexposures.size()),
                                             "reply-all", "reply-alls")
          << ":\n";
      for (const auto& r : i.reexposures) {
        out << "      " << (r.sent_at.empty() ? "date unknown" : r.sent_at) << "  <"
            << t(r.sender) << "> showed " << r.shared << " of the " << i.exposed
            << " again: " << where(r.path, r.offset, std::nullopt) << "\n";
      }
    }
    if (review.has_internal_domains() && !i.by_domain.empty()) {
      out << "    external domains:";
      for (std::size_t k = 0; k < i.by_domain.size(); ++k) {
        out << (k ? ", " : " ") << t(i.by_domain[k].domain) << " "
            << i.by_domain[k].exposed;
      }
      out << "\n";
    }
  }
  if (review.suppressed_hidden > 0) {
    out << "\n" << review.suppressed_hidden
        << " finding(s) of list or bulk mail not shown (--include-suppressed shows them)\n";
  }
  if (!review.campaigns.empty()) {
    out << "\ncampaigns:\n";
  }
  std::map<std::string_view, const Incident*> incident_by_id;
  for (const auto& i : review.incidents) {
    incident_by_id.emplace(i.id, &i);
  }
  for (const auto& c : review.campaigns) {
    out << "\n[" << c.id << "] " << c.incident_ids.size() << " batches: "
        << exposure_statement(c.exposed_unique, c.recipients_unique) << "\n"
        << "    from <" << t(c.sender) << ">, subject: " << t(c.subject) << "\n"
        << "    sent " << c.first_sent << " to " << c.last_sent << "\n"
        << "    identifiable: " << c.identifiable_unique << " of " << c.exposed_unique
        << "\n    batches:";
    for (std::size_t k = 0; k < c.incident_ids.size(); ++k) {
      const auto i = incident_by_id.find(c.incident_ids[k]);
      out << (k ? ", " : " ") << c.incident_ids[k];
      if (i != incident_by_id.end()) {
        out << " (" << i->second->exposed << ")";
      }
    }
    out << "\n";
  }
  if (!review.senders.empty()) {
    out << "\nsenders:\n";
  }
  for (const auto& snd : review.senders) {
    out << "  <" << t(snd.sender) << ">: " << plural(snd.incidents, "incident", "incidents")
        << ", " << snd.exposed_total << " exposed, first "
        << (snd.first_sent.empty() ? "unknown" : snd.first_sent) << ", last "
        << (snd.last_sent.empty() ? "unknown" : snd.last_sent) << "\n";
  }
  if (!review.content_findings.empty()) {
    out << "\ninside messages (scan --content):\n";
  }
  for (const auto& c : review.content_findings) {
    out << "  " << c.kind << ": " << plural(c.exposed, "distinct exposed address",
                                             "distinct exposed addresses")
        << " in part " << t(c.part_path);
    if (!c.part_filename.empty()) {
      out << " \"" << t(c.part_filename) << "\"";
    }
    out << " (" << t(c.part_type) << ") of " << where(c.path, c.offset, c.mbox_index) << "\n"
        << "      message-id " << (c.message_id.empty() ? "(none)" : t(c.message_id))
        << ", from <" << t(c.sender) << ">, subject: " << t(c.subject) << "\n";
    if (c.kind == "forwarded-recipients") {
      out << "      " << (c.linked ? "passes on incident " : "forwards a message not found as sent: ")
          << t(c.incident_id) << "\n";
    } else if (!c.incident_id.empty()) {
      out << "      incident " << t(c.incident_id) << "\n";
    }
  }
  bool first = true;
  for (const auto& p : review.problems) {
    out << (first ? "\nproblems by kind:\n" : "") << "  " << p.kind << ": "
        << p.problems << " in " << p.files << " file(s)"
        << (p.not_scanned ? " (NOT scanned)" : "") << "\n";
    first = false;
  }
  first = true;
  for (const auto& n : review.not_scanned) {
    out << (first ? "not scanned:\n" : "") << "  " << where(n.path, n.offset, n.mbox_index)
        << ": " << n.kind << ": " << t(n.detail) << "\n";
    first = false;
  }
}

void
render_review_csv(const Review& review, std::ostream& out)
{
  out << "incident_id,first_sent,sender,sender_name,subject,message_id,"
         "exposed_count,recipient_count,identifiable_count,divergent,"
         "campaign_id,copies,reexposures,reexposure_of,first_copy,status,kind,part_path,"
         "part_filename,accepted_at,accepted_by,accepted_note\r\n";
  for (const auto& i : review.incidents) {
    out << csv_cell(i.id) << "," << csv_cell(i.first_sent) << ","
        << csv_cell(i.sender) << "," << csv_cell(i.sender_name) << ","
        << csv_cell(i.subject) << "," << csv_cell(i.message_id) << ","
        << i.exposed << "," << i.recipients << "," << i.identifiable << ","
        << (i.divergent ? 1 : 0) << "," << csv_cell(i.campaign_id) << ","
        << i.copies.size() << "," << i.reexposures.size() << ","
        << csv_cell(i.reexposure_of) << ","
        << csv_cell(i.copies.empty() ? "" : i.copies.front().path) << ","
        << csv_cell(i.status) << "," << csv_cell(i.kind) << "," << csv_cell(i.part_path) << ","
        << csv_cell(i.part_filename) << "," << csv_cell(i.accepted_at) << ","
        << csv_cell(i.accepted_by) << "," << csv_cell(i.accepted_note) << "\r\n";
  }
}

void
render_review_json(const Review& review, std::ostream& out)
{
  json j;
  const auto& s = review.scan;
  j["scan"] = {{"id", s.id}, {"status", u(s.status)}, {"started_at", s.started_at},
               {"finished_at", date_or_null(s.finished_at)}, {"host", u(s.host)},
               {"threshold", s.threshold}, {"files", s.sources}, {"messages", s.messages},
               {"unchanged_files", s.unchanged_files},
               {"unchanged_messages", s.unchanged_messages},
               {"findings", s.findings}, {"problems", s.problems},
               {"not_scanned", s.not_scanned},
               {"settings", [&] {
                  auto settings = json::parse(s.settings_json, nullptr, false);
                  return settings.is_object() ? settings : json(nullptr);
                }()}};
  j["campaign_window_days"] = review.campaign_window_days;
  j["suppressed_hidden"] = review.suppressed_hidden;
  j["status_filter"] = review.status_filter.empty() ? json(nullptr) : json(review.status_filter);
  auto& incidents = j["incidents"] = json::array();
  for (const auto& i : review.incidents) {
    json ji;
    ji["id"] = i.id;
    ji["message_id"] = u(i.message_id);
    ji["sender"] = u(i.sender);
    ji["sender_name"] = u(i.sender_name);
    ji["subject"] = u(i.subject);
    ji["first_sent"] = date_or_null(i.first_sent);
    ji["exposed_count"] = i.exposed;
    ji["recipient_count"] = i.recipients;
    ji["identifiable_count"] = i.identifiable;
    ji["divergent"] = i.divergent;
    ji["recipient_sets"] = i.recipient_sets;
    ji["campaign_id"] = i.campaign_id.empty() ? json(nullptr) : json(i.campaign_id);
    ji["status"] = i.status;
    ji["acceptance"] = i.accepted_at.empty()
                         ? json(nullptr)
                         : json{{"at", i.accepted_at}, {"by", u(i.accepted_by)},
                                {"note", u(i.accepted_note)}};
    ji["statement"] = u(incident_statement(i));
    ji["kind"] = i.kind;
    ji["part_path"] = i.part_path.empty() ? json(nullptr) : json(u(i.part_path));
    ji["part_filename"] = i.part_path.empty() ? json(nullptr) : json(u(i.part_filename));
    ji["part_type"] = i.part_path.empty() ? json(nullptr) : json(u(i.part_type));
    auto& copies = ji["copies"] = json::array();
    for (const auto& c : i.copies) {
      copies.push_back({{"path", u(c.path)}, {"offset", c.offset},
                        {"mbox_index", c.mbox_index ? json(*c.mbox_index) : json(nullptr)},
                        {"recipient_hash", c.recipient_hash},
                        {"exposed_count", c.exposed}, {"status", c.status},
                        {"gone", c.gone}, {"kind", c.kind},
                        {"part_path", c.part_path.empty() ? json(nullptr) : json(u(c.part_path))}});
    }
    auto& re = ji["reexposures"] = json::array();
    for (const auto& r : i.reexposures) {
      re.push_back({{"path", u(r.path)}, {"offset", r.offset},
                    {"sender", u(r.sender)}, {"date", date_or_null(r.sent_at)},
                    {"shared_count", r.shared}, {"message_id", u(r.message_id)}});
    }
    ji["reexposure_of"] = i.reexposure_of.empty() ? json(nullptr) : json(u(i.reexposure_of));
    auto& domains = ji["external_domains"] = json::array();
    for (const auto& d : i.by_domain) {
      domains.push_back({{"domain", u(d.domain)}, {"exposed", d.exposed}});
    }
    incidents.push_back(std::move(ji));
  }
  auto& campaigns = j["campaigns"] = json::array();
  for (const auto& c : review.campaigns) {
    campaigns.push_back({{"id", c.id}, {"sender", u(c.sender)}, {"subject", u(c.subject)},
                         {"incident_ids", c.incident_ids},
                         {"exposed_unique", c.exposed_unique},
                         {"recipients_unique", c.recipients_unique},
                         {"identifiable_unique", c.identifiable_unique},
                         {"first_sent", date_or_null(c.first_sent)},
                         {"last_sent", date_or_null(c.last_sent)},
                         {"statement", exposure_statement(c.exposed_unique, c.recipients_unique)}});
  }
  auto content = json::array();
  for (const auto& c : review.content_findings) {
    content.push_back({{"kind", c.kind}, {"path", u(c.path)}, {"offset", c.offset},
                       {"mbox_index", c.mbox_index ? json(*c.mbox_index) : json(nullptr)},
                       {"part_path", c.part_path}, {"part_filename", u(c.part_filename)},
                       {"part_type", u(c.part_type)}, {"message_id", u(c.message_id)},
                       {"sender", u(c.sender)}, {"subject", u(c.subject)},
                       {"date", date_or_null(c.sent_at)}, {"exposed_count", c.exposed},
                       {"visible_count", c.visible}, {"incident_id", c.incident_id},
                       {"linked_incident", c.linked ? json(c.incident_id) : json(nullptr)},
                       {"status", c.status}});
  }
  j["content_findings"] = std::move(content);
  auto& senders = j["senders"] = json::array();
  for (const auto& snd : review.senders) {
    senders.push_back({{"sender", u(snd.sender)}, {"incidents", snd.incidents},
                       {"first", date_or_null(snd.first_sent)},
                       {"last", date_or_null(snd.last_sent)},
                       {"exposed_total", snd.exposed_total}});
  }
  out << text::json_escape_c1_and_bidi(j.dump(2, ' ', false, json::error_handler_t::replace)) << "\n";
}

void
render_art33(const Review& review, const std::string& id, std::time_t now,
             std::ostream& out)
{
  const auto* incident = review.incident(id);
  const auto* campaign = review.campaign(id);
  if (!incident && !campaign) {
    throw FatalError("no incident or campaign " + t(id) + " in scan "
                     + std::to_string(review.scan.id)
                     + " (ids are listed by 'ccaudit report')");
  }
  std::vector<const Incident*> members;
  if (campaign) {
    for (const auto& m : campaign->incident_ids) {
      if (const auto* i = review.incident(m)) {
        members.push_back(i);
      }
    }
  } else {
    members.push_back(incident);
  }
  if (members.empty() || members.front() == nullptr) {
    throw FatalError("campaign " + t(id) + " has no incident in this scan");
  }
  const auto& first = *members.front();
  const auto exposed = campaign ? campaign->exposed_unique : incident->exposed;
  const auto recipients = campaign ? campaign->recipients_unique : incident->recipients;
  const auto identifiable = campaign ? campaign->identifiable_unique : incident->identifiable;
  std::string found = first.found_at;
  for (const auto* i : members) {
    found = !i->found_at.empty() && (found.empty() || i->found_at < found) ? i->found_at
                                                                            : found;
  }
  double hours = 0;
  if (const auto t = parse_iso(found)) {
    hours = std::difftime(now, *t) / 3600.0;
  }
  char elapsed[128];
  std::snprintf(elapsed, sizeof elapsed, "%.1f hours ago", hours);
  char left[160];
  if (hours <= 72) {
    std::snprintf(left, sizeof left, "%.1f hours left of the 72 hours", 72 - hours);
  } else {
    std::snprintf(left, sizeof left, "the 72 hours ran out %.1f hours ago", hours - 72);
  }
  out << "GDPR Art. 33 worksheet: " << id << "\n"
      << "Prepared by ccaudit from scan " << review.scan.id << " of "
      << t(review.scan.host) << ". Sections marked [to complete] need a person.\n\n"
      << "1. What happened\n";
  if (first.kind == "address-list-in-content") {
    out << "   A message carried a list of addresses inside it, readable by everyone\n"
        << "   who received it: " << t(part_words(first.part_path, first.part_filename))
        << (first.part_type.empty() ? "" : " (" + t(first.part_type) + ")") << ".\n";
  } else if (first.kind == "quoted-recipients") {
    out << "   A message quoted an earlier message's To/Cc in its text, readable by\n"
        << "   everyone who received it: " << t(part_words(first.part_path, first.part_filename))
        << ".\n";
  } else if (first.kind == "forwarded-recipients") {
    out << "   A message with its recipients visible to each other (To/Cc instead of\n"
        << "   Bcc) was forwarded as an attachment ("
        << t(part_words(first.part_path, first.part_filename)) << "): its list went on\n"
        << "   to the forward's recipients too.\n";
  } else {
    out << "   A message was sent with its recipients visible to each other (To/Cc\n"
        << "   instead of Bcc).\n";
  }
  if (first.kind == "address-list-in-content" || first.kind == "quoted-recipients") {
    out << "   " << plural(exposed, "distinct exposed address", "distinct exposed addresses")
        << " (" << recipients << " in the list, internal ones included).\n";
  } else {
    out << "   " << exposure_statement(exposed, recipients) << ".\n";
  }
  out << "   From:       " << sender_line(first.sender_name, first.sender) << "\n"
      << "   Subject:    " << t(first.subject) << "\n";
  if (campaign) {
    out << "   Sent in " << members.size() << " batches:\n";
  }
  for (const auto* i : members) {
    out << "   " << (campaign ? "- " : "") << "Message-ID: "
        << (i->message_id.empty() ? "(none)" : t(i->message_id)) << ", sent "
        << (i->first_sent.empty() ? "(date unreadable)" : i->first_sent) << ", "
        << i->exposed << " exposed, found in " << i->copies.size() << " place(s)";
    if (!i->reexposures.empty()) {
      out << ", re-exposed by " << i->reexposures.size() << " reply-all(s)";
    }
    out << "\n";
  }
  out << "\n2. Approximate number of data subjects\n"
      << "   " << exposed << " distinct exposed address(es), of which " << identifiable
      << " carry a personal name (display name or first.last address).\n"
      << "   [to complete: whether addresses map to more or fewer people]\n\n"
      << "3. When\n"
      << "   First sent: " << (first.first_sent.empty() ? "unknown" : first.first_sent) << "\n"
      << "   Found:      " << found << " (first ccaudit scan that flagged it), "
      << elapsed << "; " << left << " (Art. 33(1), from awareness)\n\n"
      << "4. Categories of personal data and of data subjects\n";
  if (first.kind == "address-list-in-content") {
    out << "   Email addresses listed in " << t(part_words(first.part_path, first.part_filename))
        << " of the message.\n"
        << "   [to complete: what else the part holds (names, phone numbers, amounts),\n"
        << "   what the list reveals about them, e.g. customers of a service]\n\n";
  } else {
    out << "   Email addresses and display names of the recipients.\n"
        << "   [to complete: what the list reveals about them, e.g. patients of a clinic]\n\n";
  }
  out
      << "5. Likely consequences\n"
      << "   [to complete]\n\n"
      << "6. Measures taken or proposed\n"
      << "   [to complete: recall, request to delete, notification of data subjects\n"
      << "   (Art. 34; 'ccaudit export --incident " << id << "' lists them)]\n\n"
      << "7. Contact point (DPO)\n"
      << "   [to complete]\n";
}

void
render_people_csv(const std::vector<Person>& people, std::ostream& out)
{
  out << "address,display_name,messages,message_ids,first_exposed\r\n";
  for (const auto& p : people) {
    std::string ids;
    for (const auto& m : p.messages) {
      if (ids.find(m.message_id) == std::string::npos) {
        ids += (ids.empty() ? "" : " ") + m.message_id;
      }
    }
    out << csv_cell(p.address) << "," << csv_cell(p.display_name) << ","
        << p.messages.size() << "," << csv_cell(ids) << ","
        << csv_cell(p.messages.empty() ? "" : p.messages.front().sent_at) << "\r\n";
  }
}

void
render_people_json(const std::vector<Person>& people, std::ostream& out)
{
  json j = json::array();
  for (const auto& p : people) {
    json messages = json::array();
    for (const auto& m : p.messages) {
      messages.push_back({{"message_id", u(m.message_id)}, {"path", u(m.path)},
                          {"offset", m.offset}, {"date", date_or_null(m.sent_at)},
                          {"how", m.how}});
    }
    j.push_back({{"address", u(p.address)}, {"display_name", u(p.display_name)},
                 {"messages", std::move(messages)}});
  }
  out << text::json_escape_c1_and_bidi(j.dump(2, ' ', false, json::error_handler_t::replace)) << "\n";
}

void
render_lookup_text(const std::vector<AddressLookup>& found, std::ostream& out)
{
  for (const auto& f : found) {
    if (f.hits.empty()) {
      out << t(f.address) << ": never exposed in this review\n";
      continue;
    }
    out << t(f.address) << ": shown by " << f.hits.size() << " incident(s)\n";
    for (const auto& hit : f.hits) {
      const auto& i = hit.incident;
      out << "  [" << i.id << "] " << (i.first_sent.empty() ? "date unknown" : i.first_sent)
          << "  from <" << t(i.sender) << ">  subject: " << t(i.subject) << "\n"
          << "      " << t(incident_statement(i)) << "; " << i.kind << ", " << i.status
          << (i.campaign_id.empty() ? "" : ", campaign " + i.campaign_id)
          << (hit.internal ? "; internal address (not counted as exposed)" : "") << "\n";
      if (!hit.display_name.empty()) {
        out << "      shown as \"" << t(hit.display_name) << "\"\n";
      }
      for (const auto& m : hit.messages) {
        out << "      " << (m.how == "reexposure" ? "reply-all " : "copy      ")
            << (m.sent_at.empty() ? "date unknown        " : m.sent_at) << "  " << t(m.path)
            << (m.offset ? " @" + std::to_string(m.offset) : "") << "\n";
      }
    }
  }
}

void
render_lookup_json(const std::vector<AddressLookup>& found, std::ostream& out)
{
  json j = json::array();
  for (const auto& f : found) {
    json hits = json::array();
    for (const auto& hit : f.hits) {
      const auto& i = hit.incident;
      json messages = json::array();
      for (const auto& m : hit.messages) {
        messages.push_back({{"how", m.how}, {"date", date_or_null(m.sent_at)},
                            {"path", u(m.path)}, {"offset", m.offset},
                            {"message_id", u(m.message_id)}});
      }
      hits.push_back({{"incident_id", i.id}, {"kind", i.kind},
                      {"part_path", i.part_path.empty() ? json(nullptr) : json(u(i.part_path))},
                      {"campaign_id", i.campaign_id.empty() ? json(nullptr) : json(i.campaign_id)},
                      {"first_sent", date_or_null(i.first_sent)}, {"sender", u(i.sender)},
                      {"subject", u(i.subject)}, {"message_id", u(i.message_id)},
                      {"exposed_count", i.exposed}, {"status", i.status},
                      {"display_name", u(hit.display_name)}, {"internal", hit.internal},
                      {"messages", std::move(messages)}});
    }
    j.push_back({{"address", u(f.given)}, {"normalised", u(f.address)},
                 {"exposed", !f.hits.empty()}, {"incidents", std::move(hits)}});
  }
  out << text::json_escape_c1_and_bidi(j.dump(2, ' ', false, json::error_handler_t::replace))
      << "\n";
}

} // namespace ccaudit::report
