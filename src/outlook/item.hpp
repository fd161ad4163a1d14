#pragma once

#include "core/issue.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccaudit::outlook {

// MAPI recipient types ([MS-OXCMSG] PidTagRecipientType, low bits).
enum class RecipientType : std::uint32_t { originator = 0, to = 1, cc = 2, bcc = 3 };

// One row of an item's recipient table, as stored: nothing is derived.
struct Recipient
{
  std::uint32_t type = 0;    // PidTagRecipientType as stored (flags kept)
  std::string display_name;  // PidTagDisplayName
  std::string address_type;  // PidTagAddressType: "SMTP", "EX", ...
  std::string email_address; // PidTagEmailAddress (an EX legacy DN for "EX")
  std::string smtp_address;  // PidTagSmtpAddress; "" if not stored
};

struct Item;

// An attachment of an item, read with --content.
struct Attachment
{
  std::string filename;  // PidTagAttachLongFilename, else PidTagAttachFilename
  std::string mime_type; // PidTagAttachMimeTag
  std::string data;      // its bytes, up to the bound (by value only)
  bool truncated = false;
  std::shared_ptr<Item> item; // an attached Outlook item (a forwarded message)
};

// The properties of one Outlook item (a PST/OST message or a .msg file)
// that a scan reads. Strings are UTF-8; what was not stored is "".
struct Item
{
  std::string message_class;     // PidTagMessageClass, e.g. "IPM.Note"
  std::string subject;           // PidTagSubject
  std::string sender_name;       // PidTagSentRepresentingName, else PidTagSenderName
  std::string sender_address_type;
  std::string sender_email_address;
  std::string sender_smtp_address;
  std::string message_id;        // PidTagInternetMessageId, as stored ("<...>")
  std::string in_reply_to;       // PidTagInReplyToId
  std::string references;        // PidTagInternetReferences
  std::string transport_headers; // PidTagTransportMessageHeaders (received mail)
  std::optional<std::int64_t> submit_time;   // PidTagClientSubmitTime, UTC seconds
  std::optional<std::int64_t> delivery_time; // PidTagMessageDeliveryTime
  std::uint32_t message_flags = 0;           // PidTagMessageFlags
  std::vector<Recipient> recipients;
  bool recipients_read = true; // false: the table exists but could not be read
  std::vector<Issue> issues;   // what reading it noticed

  // Its content, read only when asked (--content).
  bool content_read = false;
  std::string body_text;   // PidTagBody, UTF-8
  std::string body_html;   // PidTagHtml, UTF-8 (read in the item's charset)
  bool rtf_only = false;   // its only body is PidTagRtfCompressed: not read
  std::vector<Attachment> attachments;
};

// Bounds on what reading an item's content may cost.
struct ContentBounds
{
  std::size_t max_part_bytes = std::size_t{16} << 20; // a body, an attachment
  std::size_t max_item_bytes = std::size_t{64} << 20; // all of one item's
  int max_depth = 8; // items attached to items attached to...
};

// MAPI property tags ([MS-OXPROPS]) the scan reads.
namespace tag {
inline constexpr std::uint32_t message_class = 0x001A;
inline constexpr std::uint32_t subject = 0x0037;
inline constexpr std::uint32_t client_submit_time = 0x0039;
inline constexpr std::uint32_t sent_representing_name = 0x0042;
inline constexpr std::uint32_t sent_representing_address_type = 0x0064;
inline constexpr std::uint32_t sent_representing_email_address = 0x0065;
inline constexpr std::uint32_t transport_message_headers = 0x007D;
inline constexpr std::uint32_t sender_name = 0x0C1A;
inline constexpr std::uint32_t sender_address_type = 0x0C1E;
inline constexpr std::uint32_t sender_email_address = 0x0C1F;
inline constexpr std::uint32_t recipient_type = 0x0C15;
inline constexpr std::uint32_t message_delivery_time = 0x0E06;
inline constexpr std::uint32_t message_flags = 0x0E07;
inline constexpr std::uint32_t internet_message_id = 0x1035;
inline constexpr std::uint32_t internet_references = 0x1039;
inline constexpr std::uint32_t in_reply_to_id = 0x1042;
inline constexpr std::uint32_t display_name = 0x3001;
inline constexpr std::uint32_t address_type = 0x3002;
inline constexpr std::uint32_t email_address = 0x3003;
inline constexpr std::uint32_t smtp_address = 0x39FE;
inline constexpr std::uint32_t internet_codepage = 0x3FDE;
inline constexpr std::uint32_t message_codepage = 0x3FFD;
inline constexpr std::uint32_t sender_smtp_address = 0x5D01;
inline constexpr std::uint32_t sent_representing_smtp_address = 0x5D02;
inline constexpr std::uint32_t pst_password = 0x67FF;
inline constexpr std::uint32_t body = 0x1000;
inline constexpr std::uint32_t rtf_compressed = 0x1009;
inline constexpr std::uint32_t html = 0x1013;
inline constexpr std::uint32_t attach_data = 0x3701;
inline constexpr std::uint32_t attach_filename = 0x3704;
inline constexpr std::uint32_t attach_method = 0x3705;
inline constexpr std::uint32_t attach_long_filename = 0x3707;
inline constexpr std::uint32_t attach_mime_tag = 0x370E;
} // namespace tag

