#pragma once

#include <cstdint>
#include <filesystem>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccaudit {

// Where a message (or a problem) lives: enough for a person to find it again
// by hand. For a file holding one message, index and byte_offset are 0.
struct MessageLocator
{
  std::filesystem::path archive; // the mbox file, or the message file
  std::uint64_t index = 0;       // 0-based message number in an mbox
  std::uint64_t byte_offset = 0; // where the message starts in `archive`
  bool in_mbox = false;          // index is meaningful
  // Inside a zip or tar file (or one nested in it) named by `archive`: the
  // member's name, nested ones joined by '!' ("inner.tgz!Maildir/cur/1:2,").
  // Empty for a file, and for the data of a compressed file.
  std::string member;
  // An item of an Outlook store (a PST or OST file, or such a member): its
  // folder path and identifier ("/Top of Personal Folders/Sent
  // Items#2097220"). The store, not the item, is the source.
  std::string item;

  // How users see and paste it: "/exports/t.zip!Takeout/Mail/x.mbox",
  // "/cases/jdoe.pst!/Top of Personal Folders/Inbox#2097252".
  std::string path_text() const
  {
    const auto source = source_text();
    return item.empty() ? source : source + "!" + item;
  }
  // The source (file or member) that holds it.
  std::string source_text() const { return locator_text(archive, member); }
  static std::string locator_text(const std::filesystem::path& archive, std::string_view member)
  {
    return member.empty() ? archive.native() : archive.native() + "!" + std::string(member);
  }
};

// Everything odd about an input, as a closed list. The names are stored in
// the findings database and counted in reports: never rename a kind, only add
// new ones at the end.
enum class IssueKind {
  unreadable_input,             // open/read failed: the input was NOT scanned
  internal_error,               // a bug or a library surprise: NOT scanned
  not_mail,                     // a file that is not mail: skipped
  not_regular_file,             // fifo, socket, device: skipped
  symlink_not_followed,         // a directory symlink inside a walked tree
  maildir_tmp_skipped,          // Maildir tmp/ holds mail still in delivery
  text_before_first_separator,  // mbox: bytes before the first "From " line
  nonstandard_mbox_separator,   // a "From " line without sender and date
  missing_blank_line_before_separator, // mbox: "From " line inside a header
  content_length_mismatch,      // mboxcl: Content-Length does not frame
  truncated_message,            // the input ends inside a header
  missing_header_separator,     // no blank line: the whole message is header
  nul_in_header,                // NUL bytes replaced by spaces
  malformed_header_line,        // a header line without a field name
  header_too_large,             // header block over the size limit: cut
  invalid_utf8_in_header,       // 8-bit bytes that are not UTF-8
  semicolon_address_separator,  // Outlook-style ';' between addresses
  address_unparsable,           // a list item that yields no mailbox
  address_without_domain,       // "root" or "a@": not counted
  invalid_idn_domain,           // non-ASCII domain with no A-label form
  addresses_dropped,            // fewer mailboxes parsed than '@' seen
  ambiguous_separator,          // mbox: a "From " line + header read as body
  lenient_address_recovery,     // addresses read from text GMime rejected
  compressed_not_scanned,       // 7z or rar file (others are read): NOT scanned
  header_line_too_long,         // a header line over 998 characters
  bare_cr_in_header,            // a CR not followed by LF in a header line
  repeated_address_field,       // more than one To or Cc field
  excluded_by_configuration,    // a path matched an exclusion: not walked
  content_limit,                // --content: a bound reached, the rest of the
                                // part or message content not read
  content_unreadable,           // --content: the MIME structure could not be
                                // walked; its content not read
  unknown_charset,              // --content: text read as UTF-8
  nesting_too_deep,             // groups (or other structure) nested past a
                                // bound: read leniently, not by the parser
  blank_lines_before_header,    // a message that starts with blank lines:
                                // skipped, the header read after them
  expansion_limit,              // compressed data growing past --max-expansion
                                // times its size (a bomb): the rest NOT read
  no_message_found,             // a file or stream named on the command line
                                // gave no message at all: NOT a clean result
  outlook_damaged,              // a PST/OST or .msg file (or a folder in one)
                                // that could not be read: what it held NOT
                                // scanned
  outlook_item_unreadable,      // an Outlook item, or its recipient table,
                                // that could not be read: NOT scanned
  exchange_address,             // a recipient known only by an Exchange
                                // legacy DN: counted as an address of its own
  recipients_disagree,          // an Outlook item's transport header To/Cc
                                // and its recipient table differ
  outlook_password,             // a PST with a password: it encrypts
                                // nothing, the file was read without it
  outlook_recovery,             // --recover-deleted: what recovery found in
                                // a PST or OST (items read, fragments)
};

std::string_view to_string(IssueKind kind);

// True for kinds that mean part of the input was NOT scanned: such an issue
// makes the scan incomplete (exit code 3). The one place that says so: the
// database's problem_kind table is written from it, and reports/ join it.
bool means_not_scanned(IssueKind kind);

// Every kind, in declaration order.
std::vector<IssueKind> all_issue_kinds();

// One problem noticed while reading or parsing. Parsers don't know where a
// message came from; the scanner pairs each Issue with a MessageLocator.
struct Issue
{
  IssueKind kind;
  std::string detail; // short and human-readable; may be empty
};

// What lenient parsing returns: a best-effort value plus what was wrong on the
// way. For real-world mail, "a value and some issues" is the normal case.
template <typename T> struct Parsed
{
  T value;
  std::vector<Issue> issues;
};

// Moves the issues of `from` to the end of `to`.
inline void
append_issues(std::vector<Issue>& to, std::vector<Issue>&& from)
{
  to.insert(to.end(), std::make_move_iterator(from.begin()),
            std::make_move_iterator(from.end()));
}

} // namespace ccaudit
