#include "scan/explain.hpp"

#include "scan/message_source.hpp"

namespace ccaudit::scan {

Explanation
explain(const std::filesystem::path& path, const ExplainOptions& options)
{
  Explanation out;
  FileCallbacks callbacks;
  callbacks.on_message = [&](RawMessage&& raw) {
    const auto offset = raw.where.byte_offset;
    if (options.offset && offset != *options.offset) {
      if (offset < *options.offset) {
        out.previous_offset = offset;
        return true;
      }
      out.next_offset = offset;
      return false;
    }
    ExplainedMessage m;
    m.where = raw.where;
    m.end = raw.end;
    auto parsed = headers::parse_headers(raw.header);
    m.headers = std::move(parsed.value);
    m.issues = std::move(raw.issues);
    m.issues.insert(m.issues.end(), parsed.issues.begin(), parsed.issues.end());
    m.exposure = detect::measure(m.headers, options.internal_domains);
    m.flagged = m.exposure.external >= options.threshold;
    out.messages.push_back(std::move(m));
    return !options.offset; // the one asked for is found
  };
  callbacks.on_issue = [&](const MessageLocator&, const Issue& issue) {
    out.file_issues.push_back(issue);
  };
  out.source = read_messages(path, {}, callbacks);
  return out;
}

} // namespace ccaudit::scan
