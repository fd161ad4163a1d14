#pragma once

#include "core/finding_sink.hpp"
#include "detect/visible_recipients.hpp"
#include "headers/message_headers.hpp"
#include "mime/content.hpp"

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
  headers::MessageHeaders headers; // address_fields: every field as written
  detect::Exposure exposure;       // distinct addresses, internal or not
  // What the scan's detector decides on the header, as a scan would
  // (threshold, --since, list and bulk mail suppressed, the reply rule):
  // a visible-recipients finding, a reply-recipients one kept as context,
  // or none.
  std::optional<Finding> finding;
  bool flagged = false; // a visible-recipients finding (suppressed or not)
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
  std::size_t threshold = 25;
  std::vector<std::string> internal_domains; // normalised
  std::vector<std::string> bulk_senders;     // as the scan's --bulk-sender
  std::optional<std::int64_t> since;         // as the scan's --since (UTC seconds)
  std::optional<std::uint64_t> offset;       // only the message starting here
  std::optional<std::string> member;         // only this member of a zip or tar file
  bool content = false;                      // also walk each message's MIME parts
  std::size_t content_threshold = 25;
};

// Reads `path` as a scan would and explains its messages (all of them, or
// the one at `options.offset`). Throws std::system_error when the file
// cannot be read.
Explanation explain(const std::filesystem::path& path,
                    const ExplainOptions& options);

} // namespace ccaudit::scan
