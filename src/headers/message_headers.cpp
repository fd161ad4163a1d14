#include "headers/message_headers.hpp"

#include "core/text.hpp"
#include "headers/field_values.hpp"

#include <algorithm>
#include <map>
#include <unordered_set>

namespace ccaudit::headers {

std::string_view
to_string(AddressField field)
{
  switch (field) {
  case AddressField::to: return "to";
  case AddressField::cc: return "cc";
  case AddressField::resent_to: return "resent-to";
  case AddressField::resent_cc: return "resent-cc";
  }
  return "unknown";
}

std::optional<AddressField>
visible_field(std::string_view name)
{
  // Runs for every field of every message: most names are rejected by length.
  if (name.size() != 2 && name.size() != 9) {
    return std::nullopt;
  }
  for (const auto field : {AddressField::to, AddressField::cc,
                           AddressField::resent_to, AddressField::resent_cc}) {
    if (text::iequals(name, to_string(field))) {
      return field;
    }
  }
  return std::nullopt;
}

namespace {

// "Name: value" if the field marks list or bulk mail, else "".
std::string
bulk_marker(const Field& field)
{
  static constexpr std::string_view k_list_fields[] = {
    "list-id", "list-post", "list-unsubscribe", "mailing-list", "feedback-id"};
  const auto value = [&] {
    return text::excerpt(text::trim(field.value()));
  };
  for (const auto name : k_list_fields) {
    if (text::iequals(field.name, name)) {
      return std::string(field.name) + ": " + value();
    }
  }
  if (text::iequals(field.name, "precedence")) {
    const auto v = text::ascii_lower(text::trim(field.value()));
    if (v == "bulk" || v == "list" || v == "junk") {
      return std::string(field.name) + ": " + value();
    }
  } else if (text::iequals(field.name, "auto-submitted")) {
    const auto v = text::ascii_lower(text::trim(field.value()));
    if (!v.empty() && !v.starts_with("no")) {
      return std::string(field.name) + ": " + value();
    }
  }
  return {};
}

void
read_from(const Field& field, MessageHeaders& out)
{
  auto parsed = parse_address_list(field.value());
  if (!parsed.value.empty()) {
    out.from_address = parsed.value.front().address;
    out.from_name = parsed.value.front().display_name;
  } else {
    out.from_address = text::to_valid_utf8(field.value());
  }
}

} // namespace

std::vector<Issue>
block_issues(const HeaderBlock& block)
{
  std::vector<Issue> out;
  // The names of fields with invalid UTF-8, each once (a set: a header of
  // 100,000 distinct names made a search of the list quadratic), the first
  // ten of them listed.
  constexpr std::size_t k_listed = 10;
  std::unordered_set<std::string_view> invalid_names;
  std::string invalid_utf8_fields;
  std::size_t to_fields = 0, cc_fields = 0;
  // Fields split at ASCII bytes: a valid block has valid fields.
  const bool valid = text::is_valid_utf8(block.text);
  for (const auto& field : block.fields) {
    if (!valid && !text::is_valid_utf8(field.raw) && invalid_names.insert(field.name).second
        && invalid_names.size() <= k_listed) {
      invalid_utf8_fields += (invalid_utf8_fields.empty() ? "" : ", ")
                             + text::for_terminal(field.name);
    }
    const auto visible = visible_field(field.name);
    to_fields += visible == AddressField::to ? 1 : 0;
    cc_fields += visible == AddressField::cc ? 1 : 0;
  }
  // RFC 5322 3.6 allows one To and one Cc; mail with more exists, and every
  // one of them counts, but a reviewer should know.
  std::string repeated;
  for (const auto& [n, name] : {std::pair{to_fields, "to"}, std::pair{cc_fields, "cc"}}) {
    if (n > 1) {
      repeated += (repeated.empty() ? "" : ", ") + std::to_string(n) + " "
                  + name + " fields";
    }
  }
  if (!repeated.empty()) {
    out.push_back({IssueKind::repeated_address_field, repeated + ", all counted"});
  }
  if (!invalid_utf8_fields.empty()) {
    const auto more = invalid_names.size() > k_listed
                        ? " and " + std::to_string(invalid_names.size() - k_listed) + " more field(s)"
                        : std::string();
    out.push_back({IssueKind::invalid_utf8_in_header,
                   "8-bit bytes that are not UTF-8 in " + invalid_utf8_fields + more});
  }
  return out;
}

std::size_t
visible_at_signs(const HeaderBlock& block)
{
  std::size_t n = 0;
  for (const auto& field : block.fields) {
    if (visible_field(field.name)) {
      n += text::count_byte(field.raw, '@');
    }
  }
  return n;
}

std::vector<HiddenField>
hidden_fields(const HeaderBlock& block)
{
  std::vector<HiddenField> out;
  for (const auto& field : block.fields) {
    if (text::iequals(field.name, "bcc") || text::iequals(field.name, "resent-bcc")) {
      const auto parsed = parse_address_list(field.value());
      out.push_back({std::string(field.name), field.line, parsed.value.size()});
    }
  }
  return out;
}

bool
is_reply(const HeaderBlock& block)
{
  return std::any_of(block.fields.begin(), block.fields.end(), [](const Field& f) {
    return text::iequals(f.name, "in-reply-to") || text::iequals(f.name, "references");
  });
}

Parsed<MessageHeaders>
parse_headers(const HeaderBlock& block)
{
  Parsed<MessageHeaders> out;
  bool have_from = false, have_subject = false, have_date = false,
       have_id = false, have_in_reply_to = false, have_references = false;
  std::vector<std::string> in_reply_to, references;
  // Per kind: where its first issue is in out.issues, and how many more.
  std::map<IssueKind, std::pair<std::size_t, std::size_t>> field_issues;
  for (const auto& field : block.fields) {
    if (out.value.bulk_marker.empty()) {
      out.value.bulk_marker = bulk_marker(field);
    }
    if (const auto visible = visible_field(field.name)) {
      const auto value = field.value();
      auto parsed = parse_address_list(value);
      AddressFieldValue record{*visible, std::string(field.name), value, field.line,
                               out.value.recipients.size(),
                               parsed.value.size(), parsed.issues};
      for (auto& mailbox : parsed.value) {
        out.value.recipients.push_back({*visible, std::move(mailbox)});
      }
      // One issue of a kind per message, with a count: 100,000 To fields
      // each with a problem were 100,000 rows.
      for (auto& issue : parsed.issues) {
        const auto [it, first] = field_issues.try_emplace(issue.kind, out.issues.size(), 0);
        if (first) {
          issue.detail = std::string(field.name) + ": " + issue.detail;
          out.issues.push_back(std::move(issue));
        } else {
          ++it->second.second;
        }
      }
      out.value.address_fields.push_back(std::move(record));
    } else if (!have_from && text::iequals(field.name, "from")) {
      have_from = true;
      read_from(field, out.value); // not counted: its oddities are not issues
    } else if (!have_subject && text::iequals(field.name, "subject")) {
      have_subject = true;
      out.value.subject = decode_text(field.value());
    } else if (!have_date && text::iequals(field.name, "date")) {
      have_date = true;
      out.value.date = text::to_valid_utf8(text::trim(field.value()));
      out.value.sent_at = parse_date(field.value());
    } else if (!have_id && text::iequals(field.name, "message-id")) {
      have_id = true;
      out.value.message_id = parse_message_id(field.value());
    } else if (!have_in_reply_to && text::iequals(field.name, "in-reply-to")) {
      have_in_reply_to = true;
      in_reply_to = parse_references(field.value());
    } else if (!have_references && text::iequals(field.name, "references")) {
      have_references = true;
      references = parse_references(field.value());
    }
  }
  for (const auto& [kind, where] : field_issues) {
    if (where.second > 0) {
      out.issues[where.first].detail +=
        " (and " + std::to_string(where.second) + " more in other address fields)";
    }
  }
  // In order, each id once: a hash set, since a References field may hold
  // 160,000 ids (a search of the list for each took minutes).
  std::unordered_set<std::string_view> seen;
  for (auto* ids : {&in_reply_to, &references}) {
    for (const auto& id : *ids) {
      if (seen.insert(id).second) {
        out.value.references.push_back(id);
      }
    }
  }
  append_issues(out.issues, block_issues(block));
  return out;
}

Parsed<MessageHeaders>
parse_headers(std::string_view message)
{
  auto block = split_header_block(message);
  auto out = parse_headers(block.value);
  append_issues(block.issues, std::move(out.issues));
  out.issues = std::move(block.issues);
  return out;
}

} // namespace ccaudit::headers
