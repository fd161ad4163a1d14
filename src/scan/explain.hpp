#pragma once

#include "core/finding_sink.hpp"
#include "detect/visible_recipients.hpp"
#include "headers/message_headers.hpp"
#include "mime/content.hpp"
#include "scan/message_source.hpp"
#include "scan/rules.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ccaudit::scan {

// How one message was read, step by step: what `ccaudit explain` shows.
// Built by the same code as a scan, so it cannot tell a different story.
struct ExplainedMessage
{
  MessageLocator where;
  std::uint64_t end = 0;
  headers::MessageHeaders headers; // address_fields: every field as written;
                                   // hidden: the Bcc fields
  detect::Exposure exposure;       // distinct addresses, internal or not
  // What the scan decides on the header: analyse() with the scan's
  // detectors (threshold, --since, list and bulk mail suppressed, the reply
  // rule): a visible-recipients finding, a reply-recipients one kept as
  // context, or none.
  std::optional<Finding> finding;
  bool flagged = false;   // a visible-recipients finding (suppressed or not)
  bool in_period = true;  // --since: dated from then (Date, or the file's mtime)
  bool is_reply = false;  // In-Reply-To or References: the reply rule applies
  std::string bulk_marker; // the field marking list or bulk mail, if any
  std::string bulk_sender; // the --bulk-sender it matches, if any
  bool failed = false;     // internal_error: the scan would NOT scan it
  std::vector<Issue> issues;       // reading and parsing, in that order
  // --content: what the MIME walk found, and what it flagged.
  bool content_read = false;
  struct Part
  {
    std::string path, type, filename;
    std::size_t text_bytes = 0, addresses = 0; // decoded UTF-8; distinct in it
  };
  std::vector<Part> parts;
  std::vector<mime::EmbeddedMessage> embedded;
  std::vector<Finding> content_findings;
};

struct Explanation
{
  SourceInfo source;
  std::vector<ExplainedMessage> messages;
  std::vector<Issue> file_issues;
  // With an offset at which no message starts: the nearest message starts.
  std::optional<std::uint64_t> previous_offset, next_offset;
  bool member_found = false; // with options.member
};

struct ExplainOptions
{
  Rules rules;                               // as the scan's
  // As the scan's (ScanOptions): with a value, each message's MIME parts
  // are walked within these bounds (rules.content_threshold set too).
  std::optional<mime::ContentLimits> content;
  BodyRead body_read;
  std::optional<std::uint64_t> offset;       // only the message starting here
  std::optional<std::string> member;         // only this member of a zip or tar file
};

// Reads `path` as a scan would and explains its messages (all of them, or
// the one at `options.offset`). Throws std::system_error when the file
// cannot be read.
Explanation explain(const std::filesystem::path& path,
                    const ExplainOptions& options);

} // namespace ccaudit::scan
