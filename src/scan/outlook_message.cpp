#include "scan/outlook_message.hpp"

#include "core/text.hpp"
#include "headers/address_list.hpp"
#include "headers/field_values.hpp"

#include <ctime>
#include <set>

namespace ccaudit::scan {

namespace {

// PidTagRecipientType: the type in the low bits; MAPI_P1 marks a row kept
// for resending, which no recipient sees.
constexpr std::uint32_t k_type_mask = 0x0FFFFFFF;
constexpr std::uint32_t k_p1 = 0x10000000;

std::optional<headers::AddressField>
visible_field(std::uint32_t type)
{
  if ((type & k_p1) != 0) {
    return std::nullopt;
  }
  switch (static_cast<outlook::RecipientType>(type & k_type_mask)) {
  case outlook::RecipientType::to: return headers::AddressField::to;
  case outlook::RecipientType::cc: return headers::AddressField::cc;
  default: return std::nullopt; // Bcc, the originator
  }
}

// The address a row is counted by ("" and an issue if none).
std::string
row_address(const outlook::Recipient& r, std::vector<Issue>& issues)
{
  const auto smtp = text::trim(r.smtp_address);
  const auto email = text::trim(r.email_address);
  const bool smtp_row = text::iequals(text::trim(r.address_type), "SMTP");
  if (!smtp.empty() || (smtp_row && !email.empty())) {
    auto address = headers::normalize_address(!smtp.empty() ? smtp : email, &issues);
    if (address.empty()) {
      issues.push_back({IssueKind::address_unparsable,
                        "recipient table row '" + std::string(!smtp.empty() ? smtp : email)
                          + "' is not an address: not counted"});
    }
    return address;
  }
  if (text::iequals(text::trim(r.address_type), "EX") && !email.empty()) {
    issues.push_back({IssueKind::exchange_address,
                      "'" + std::string(email) + "'"
                        + (r.display_name.empty() ? "" : " (" + r.display_name + ")")
                        + " has no SMTP address in the item: counted as an address of its own"});
    return text::ascii_lower(email);
  }
  issues.push_back({IssueKind::address_unparsable,
                    "recipient '" + r.display_name + "' has no Internet address (type '"
                      + r.address_type + "', address '" + std::string(email)
                      + "'): not counted"});
  return {};
}

std::string
rfc5322_date(std::int64_t seconds)
{
  const auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) {
    return {};
  }
  char buffer[64];
  return std::string(buffer, std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S +0000", &tm));
}

// Builds the header fields of an item that has no Internet header.
std::shared_ptr<const headers::MessageHeaders>
build(const outlook::Item& item, std::vector<Issue>& issues)
{
  auto out = std::make_shared<headers::MessageHeaders>();
  out->message_id = headers::parse_message_id(item.message_id);
  out->sent_at = item.submit_time ? item.submit_time : item.delivery_time;
  out->date = out->sent_at ? rfc5322_date(*out->sent_at) : std::string();
  out->subject = item.subject;
  out->references = headers::parse_references(item.in_reply_to);
  for (auto& id : headers::parse_references(item.references)) {
    out->references.push_back(std::move(id));
  }
  out->from_name = item.sender_name;
  const auto sender = !item.sender_smtp_address.empty() ? item.sender_smtp_address
                      : text::iequals(item.sender_address_type, "SMTP")
                        ? item.sender_email_address
                        : std::string();
  out->from_address = headers::normalize_address(sender);
  if (out->from_address.empty()) {
    out->from_address = text::ascii_lower(item.sender_email_address); // an EX sender: its DN
  }
  for (const auto field : {headers::AddressField::to, headers::AddressField::cc}) {
    headers::AddressFieldValue value;
    value.field = field;
    value.name = field == headers::AddressField::to ? "To (recipient table)"
                                                    : "Cc (recipient table)";
    value.first = out->recipients.size();
    for (const auto& r : item.recipients) {
      if (visible_field(r.type) != field) {
        continue;
      }
      auto address = row_address(r, value.issues);
      value.value += (value.value.empty() ? "" : ", ")
                     + (r.display_name.empty() ? "" : "\"" + r.display_name + "\" ") + "<"
                     + (address.empty() ? r.email_address : address) + ">";
      if (!address.empty()) {
        out->recipients.push_back({field, {std::move(address), r.display_name, {}}});
      }
    }
    value.count = out->recipients.size() - value.first;
    if (!value.value.empty()) {
      append_issues(issues, std::vector<Issue>(value.issues));
      out->address_fields.push_back(std::move(value));
    }
  }
  std::size_t bcc_rows = 0;
  for (const auto& r : item.recipients) {
    bcc_rows += (r.type & k_p1) == 0
                && static_cast<outlook::RecipientType>(r.type & k_type_mask)
                     == outlook::RecipientType::bcc;
  }
  if (bcc_rows > 0) {
    out->hidden.push_back({"Bcc (recipient table)", 0, bcc_rows});
  }
  return out;
}

// Distinct To and Cc addresses of the recipient table (EX rows by DN).
std::set<std::string>
table_addresses(const outlook::Item& item)
{
  std::set<std::string> out;
  std::vector<Issue> ignored;
  for (const auto& r : item.recipients) {
    if (visible_field(r.type)) {
      if (auto a = row_address(r, ignored); !a.empty()) {
        out.insert(std::move(a));
      }
    }
  }
  return out;
}

std::string
listed(const std::set<std::string>& addresses)
{
  std::string out;
  std::size_t n = 0;
  for (const auto& a : addresses) {
    if (++n > 5) {
      return out + ", ... (" + std::to_string(addresses.size()) + " in all)";
    }
    out += (out.empty() ? "" : ", ") + a;
  }
  return out;
}

// Received mail: what the header shows against what the table holds.
void
compare_with_table(const std::string& header, const outlook::Item& item,
                   std::vector<Issue>& issues)
{
  if (!item.recipients_read) {
    return; // its own issue says so
  }
  const auto parsed = headers::parse_headers(header);
  std::set<std::string> shown;
  for (const auto& r : parsed.value.recipients) {
    if (r.field == headers::AddressField::to || r.field == headers::AddressField::cc) {
      shown.insert(r.mailbox.address);
    }
  }
  const auto table = table_addresses(item);
  std::set<std::string> only_header, only_table;
  for (const auto& a : shown) {
    if (!table.contains(a)) {
      only_header.insert(a);
    }
  }
  for (const auto& a : table) {
    if (!shown.contains(a)) {
      only_table.insert(a);
    }
  }
  if (only_header.empty() && only_table.empty()) {
    return;
  }
  std::string detail = "transport header To/Cc: " + std::to_string(shown.size())
                       + " address(es), recipient table To/Cc: " + std::to_string(table.size())
                       + "; counted from the header";
  if (!only_header.empty()) {
    detail += "; only in the header: " + listed(only_header);
  }
  if (!only_table.empty()) {
    detail += "; only in the table: " + listed(only_table);
  }
  issues.push_back({IssueKind::recipients_disagree, std::move(detail)});
}

// Transport headers as a header block: a field on the first line, ending
// with an empty line.
std::optional<std::string>
header_block(const std::string& transport)
{
  auto block = std::string(text::trim(transport));
  if (block.empty() || block.find(':') == std::string::npos) {
    return std::nullopt;
  }
  block += "\r\n\r\n";
  return block;
}

// The media type of an attachment stored without one, from its name.
std::string
type_of(const outlook::Attachment& a)
{
  if (!a.mime_type.empty() && a.mime_type != "application/octet-stream") {
    return a.mime_type;
  }
  const auto dot = a.filename.rfind('.');
  const auto ext = text::ascii_lower(dot == std::string::npos ? "" : a.filename.substr(dot));
  return ext == ".csv"   ? "text/csv"
         : ext == ".tsv" ? "text/tab-separated-values"
         : ext == ".vcf" ? "text/vcard"
         : ext == ".txt" ? "text/plain"
                         : a.mime_type.empty() ? "application/octet-stream" : a.mime_type;
}

void add_content(const outlook::Item& item, const std::string& prefix, mime::MessageContent& out,
                 std::vector<Issue>& issues);

// An attached item as an embedded message: its header as for any item,
// and its own content below `path`.
void
add_embedded(const outlook::Item& item, const std::string& path, const std::string& filename,
             mime::MessageContent& out, std::vector<Issue>& issues)
{
  mime::EmbeddedMessage embedded{path, filename, {}, nullptr};
  if (auto block = header_block(item.transport_headers)) {
    embedded.header = std::move(*block);
  } else {
    std::vector<Issue> ignored; // its own address problems are not the message's
    embedded.built = build(item, ignored);
  }
  out.messages.push_back(std::move(embedded));
  add_content(item, path + ".", out, issues);
}

void
add_content(const outlook::Item& item, const std::string& prefix, mime::MessageContent& out,
            std::vector<Issue>& issues)
{
  if (!item.body_text.empty()) {
    out.parts.push_back({prefix + "1", "text/plain", "", item.body_text});
  }
  if (!item.body_html.empty()) {
    out.parts.push_back({prefix + "2", "text/html", "", item.body_html});
  }
  if (item.rtf_only) {
    issues.push_back({IssueKind::content_unreadable,
                      (prefix.empty() ? std::string("its") : "part " + prefix + " has its")
                        + " only body in compressed RTF, which is not read"});
  }
  int n = 2;
  for (const auto& a : item.attachments) {
    const auto path = prefix + std::to_string(++n);
    if (a.item) {
      add_embedded(*a.item, path, a.filename, out, issues);
      continue;
    }
    const auto type = type_of(a);
    const auto use = mime::part_use(type, a.filename);
    if (use == mime::PartUse::skip) {
      continue;
    }
    if (a.truncated) {
      issues.push_back({IssueKind::content_limit,
                        "attachment " + path + " ('" + a.filename
                          + "') over the bound: the rest not read"});
    }
    if (use == mime::PartUse::message) {
      const auto end = a.data.find("\n\r\n") != std::string::npos ? a.data.find("\n\r\n") + 3
                       : a.data.find("\n\n") != std::string::npos ? a.data.find("\n\n") + 2
                                                                   : a.data.size();
      out.messages.push_back({path, a.filename, a.data.substr(0, end), nullptr});
      continue;
    }
    bool unknown = false;
    out.parts.push_back({path, type, a.filename, text::to_utf8(a.data, "", unknown)});
  }
}

} // namespace

OutlookMessage
read_outlook_item(outlook::Item&& item)
{
  OutlookMessage out;
  out.issues = std::move(item.issues);
  if (item.content_read) {
    auto content = std::make_shared<mime::MessageContent>();
    add_content(item, "", *content, out.issues);
    out.content = std::move(content);
  }
  if (auto block = header_block(item.transport_headers)) {
    out.header = std::move(*block);
    compare_with_table(out.header, item, out.issues);
    return out;
  }
  out.built = build(item, out.issues);
  return out;
}

} // namespace ccaudit::scan
