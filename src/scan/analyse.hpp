#pragma once

#include "core/finding.hpp"
#include "core/issue.hpp"
#include "detect/content_detector.hpp"
#include "detect/detector.hpp"
#include "mime/content.hpp"

#include <memory>
#include <string_view>
#include <vector>

namespace ccaudit::scan {

struct Analysis
{
  std::vector<Finding> findings;
  std::vector<Issue> issues; // the reader's, then the parser's
  bool failed = false;       // internal_error: the message was NOT scanned
};

// Parses one message's header block and runs the detectors on it. When the
// visible fields hold too few '@' for any detector to flag the message, the
// addresses are not parsed (only the cheap header checks run). Pure and
// thread-safe; never throws: a failure is an internal_error issue.
// `file_mtime` dates a message whose Date cannot be read (for --since).
Analysis analyse(std::string_view header, std::vector<Issue> reader_issues,
                 const std::vector<std::unique_ptr<detect::Detector>>& detectors,
                 std::int64_t file_mtime = 0);

// --content: what to look for inside messages, and the bounds.
struct ContentScan
{
  const detect::ContentDetector* detector = nullptr;
  mime::ContentLimits limits;
};

// analyse(), then, with a body, the message's MIME content: its headers are
// always parsed in full (content findings carry its Message-ID and Subject).
Analysis analyse(std::string_view header, std::vector<Issue> reader_issues,
                 const std::vector<std::unique_ptr<detect::Detector>>& detectors,
                 std::int64_t file_mtime, const ContentScan& content,
                 std::string_view body);

} // namespace ccaudit::scan