// MAPI property value types ([MS-OXCDATA] 2.11.1) the readers meet.
inline constexpr std::uint16_t k_int16_type = 0x0002;    // PtypInteger16
inline constexpr std::uint16_t k_int32_type = 0x0003;    // PtypInteger32
inline constexpr std::uint16_t k_boolean_type = 0x000B;  // PtypBoolean
inline constexpr std::uint16_t k_object_type = 0x000D;   // PtypObject (an attached item)
inline constexpr std::uint16_t k_int64_type = 0x0014;    // PtypInteger64
inline constexpr std::uint16_t k_filetime_type = 0x0040; // PtypTime
inline constexpr std::uint16_t k_unicode_type = 0x001F;  // PtypString (UTF-16LE)
inline constexpr std::uint16_t k_string8_type = 0x001E;  // PtypString8
inline constexpr std::uint16_t k_binary_type = 0x0102;   // PtypBinary
// Whether a value of this type is read as text (a binary one as 8-bit text).
bool is_string_type(std::uint32_t type);
// A stored string as UTF-8: PtypString from UTF-16LE, the others from
// `charset` ("": Windows-1252, Outlook's default); trailing NULs dropped.
std::string string_value(std::string raw, std::uint32_t type, std::string_view charset);

// The properties of one item, or of one row of its recipient table, by
// tag, however the file stores them (a PST node, a .msg stream). Strings
// come out as UTF-8 (8-bit ones through the item's code page).
class PropertyBag
{
public:
  virtual ~PropertyBag() = default;
  virtual std::optional<std::string> text(std::uint32_t tag) const = 0;
  virtual std::optional<std::uint32_t> integer(std::uint32_t tag) const = 0;
  virtual std::optional<std::uint64_t> filetime(std::uint32_t tag) const = 0;
};

// The item's properties (recipients apart), and one recipient's.
Item read_item(const PropertyBag& props);
Recipient read_recipient(const PropertyBag& props);
// An attachment's name and type (not its data).
Attachment read_attachment(const PropertyBag& props);
// An item's bodies (plain text, HTML; RTF is not read: rtf_only says it was
// the only one), and sets content_read. A body over the bound is cut, with
// a content_limit issue.
void read_bodies(const PropertyBag& props, Item& item, const ContentBounds& bounds);

// The charset of an item's 8-bit strings, from its code page properties
// (PidTagInternetCodepage, else PidTagMessageCodepage), as iconv names it;
// "" when neither is stored.
std::string item_charset(const PropertyBag& props);
std::string charset_of_codepage(std::uint32_t codepage);

// What a store's reader does with an item: an orphan node without a message
// class is no item at all (skip); a contact, appointment... is not mail.
enum class ItemUse { skip, not_mail, mail };
ItemUse item_use(const PropertyBag& props, bool orphan);

// Whether an item of this message class is sent mail (a note, a report, a
// meeting request, a post...) rather than a contact, an appointment, a task
// or a note to self: those are not messages and are not counted.
bool is_mail_class(std::string_view message_class);

// Seconds since 1970 from a Windows FILETIME (100 ns since 1601);
// nullopt for 0 and for values outside what a date can be.
std::optional<std::int64_t> unix_seconds(std::uint64_t filetime);

} // namespace ccaudit::outlook
