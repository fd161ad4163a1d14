#include "scan/explain.hpp"

#include "detect/content_addresses.hpp"
#include "scan/analyse.hpp"
#include "scan/message_source.hpp"

namespace ccaudit::scan {

Explanation
explain(const std::filesystem::path& path, const ExplainOptions& options)
{
  Explanation out;
  // The scan's detectors, run by the scan's analyse(): explain only shows
  // how they decided.
  const auto detectors = make_detectors(options.rules);
  const auto& header_rule =
    dynamic_cast<const detect::VisibleRecipientsDetector&>(*detectors.front());
  const mime::ContentLimits* content = options.content ? &*options.content : nullptr;
  FileCallbacks callbacks;
  const auto wanted = [&](const MessageLocator& where) {
    if (!options.member) {
      return true;
    }
    // "FILE!MEMBER", "FILE!ITEM" or "FILE!MEMBER!ITEM"
    const auto& m = *options.member;
    return where.item.empty() ? where.member == m
                              : where.item == m || where.member + "!" + where.item == m;
  };
  callbacks.on_message = [&](RawMessage&& raw) {
    if (!wanted(raw.where)) {
      return true;
    }
    out.member_found = true;
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
    Trace trace;
    auto analysis = raw.built ? analyse(*raw.built, std::move(raw.issues), detectors,
                                        raw.file_mtime, content != nullptr, raw.content.get(),
                                        &trace)
                              : analyse(raw.header, std::move(raw.issues), detectors,
                                        raw.file_mtime, content, raw.body, raw.content.get(),
                                        &trace);
    m.headers = std::move(trace.headers);
    m.issues = std::move(analysis.issues);
    m.failed = analysis.failed;
    m.exposure = detect::measure(m.headers, options.rules.internal_domains);
    m.in_period = header_rule.in_period(m.headers);
    m.is_reply = !m.headers.references.empty();
    m.bulk_marker = m.headers.bulk_marker;
    m.bulk_sender = header_rule.bulk_sender(m.headers.from_address);
    if (content) {
      m.content_read = true;
      if (trace.content) {
        for (const auto& part : trace.content->parts) {
          const auto found = detect::addresses_in_text(
            part.type == "text/html" ? detect::html_to_text(part.text) : part.text);
          m.parts.push_back({part.path, part.type, part.filename, part.text.size(),
                             found.size()});
        }
        m.embedded = trace.content->messages;
      }
    }
    // The header's finding comes first (make_detectors' order), then what
    // the content gave.
    for (auto& finding : analysis.findings) {
      if (finding.part_path.empty() && !m.finding) {
        m.finding = std::move(finding);
      } else {
        m.content_findings.push_back(std::move(finding));
      }
    }
    m.flagged = m.finding && m.finding->kind == header_rule.id();
    out.messages.push_back(std::move(m));
    return !options.offset; // the one asked for is found
  };
  callbacks.on_issue = [&](const MessageLocator& where, const Issue& issue) {
    if (wanted(where)) {
      out.file_issues.push_back(issue);
    }
  };
  std::optional<SourceInfo> member;
  callbacks.on_member = [&](SourceInfo&& info) {
    if (options.member && info.member == *options.member) {
      out.member_found = true;
      member = std::move(info);
    }
  };
  out.source = read_messages(path, {}, callbacks, nullptr, content ? &options.body_read : nullptr);
  if (member) {
    out.source = std::move(*member);
  }
  return out;
}

} // namespace ccaudit::scan
