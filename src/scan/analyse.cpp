#include "scan/analyse.hpp"

#include "headers/message_headers.hpp"

#include <functional>
#include <optional>

namespace ccaudit::scan {

namespace {

// Whether the header's addresses must be read: some detector can flag a
// message with this many '@' in its visible fields (looking for
// In-Reply-To or References only where it would decide).
bool
worth_parsing(const headers::HeaderBlock& block,
              const std::vector<std::unique_ptr<detect::Detector>>& detectors)
{
  const auto at_signs = headers::visible_at_signs(block);
  bool if_reply = false;
  for (const auto& detector : detectors) {
    if (at_signs >= detector->fewest_at_signs(false)) {
      return true;
    }
    if_reply = if_reply || at_signs >= detector->fewest_at_signs(true);
  }
  return if_reply && headers::is_reply(block);
}

// Runs every detector on a parsed header; `read_content` gives the MIME
// content the first time a detector wants it (null: none to read).
void
inspect(const headers::MessageHeaders& headers,
        const std::vector<std::unique_ptr<detect::Detector>>& detectors,
        const std::function<Parsed<mime::MessageContent>()>& read_content, Analysis& out,
        Trace* trace)
{
  std::optional<Parsed<mime::MessageContent>> walked;
  for (const auto& detector : detectors) {
    if (read_content && !walked && (detector->wants_content(headers) || trace)) {
      walked = read_content();
      append_issues(out.issues, std::move(walked->issues));
    }
  }
  if (trace) {
    trace->headers = headers;
    trace->parsed = true;
    if (walked) {
      trace->content = walked->value;
    }
  }
  const detect::Message message{headers, walked ? &walked->value : nullptr};
  for (const auto& detector : detectors) {
    for (auto& finding : detector->inspect(message)) {
      out.findings.push_back(std::move(finding));
    }
  }
}

} // namespace

Analysis
analyse(std::string_view header, std::vector<Issue> reader_issues,
        const std::vector<std::unique_ptr<detect::Detector>>& detectors,
        std::int64_t file_mtime, const mime::ContentLimits* content, std::string_view body,
        const mime::MessageContent* read_before, Trace* trace)
{
  Analysis out;
  out.issues = std::move(reader_issues);
  try {
    auto block = headers::split_header_block(header);
    append_issues(out.issues, std::move(block.issues));
    // Headers only, a message no detector can flag is not parsed further
    // (explain parses it to show it: the decision is the same).
    if (!content && !trace && !worth_parsing(block.value, detectors)) {
      append_issues(out.issues, headers::block_issues(block.value));
      return out;
    }
    auto parsed = headers::parse_headers(block.value);
    if (trace) {
      parsed.value.hidden = headers::hidden_fields(block.value);
    }
    parsed.value.file_mtime = file_mtime;
    append_issues(out.issues, std::move(parsed.issues));
    std::function<Parsed<mime::MessageContent>()> read;
    if (content && read_before) {
      read = [&] { return Parsed<mime::MessageContent>{*read_before, {}}; };
    } else if (content) {
      read = [&] { return mime::read_content(header, body, *content); };
    }
    inspect(parsed.value, detectors, read, out, trace);
  } catch (const std::exception& e) {
    // A bug or a library surprise on one message must not end the scan.
    out.failed = true;
    out.issues.push_back({IssueKind::internal_error, e.what()});
  }
  return out;
}

Analysis
analyse(const headers::MessageHeaders& built, std::vector<Issue> reader_issues,
        const std::vector<std::unique_ptr<detect::Detector>>& detectors, std::int64_t file_mtime,
        bool content, const mime::MessageContent* read_before, Trace* trace)
{
  Analysis out;
  out.issues = std::move(reader_issues);
  try {
    auto headers = built;
    headers.file_mtime = file_mtime;
    std::function<Parsed<mime::MessageContent>()> read;
    if (content) {
      read = [&] {
        return read_before ? Parsed<mime::MessageContent>{*read_before, {}}
                           : Parsed<mime::MessageContent>{};
      };
    }
    inspect(headers, detectors, read, out, trace);
  } catch (const std::exception& e) {
    out.failed = true;
    out.issues.push_back({IssueKind::internal_error, e.what()});
  }
  return out;
}

} // namespace ccaudit::scan
