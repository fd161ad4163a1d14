#include "outlook/item.hpp"

#include "core/text.hpp"

namespace ccaudit::outlook {

namespace {

std::string
text_or_empty(const PropertyBag& props, std::uint32_t tag)
{
  return props.text(tag).value_or("");
}

} // namespace

bool
is_string_type(std::uint32_t type)
{
  return type == k_unicode_type || type == k_string8_type || type == k_binary_type;
}

std::string
string_value(std::string raw, std::uint32_t type, std::string_view charset)
{
  const std::size_t unit = type == k_unicode_type ? 2 : 1;
  while (raw.size() >= unit && raw.find_first_not_of('\0', raw.size() - unit) == std::string::npos) {
    raw.resize(raw.size() - unit);
  }
  bool unknown = false;
  if (type == k_unicode_type) {
    return text::from_utf16(raw);
  }
  return text::to_utf8(raw, charset.empty() ? std::string_view("cp1252") : charset, unknown);
}

Item
read_item(const PropertyBag& props)
{
  Item item;
  item.message_class = text_or_empty(props, tag::message_class);
  item.subject = text_or_empty(props, tag::subject);
  // A stored subject may start with U+0001 and a character that gives the
  // length of its prefix ("RE: "): a marker, not text.
  if (item.subject.size() >= 2 && item.subject[0] == '\x01') {
    item.subject.erase(0, 2);
  }
  // Who the message is from, as recipients saw it: the "sent representing"
  // user (a delegate sends for them) when the item names their address,
  // else the sender.
  auto smtp = text_or_empty(props, tag::sent_representing_smtp_address);
  auto email = text_or_empty(props, tag::sent_representing_email_address);
  auto name = text_or_empty(props, tag::sent_representing_name);
  if (!smtp.empty() || !email.empty()) {
    item.sender_address_type = text_or_empty(props, tag::sent_representing_address_type);
  } else {
    smtp = text_or_empty(props, tag::sender_smtp_address);
    email = text_or_empty(props, tag::sender_email_address);
    item.sender_address_type = text_or_empty(props, tag::sender_address_type);
    if (auto sender = text_or_empty(props, tag::sender_name); !sender.empty()) {
      name = std::move(sender);
    }
  }
  item.sender_name = std::move(name);
  item.sender_email_address = std::move(email);
  item.sender_smtp_address = std::move(smtp);
  item.message_id = text_or_empty(props, tag::internet_message_id);
  item.in_reply_to = text_or_empty(props, tag::in_reply_to_id);
  item.references = text_or_empty(props, tag::internet_references);
  item.transport_headers = text_or_empty(props, tag::transport_message_headers);
  if (const auto t = props.filetime(tag::client_submit_time)) {
    item.submit_time = unix_seconds(*t);
  }
  if (const auto t = props.filetime(tag::message_delivery_time)) {
    item.delivery_time = unix_seconds(*t);
  }
  item.message_flags = props.integer(tag::message_flags).value_or(0);
  return item;
}

Recipient
read_recipient(const PropertyBag& props)
{
  Recipient r;
  // A row without a type is counted as To: a reviewer may see one address
  // too many, never one too few.
  r.type = props.integer(tag::recipient_type).value_or(1);
  r.display_name = text_or_empty(props, tag::display_name);
  r.address_type = text_or_empty(props, tag::address_type);
  r.email_address = text_or_empty(props, tag::email_address);
  r.smtp_address = text_or_empty(props, tag::smtp_address);
  return r;
}

Attachment
read_attachment(const PropertyBag& props)
{
  Attachment a;
  a.filename = text_or_empty(props, tag::attach_long_filename);
  if (a.filename.empty()) {
    a.filename = text_or_empty(props, tag::attach_filename);
  }
  a.mime_type = text::ascii_lower(text::trim(text_or_empty(props, tag::attach_mime_tag)));
  return a;
}

void
read_bodies(const PropertyBag& props, Item& item, const ContentBounds& bounds)
{
  item.content_read = true;
  item.body_text = text_or_empty(props, tag::body);
  item.body_html = text_or_empty(props, tag::html);
  for (const auto* body : {&item.body_text, &item.body_html}) {
    if (body->size() >= bounds.max_part_bytes) {
      item.issues.push_back({IssueKind::content_limit,
                             "a body over " + std::to_string(bounds.max_part_bytes >> 20)
                               + " MiB: the rest not read"});
    }
  }
  item.rtf_only = item.body_text.empty() && item.body_html.empty()
                  && props.text(tag::rtf_compressed).has_value();
}

std::string
charset_of_codepage(std::uint32_t cp)
{
  switch (cp) {
  case 0: return "";
  case 1200: return "utf-16le";
  case 1201: return "utf-16be";
  case 20127: return "us-ascii";
  case 20866: return "koi8-r";
  case 21866: return "koi8-u";
  case 50220:
  case 50221:
  case 50222: return "iso-2022-jp";
  case 51932: return "euc-jp";
  case 51949: return "euc-kr";
  case 54936: return "gb18030";
  case 65000: return "utf-7";
  case 65001: return "utf-8";
  default: break;
  }
  if (cp >= 28591 && cp <= 28599) {
    return "iso-8859-" + std::to_string(cp - 28590);
  }
  if (cp == 28603 || cp == 28605) {
    return "iso-8859-" + std::to_string(cp - 28590);
  }
  return "cp" + std::to_string(cp); // cp932, cp936, cp1252, cp850...
}

std::string
item_charset(const PropertyBag& props)
{
  for (const auto t : {tag::internet_codepage, tag::message_codepage}) {
    if (const auto cp = props.integer(t); cp && *cp != 0) {
      return charset_of_codepage(*cp);
    }
  }
  return "";
}

ItemUse
item_use(const PropertyBag& props, bool orphan)
{
  const auto message_class = props.text(tag::message_class);
  if (!message_class && orphan) {
    return ItemUse::skip;
  }
  return is_mail_class(message_class.value_or("")) ? ItemUse::mail : ItemUse::not_mail;
}

bool
is_mail_class(std::string_view message_class)
{
  const auto c = text::ascii_lower(text::trim(message_class));
  // Kept to what is certainly not sent mail: an unknown class is read.
  for (const std::string_view prefix :
       {"ipm.contact", "ipm.distlist", "ipm.appointment", "ipm.stickynote", "ipm.activity",
        "ipm.configuration", "ipm.microsoft."}) {
    if (c.starts_with(prefix)) {
      return false;
    }
  }
  return !(c == "ipm.task" || c.starts_with("ipm.task."));
}

std::optional<std::int64_t>
unix_seconds(std::uint64_t filetime)
{
  constexpr std::uint64_t k_ticks_per_second = 10'000'000;
  constexpr std::uint64_t k_1601_to_1970 = 11'644'473'600;
  const auto seconds = filetime / k_ticks_per_second;
  // 0 is "not set"; past the year 9999 is damage.
  if (filetime == 0 || seconds > k_1601_to_1970 + 253'402'300'799) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(seconds) - static_cast<std::int64_t>(k_1601_to_1970);
}

} // namespace ccaudit::outlook
