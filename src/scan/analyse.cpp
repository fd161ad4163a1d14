#include "scan/analyse.hpp"

#include "headers/message_headers.hpp"
#include "mime/content.hpp"

namespace ccaudit::scan {

Analysis
analyse(std::string_view header, std::vector<Issue> reader_issues,
        const std::vector<std::unique_ptr<detect::Detector>>& detectors,
        std::int64_t file_mtime)
{
  Analysis out;
  out.issues = std::move(reader_issues);
  try {
    auto block = headers::split_header_block(header);
    append_issues(out.issues, std::move(block.issues));
    const auto at_signs = headers::visible_at_signs(block.value);
    bool worth_parsing = false, worth_if_reply = false;
    for (const auto& detector : detectors) {
      worth_parsing = worth_parsing || detector->could_flag(at_signs, false);
      worth_if_reply = worth_if_reply || detector->could_flag(at_signs, true);
    }
    // Look for In-Reply-To or References only where it would decide.
    worth_parsing = worth_parsing || (worth_if_reply && headers::is_reply(block.value));
    if (!worth_parsing) {
      append_issues(out.issues, headers::block_issues(block.value));
      return out;
    }
    auto parsed = headers::parse_headers(block.value);
    parsed.value.file_mtime = file_mtime;
    append_issues(out.issues, std::move(parsed.issues));
    for (const auto& detector : detectors) {
      if (auto finding = detector->inspect(parsed.value)) {
        out.findings.push_back(std::move(*finding));
      }
    }
  } catch (const std::exception& e) {
    // A bug or a library surprise on one message must not end the scan.
    out.failed = true;
    out.issues.push_back({IssueKind::internal_error, e.what()});
  }
  return out;
}

Analysis
analyse(std::string_view header, std::vector<Issue> reader_issues,
        const std::vector<std::unique_ptr<detect::Detector>>& detectors,
        std::int64_t file_mtime, const ContentScan& content, std::string_view body)
{
  if (content.detector == nullptr) {
    return analyse(header, std::move(reader_issues), detectors, file_mtime);
  }
  Analysis out;
  out.issues = std::move(reader_issues);
  try {
    auto parsed = headers::parse_headers(header);
    parsed.value.file_mtime = file_mtime;
    append_issues(out.issues, std::move(parsed.issues));
    for (const auto& detector : detectors) {
      if (auto finding = detector->inspect(parsed.value)) {
        out.findings.push_back(std::move(*finding));
      }
    }
    if (content.detector->in_period(parsed.value)) {
      auto walked = mime::read_content(header, body, content.limits);
      append_issues(out.issues, std::move(walked.issues));
      for (auto& f : content.detector->inspect(parsed.value, walked.value)) {
        out.findings.push_back(std::move(f));
      }
    }
  } catch (const std::exception& e) {
    out.failed = true;
    out.issues.push_back({IssueKind::internal_error, e.what()});
  }
  return out;
}

} // namespace ccaudit::scan
