#include "scan/scanner.hpp"

#include "archive/walker.hpp"
#include "core/fatal_error.hpp"
#include "headers/message_headers.hpp"
#include "scan/message_source.hpp"

#include <sys/stat.h>
#include <system_error>

namespace ccaudit::scan {

namespace fs = std::filesystem;

Scanner::Scanner(FindingSink& sink,
                 std::vector<std::unique_ptr<detect::Detector>> detectors,
                 ScanOptions options, Progress progress)
  : m_sink(sink), m_detectors(std::move(detectors)),
    m_options(std::move(options)), m_progress(std::move(progress))
{
}

void
Scanner::record(const MessageLocator& where, const Issue& issue)
{
  ++m_summary.problems;
  if (issue.kind == IssueKind::unreadable_input
      || issue.kind == IssueKind::compressed_not_scanned) {
    ++m_summary.inputs_unreadable;
  }
  m_sink.record_issue(where, issue);
}

void
Scanner::scan_paths(const std::vector<fs::path>& paths)
{
  for (const auto& file : m_options.excluded_files) {
    struct stat st {};
    if (::stat(file.c_str(), &st) == 0) {
      m_excluded.emplace(st.st_dev, st.st_ino);
    }
  }
  archive::WalkCallbacks callbacks;
  callbacks.on_file = [this](const fs::path& path) { scan_file(path); };
  callbacks.on_issue = [this](const fs::path& path, const Issue& issue) {
    record(MessageLocator{path}, issue);
  };
  archive::walk(paths, callbacks);
}

void
Scanner::scan_message(const MessageLocator& where, std::string_view header,
                      std::vector<Issue> issues)
{
  ++m_summary.messages;
  try {
    auto parsed = headers::parse_headers(header);
    issues.insert(issues.end(), std::make_move_iterator(parsed.issues.begin()),
                  std::make_move_iterator(parsed.issues.end()));
    for (const auto& detector : m_detectors) {
      if (auto finding = detector->inspect(parsed.value)) {
        ++m_summary.findings;
        m_sink.record_finding(where, *finding);
      }
    }
  } catch (const FatalError&) {
    throw; // the sink is broken: stop the whole scan
  } catch (const std::exception& e) {
    // A bug or a library surprise on one message must not end the scan.
    ++m_summary.messages_failed;
    issues.push_back({IssueKind::internal_error, e.what()});
  }
  if (!issues.empty()) {
    ++m_summary.messages_with_issues;
  }
  for (const auto& issue : issues) {
    record(where, issue);
  }
  if (m_progress && m_summary.messages % 1024 == 0) {
    m_progress(m_summary); // large mbox files: progress within the file
  }
}

void
Scanner::scan_file(const fs::path& path)
{
  ++m_summary.inputs;
  SourceInfo source{path, "unreadable"};
  std::uint64_t messages = 0;
  FileCallbacks callbacks;
  callbacks.on_message = [&](RawMessage&& message) {
    ++messages;
    scan_message(message.where, message.header, std::move(message.issues));
    return true;
  };
  callbacks.on_issue = [&](const MessageLocator& where, const Issue& issue) {
    record(where, issue);
  };
  try {
    source = read_messages(path, m_excluded, callbacks);
    if (source.kind == "excluded") {
      --m_summary.inputs; // the findings database: not part of the archive
      return;
    }
    m_summary.bytes += source.size;
    m_summary.inputs_not_mail += source.kind == "not-mail" ? 1 : 0;
  } catch (const FatalError&) {
    throw;
  } catch (const std::system_error& e) {
    auto detail = std::string(e.what());
    if (messages > 0) {
      detail += " after " + std::to_string(messages) + " message(s)";
    }
    source.messages = messages;
    record(MessageLocator{path}, {IssueKind::unreadable_input, detail});
  } catch (const std::exception& e) {
    ++m_summary.messages_failed;
    record(MessageLocator{path}, {IssueKind::internal_error, e.what()});
  }
  m_sink.record_source(source);
  if (m_progress) {
    m_progress(m_summary);
  }
}

} // namespace ccaudit::scan
