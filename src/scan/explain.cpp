#include "scan/explain.hpp"

#include "detect/content_addresses.hpp"
#include "scan/rules.hpp"
#include "scan/message_source.hpp"

namespace ccaudit::scan {

Explanation
explain(const std::filesystem::path& path, const ExplainOptions& options)
{
  Explanation out;
  // The scan's own detectors decide: explain only shows how.
  Rules rules;
  rules.threshold = options.threshold;
  rules.internal_domains = options.internal_domains;
  rules.bulk_senders = options.bulk_senders;
  rules.since = options.since;
  if (options.content) {
    rules.content_threshold = options.content_threshold;
  }
  const auto detectors = make_detectors(rules);
  const auto& header_rule = *detectors.front();
  const BodyRead body_read;
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
    auto parsed = raw.built ? Parsed<headers::MessageHeaders>{*raw.built, {}}
                            : headers::parse_headers(raw.header);
    m.headers = std::move(parsed.value);
    m.issues = std::move(raw.issues);
    m.issues.insert(m.issues.end(), parsed.issues.begin(), parsed.issues.end());
    m.headers.file_mtime = raw.file_mtime;
    m.exposure = detect::measure(m.headers, options.internal_domains);
    std::optional<Parsed<mime::MessageContent>> walked;
    if (options.content) {
      m.content_read = true;
      walked = raw.content ? Parsed<mime::MessageContent>{*raw.content, {}}
                           : raw.built ? Parsed<mime::MessageContent>{}
                                       : mime::read_content(raw.header, raw.body);
      m.issues.insert(m.issues.end(), walked->issues.begin(), walked->issues.end());
      for (const auto& part : walked->value.parts) {
        const auto found = detect::addresses_in_text(
          part.type == "text/html" ? detect::html_to_text(part.text) : part.text);
        m.parts.push_back({part.path, part.type, part.filename, part.text.size(), found.size()});
      }
      m.embedded = walked->value.messages;
    }
    // Each detector as the scan runs it: the header's finding, then what the
    // content gave.
    const detect::Message message{m.headers, walked ? &walked->value : nullptr};
    for (const auto& detector : detectors) {
      for (auto& finding : detector->inspect(message)) {
        if (detector.get() == &header_rule) {
          m.finding = std::move(finding);
        } else {
          m.content_findings.push_back(std::move(finding));
        }
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
  out.source = read_messages(path, {}, callbacks, nullptr, options.content ? &body_read : nullptr);
  if (member) {
    out.source = std::move(*member);
  }
  return out;
}

} // namespace ccaudit::scan
