#pragma once

#include "core/finding.hpp"
#include "core/issue.hpp"
#include "detect/detector.hpp"
#include "headers/message_headers.hpp"
#include "mime/content.hpp"

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace ccaudit::scan {

struct Analysis
{
  std::vector<Finding> findings;
  std::vector<Issue> issues; // the reader's, then the parser's
  bool failed = false;       // internal_error: the message was NOT scanned
};

// What `ccaudit explain` shows of a message besides the decision: the
// header as parsed (in full, whatever the detectors need; Bcc fields
// counted) and the MIME content when read. analyse() fills it when given
// one; the decision is the scan's, made by the same calls.
struct Trace
{
  headers::MessageHeaders headers;
  bool parsed = false;                         // false: the parse failed
  std::optional<mime::MessageContent> content; // with content: always read
};

// Parses one message's header block and runs every detector on it, in
// order. Without `content` (headers only), when the visible fields hold too
// few '@' for any detector to flag the message, its addresses are not
// parsed (only the cheap header checks run). With `content` (--content) the
// header is parsed in full, and the MIME content of `body` is read, within
// those bounds, when a detector wants it. Pure and thread-safe; never
// throws: a failure is an internal_error issue. `file_mtime` dates a
// message whose Date cannot be read (for --since).
// `read` (an Outlook item's content, read by its reader) stands for the
// MIME walk of `body`.
Analysis analyse(std::string_view header, std::vector<Issue> reader_issues,
                 const std::vector<std::unique_ptr<detect::Detector>>& detectors,
                 std::int64_t file_mtime = 0, const mime::ContentLimits* content = nullptr,
                 std::string_view body = {}, const mime::MessageContent* read = nullptr,
                 Trace* trace = nullptr);

// The same for a message whose header fields were read from properties,
// not text (an Outlook item written without an Internet header): every
// detector runs on `built`. With `content`, a detector that wants the
// content gets `read` (the item's content as its reader gave it).
Analysis analyse(const headers::MessageHeaders& built, std::vector<Issue> reader_issues,
                 const std::vector<std::unique_ptr<detect::Detector>>& detectors,
                 std::int64_t file_mtime, bool content, const mime::MessageContent* read,
                 Trace* trace = nullptr);

} // namespace ccaudit::scan
