// `ccaudit explain`: how one file's messages were read, field by field, so a
// reviewer can answer "why was this flagged?" and "why was it not?".
#include "cli/options.hpp"
#include "cli/rule_flags.hpp"
#include "core/text.hpp"
#include "report/report.hpp"
#include "scan/explain.hpp"
#include "store/connection.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>
#include <iostream>
#include <map>
#include <system_error>

namespace ccaudit::cli {

namespace {

using nlohmann::ordered_json;

// Untrusted text shown on a terminal (t) or written as JSON (u).
constexpr auto t = &text::for_terminal;
constexpr auto u = &text::to_valid_utf8;

// How often each normalised address appears, and in which fields.
std::map<std::string, std::vector<std::string>>
occurrences(const headers::MessageHeaders& h)
{
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& r : h.recipients) {
    out[r.mailbox.address].emplace_back(headers::to_string(r.field));
  }
  return out;
}

std::string
location(const scan::ExplainedMessage& m)
{
  std::string s = t(m.where.path_text());
  if (m.where.in_mbox) {
    s += ": message " + std::to_string(m.where.index) + " at offset "
         + std::to_string(m.where.byte_offset);
  }
  if (!m.where.item.empty()) {
    return s; // an Outlook item: no bytes of its own in the file
  }
  return s + " (bytes " + std::to_string(m.where.byte_offset) + "-"
         + std::to_string(m.end) + ")";
}

std::string
iso(std::int64_t seconds)
{
  const auto out = store::iso_utc(static_cast<std::time_t>(seconds));
  return out.empty() ? "unknown" : out;
}

std::string
joined(const std::vector<std::string>& items)
{
  std::string out;
  for (const auto& i : items) {
    out += (out.empty() ? "" : ", ") + i;
  }
  return out;
}

// What the scan decides on the message's header, in words.
std::string
decision(const scan::ExplainedMessage& m)
{
  if (m.failed) {
    return "NOT scanned (internal_error: see the problem below)";
  }
  if (!m.finding) {
    return "not flagged";
  }
  const auto& f = *m.finding;
  if (f.context_only) {
    return "not flagged; kept as " + f.kind
           + " (a reply showing at least half the threshold: linked to the incident it "
             "answers)";
  }
  std::string out = "FLAGGED (" + f.kind + ")";
  if (!f.suppressed.empty()) {
    out += ", suppressed as list or bulk mail (" + t(f.suppressed)
           + "): recorded, never exit 1";
  }
  return out;
}

// Every reason of the decision, one line each: the rules it was made with
// and what the message showed them.
std::vector<std::string>
reasons(const scan::ExplainedMessage& m, const scan::Rules& rules)
{
  std::vector<std::string> out;
  const auto& e = m.exposure;
  out.push_back("threshold " + std::to_string(rules.threshold) + ": " + std::to_string(e.external)
                + " exposed address(es) " + (e.external >= rules.threshold ? ">=" : "<") + " "
                + std::to_string(rules.threshold));
  if (rules.internal_domains.empty()) {
    out.push_back("internal domains: none (--internal-domain): every visible address is "
                  "exposed");
  } else {
    out.push_back("internal domains: " + t(joined(rules.internal_domains)) + ": "
                  + std::to_string(e.visible - e.external) + " address(es) not counted");
  }
  if (rules.since) {
    const bool by_date = m.headers.sent_at.has_value();
    const auto dated = m.headers.sent_at.value_or(m.headers.file_mtime);
    out.push_back("since " + iso(*rules.since) + ": dated " + iso(dated)
                  + (by_date ? " (Date)" : " (no readable Date: the file's mtime)")
                  + (m.in_period ? ", in the period" : ", before it: not flagged (--since)"));
  }
  if (m.is_reply) {
    out.push_back("reply rule: a reply (In-Reply-To or References): with at least "
                  + std::to_string((rules.threshold + 1) / 2)
                  + " exposed it is kept as reply-recipients to link a reply-all to the "
                    "incident it answers");
  } else {
    out.push_back("reply rule: not a reply (no In-Reply-To or References)");
  }
  if (!m.bulk_marker.empty()) {
    out.push_back("list or bulk mail: " + t(m.bulk_marker)
                  + ": a finding is suppressed (recorded, never exit 1; report "
                    "--include-suppressed shows it)");
  } else if (!m.bulk_sender.empty()) {
    out.push_back("list or bulk mail: " + t(m.bulk_sender)
                  + " (--bulk-sender): a finding is suppressed (recorded, never exit 1)");
  } else {
    out.push_back("list or bulk mail: no (no List-Id, List-Unsubscribe, Precedence: bulk "
                  "or the like; no --bulk-sender matches)");
  }
  if (m.headers.hidden.empty()) {
    out.push_back("not counted: no Bcc field");
  }
  for (const auto& f : m.headers.hidden) {
    out.push_back("not counted: " + t(f.name)
                  + (f.line ? " (line " + std::to_string(f.line) + ")" : std::string()) + ": "
                  + std::to_string(f.mailboxes)
                  + " address(es) the recipients do not see (Bcc never counts)");
  }
  return out;
}

void
print_text(const scan::ExplainedMessage& m, const scan::Rules& rules, std::ostream& out)
{
  const auto& h = m.headers;
  out << location(m) << "\n"
      << "  message-id: " << t(h.message_id) << "\n"
      << "  date:       " << t(h.date) << "\n"
      << "  from:       " << t(h.from_name) << (h.from_name.empty() ? "" : " ")
      << "<" << t(h.from_address) << ">\n"
      << "  subject:    " << t(h.subject) << "\n";
  if (h.address_fields.empty()) {
    out << "  no To, Cc, Resent-To or Resent-Cc field\n";
  }
  for (const auto& f : h.address_fields) {
    constexpr std::size_t k_shown = 300;
    out << "\n  " << (f.line == 0 ? std::string() : "line " + std::to_string(f.line) + ": ")
        << t(f.name) << ": "
        << t(std::string_view(f.value).substr(0, k_shown))
        << (f.value.size() > k_shown
              ? " ... (" + std::to_string(f.value.size()) + " bytes)"
              : "")
        << "\n    " << f.count << " mailbox(es)\n";
    for (std::size_t i = f.first; i < f.first + f.count; ++i) {
      const auto& mb = h.recipients[i].mailbox;
      out << "    " << t(mb.address);
      if (!mb.display_name.empty()) {
        out << "  \"" << t(mb.display_name) << "\"";
      }
      if (!mb.group.empty()) {
        out << "  (group " << t(mb.group) << ")";
      }
      out << "\n";
    }
    for (const auto& issue : f.issues) {
      out << "    problem: " << to_string(issue.kind) << ": " << t(issue.detail)
          << "\n";
    }
  }
  std::size_t folded = 0;
  for (const auto& [address, fields] : occurrences(h)) {
    if (fields.size() > 1) {
      out << (folded++ ? "" : "\n  duplicates folded:\n") << "    "
          << t(address) << " x" << fields.size() << " (";
      for (std::size_t i = 0; i < fields.size(); ++i) {
        out << (i ? ", " : "") << fields[i];
      }
      out << ")\n";
    }
  }
  const auto& e = m.exposure;
  std::size_t internal = e.visible - e.external;
  if (internal > 0) {
    out << "\n  internal (not counted as exposed):\n";
    for (const auto& a : e.addresses) {
      if (a.internal) {
        out << "    " << t(a.address) << "\n";
      }
    }
  }
  out << "\n  " << h.recipients.size() << " mailbox(es), " << e.visible
      << " distinct visible, " << internal << " internal, " << e.external
      << " exposed over " << e.domains << " domain(s)\n"
      << "  decision: " << decision(m) << "\n";
  for (const auto& reason : reasons(m, rules)) {
    out << "    " << reason << "\n";
  }
  if (m.content_read) {
    out << "\n  content: " << m.parts.size() << " text part(s), " << m.embedded.size()
        << " embedded message(s)\n";
    for (const auto& p : m.parts) {
      out << "    part " << t(p.path) << " " << t(p.type);
      if (!p.filename.empty()) {
        out << " \"" << t(p.filename) << "\"";
      }
      out << ": " << p.text_bytes << " bytes of text, " << p.addresses
          << " distinct address(es)\n";
    }
    for (const auto& message : m.embedded) {
      out << "    part " << t(message.path) << " message/rfc822"
          << (message.filename.empty() ? "" : " \"" + t(message.filename) + "\"") << "\n";
    }
    for (const auto& f : m.content_findings) {
      out << "  FLAGGED (" << f.kind << "): part " << t(f.part_path) << ", " << f.external_count
          << " distinct exposed address(es)\n";
    }
  }
  for (const auto& issue : m.issues) {
    out << "  problem: " << to_string(issue.kind) << ": " << t(issue.detail) << "\n";
  }
  out << "\n";
}

ordered_json
issues_json(const std::vector<Issue>& issues)
{
  auto out = ordered_json::array();
  for (const auto& i : issues) {
    out.push_back({{"kind", std::string(to_string(i.kind))}, {"detail", u(i.detail)}});
  }
  return out;
}

void
print_json(const scan::ExplainedMessage& m, const scan::Rules& rules, std::ostream& out)
{
  const auto& h = m.headers;
  ordered_json j;
  j["path"] = u(m.where.path_text());
  j["offset"] = m.where.byte_offset;
  j["end"] = m.end;
  j["mbox_index"] = m.where.in_mbox ? ordered_json(m.where.index) : ordered_json();
  j["message_id"] = u(h.message_id);
  j["date"] = u(h.date);
  j["from"] = u(h.from_address);
  j["subject"] = u(h.subject);
  auto& fields = j["fields"] = ordered_json::array();
  for (const auto& f : h.address_fields) {
    auto mailboxes = ordered_json::array();
    for (std::size_t i = f.first; i < f.first + f.count; ++i) {
      const auto& mb = h.recipients[i].mailbox;
      mailboxes.push_back({{"address", u(mb.address)},
                           {"display_name", u(mb.display_name)},
                           {"group", u(mb.group)}});
    }
    fields.push_back({{"name", u(f.name)},
                      {"line", f.line},
                      {"value", u(f.value)},
                      {"mailboxes", mailboxes},
                      {"problems", issues_json(f.issues)}});
  }
  const auto counts = occurrences(h);
  auto& distinct = j["addresses"] = ordered_json::array();
  for (const auto& a : m.exposure.addresses) {
    distinct.push_back({{"address", u(a.address)},
                        {"display_name", u(a.display_name)},
                        {"field", a.field},
                        {"internal", a.internal},
                        {"occurrences", counts.at(a.address).size()}});
  }
  j["visible_count"] = m.exposure.visible;
  j["external_count"] = m.exposure.external;
  j["domain_count"] = m.exposure.domains;
  j["threshold"] = rules.threshold;
  j["flagged"] = m.flagged;
  j["kind"] = m.finding ? ordered_json(m.finding->kind) : ordered_json(nullptr);
  j["suppressed"] = m.finding && !m.finding->suppressed.empty()
                      ? ordered_json(u(m.finding->suppressed))
                      : ordered_json(nullptr);
  auto hidden = ordered_json::array();
  for (const auto& f : m.headers.hidden) {
    hidden.push_back({{"name", u(f.name)}, {"line", f.line}, {"mailboxes", f.mailboxes}});
  }
  const auto dated = m.headers.sent_at.value_or(m.headers.file_mtime);
  j["decision"] = {
    {"summary", u(decision(m))},
    {"internal_domains", rules.internal_domains},
    {"internal_count", m.exposure.visible - m.exposure.external},
    {"since", rules.since ? ordered_json(iso(*rules.since)) : ordered_json(nullptr)},
    {"dated", m.headers.sent_at || m.headers.file_mtime ? ordered_json(iso(dated))
                                                        : ordered_json(nullptr)},
    {"dated_by", m.headers.sent_at ? "date" : "file_mtime"},
    {"in_period", m.in_period},
    {"reply", m.is_reply},
    {"reply_threshold", (rules.threshold + 1) / 2},
    {"bulk_marker", m.bulk_marker.empty() ? ordered_json(nullptr) : ordered_json(u(m.bulk_marker))},
    {"bulk_sender", m.bulk_sender.empty() ? ordered_json(nullptr) : ordered_json(u(m.bulk_sender))},
    {"not_counted", std::move(hidden)},
    {"scanned", !m.failed}};
  if (m.content_read) {
    auto parts = ordered_json::array();
    for (const auto& p : m.parts) {
      parts.push_back({{"path", p.path}, {"type", u(p.type)}, {"filename", u(p.filename)},
                       {"text_bytes", p.text_bytes}, {"addresses", p.addresses}});
    }
    auto embedded = ordered_json::array();
    for (const auto& e : m.embedded) {
      embedded.push_back({{"path", e.path}, {"filename", u(e.filename)}});
    }
    auto findings = ordered_json::array();
    for (const auto& f : m.content_findings) {
      findings.push_back({{"kind", f.kind}, {"part_path", f.part_path},
                          {"part_filename", u(f.part_filename)}, {"part_type", u(f.part_type)},
                          {"external_count", f.external_count},
                          {"visible_count", f.visible_count}, {"incident_id", f.incident_id}});
    }
    j["content"] = {{"parts", std::move(parts)}, {"messages", std::move(embedded)},
                    {"findings", std::move(findings)}};
  }
  j["problems"] = issues_json(m.issues);
  out << text::json_escape_c1_and_bidi(
           j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
      << "\n";
}

} // namespace

ExitCode
run_explain(const ExplainCommand& cmd)
{
  if (!report::parse_format(cmd.format)) {
    throw UsageError("--format: expected text or jsonl, got '"
                     + text::for_terminal(cmd.format) + "'");
  }
  // "FILE!MEMBER", as findings name a member of a zip or tar file: the
  // first prefix before a '!' that is a file.
  std::string path = cmd.path;
  std::optional<std::string> member = cmd.member;
  if (std::error_code ec; !std::filesystem::exists(path, ec)) {
    for (auto bang = path.find('!'); bang != std::string::npos; bang = path.find('!', bang + 1)) {
      if (std::filesystem::is_regular_file(path.substr(0, bang), ec)) {
        if (member) {
          throw UsageError("--member: '" + t(cmd.path) + "' names a member already");
        }
        member = path.substr(bang + 1);
        path.resize(bang);
        break;
      }
    }
  }
  auto deciding = deciding_rules(cmd);
  scan::ExplainOptions options;
  options.member = member;
  options.offset = cmd.offset;
  options.rules = deciding.rules;
  options.content = deciding.content;
  options.body_read = deciding.body_read;
  scan::Explanation explanation;
  try {
    explanation = scan::explain(path, options);
  } catch (const std::system_error& e) {
    std::fprintf(stderr, "ccaudit: %s: %s\n", t(cmd.path).c_str(), e.what());
    return ExitCode::incomplete;
  }
  if (member && !explanation.member_found) {
    throw UsageError("no member '" + t(*member) + "' in " + t(path));
  }
  if (cmd.offset && explanation.messages.empty()) {
    std::string near;
    if (explanation.previous_offset) {
      near += " previous at " + std::to_string(*explanation.previous_offset);
    }
    if (explanation.next_offset) {
      near += std::string(near.empty() ? "" : ",") + " next at "
              + std::to_string(*explanation.next_offset);
    }
    throw UsageError("no message starts at offset " + std::to_string(*cmd.offset)
                     + (near.empty() ? "" : " (nearest:" + near + ")"));
  }
  const bool text_format = cmd.format == "text";
  if (text_format) {
    std::cout << t(MessageLocator::locator_text(path, member.value_or(""))) << ": "
              << to_string(explanation.source.kind) << ", "
              << explanation.source.messages << " message(s) read\n";
    for (const auto& issue : explanation.file_issues) {
      std::cout << "  problem: " << to_string(issue.kind) << ": "
                << t(issue.detail) << "\n";
    }
    std::cout << "\n";
  }
  for (const auto& m : explanation.messages) {
    if (text_format) {
      print_text(m, options.rules, std::cout);
    } else {
      print_json(m, options.rules, std::cout);
    }
  }
  return ExitCode::clean;
}

} // namespace ccaudit::cli
