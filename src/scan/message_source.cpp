#include "scan/message_source.hpp"

#include "archive/classify.hpp"
#include "archive/input_file.hpp"
#include "core/byte_source.hpp"
#include "mbox/mbox_reader.hpp"
#include "scan/fingerprint.hpp"

#include <algorithm>
#include <optional>

#include <vector>

namespace ccaudit::scan {

namespace {

// The body of a message, [from, to) in the file, up to the bound.
void
read_body(archive::InputFile& file, std::uint64_t from, std::uint64_t to, const BodyRead& bound,
          RawMessage& raw)
{
  raw.has_body = true;
  if (to <= from) {
    return;
  }
  const auto size = to - from;
  const auto wanted = static_cast<std::size_t>(std::min<std::uint64_t>(size, bound.max_bytes));
  raw.body.resize(wanted);
  raw.body.resize(file.read_at(from, raw.body.data(), wanted));
  if (size > bound.max_bytes) {
    raw.issues.push_back({IssueKind::content_limit,
                          "message body over " + std::to_string(bound.max_bytes >> 20)
                            + " MiB: its content after that was not read"});
  }
}

} // namespace

SourceInfo
read_messages(const std::filesystem::path& path, const ExcludedFiles& excluded,
              const FileCallbacks& callbacks, const ResumePoint* resume,
              const BodyRead* body_read, const archive::Folder* folder)
{
  SourceInfo source{path, "unreadable"};
  archive::InputFile file(path, folder);
  if (excluded.contains({file.device(), file.inode()})) {
    source.kind = "excluded";
    return source;
  }
  source.size = file.size();
  source.mtime = file.mtime();
  source.mtime_ns = file.mtime_ns();
  source.inode = file.inode();
  // Most files are decided by their first 4 KiB, and a Maildir message's
  // header usually fits in them (what `head -c 4096` reads): read up to
  // 64 KiB only when that is not enough.
  constexpr std::size_t k_first_read = 4096;
  thread_local std::vector<char> buffer(archive::k_classify_bytes);
  std::string_view head(buffer.data(), file.read_at(0, buffer.data(), k_first_read));
  const auto read_more = [&] {
    if (head.size() == k_first_read) {
      head = std::string_view(buffer.data(), head.size()
                                               + file.read_at(head.size(), buffer.data() + head.size(),
                                                              buffer.size() - head.size()));
      return true;
    }
    return false;
  };
  auto kind = archive::classify(head);
  if (kind.kind == archive::FileKind::not_mail && read_more()) {
    kind = archive::classify(head);
  }
  MessageLocator where{path};
  switch (kind.kind) {
  case archive::FileKind::not_mail:
    source.kind = "not-mail";
    callbacks.on_issue(where, {IssueKind::not_mail, kind.reason});
    break;
  case archive::FileKind::compressed:
    source.kind = "compressed";
    callbacks.on_issue(where, {IssueKind::compressed_not_scanned,
                               kind.reason + " data: it may hold a mailbox; "
                                             "decompress it and scan the result"});
    break;
  case archive::FileKind::message: {
    source.kind = "message";
    // Blank lines before the header (classify() looked past them) would
    // read as an empty header: every recipient missed.
    const auto lead = archive::leading_blank_bytes(head);
    auto header = archive::header_block_in(head.substr(lead));
    if (!header && read_more()) {
      header = archive::header_block_in(head.substr(lead));
    }
    TailSource after_lead(file, lead);
    auto block = header ? std::move(*header)
                        : archive::read_header_block(after_lead); // longer than the first read
    if (lead > 0) {
      std::vector<Issue> issues{{IssueKind::blank_lines_before_header,
                                 std::to_string(lead) + " byte(s) of blank lines before the "
                                                        "header skipped; the header read after them"}};
      append_issues(issues, std::move(block.issues));
      block.issues = std::move(issues);
    }
    source.messages = 1;
    RawMessage raw{std::move(where), file.size(), std::move(block.value),
                   std::move(block.issues), file.mtime()};
    if (body_read) {
      read_body(file, lead + raw.header.size(), file.size(), *body_read, raw);
    }
    callbacks.on_message(std::move(raw));
    break;
  }
  case archive::FileKind::mbox: {
    source.kind = "mbox";
    if (callbacks.on_mbox && !callbacks.on_mbox()) {
      break;
    }
    where.in_mbox = true;
    const std::uint64_t start = resume ? resume->offset : 0;
    const std::uint64_t first_index = resume ? resume->index : 0;
    TailSource tail(file, start);
    mbox::MboxReader reader(tail);
    source.messages = first_index;
    std::optional<std::pair<std::uint64_t, std::uint64_t>> last; // offset, index
    while (auto message = reader.next()) {
      where.index = first_index + message->value.index;
      where.byte_offset = start + message->value.offset;
      last = {where.byte_offset, where.index};
      ++source.messages;
      RawMessage raw{where, start + message->value.end, std::move(message->value.header),
                     std::move(message->issues), file.mtime()};
      if (body_read) {
        read_body(file, start + message->value.body_offset, raw.end, *body_read, raw);
      }
      if (!callbacks.on_message(std::move(raw))) {
        break;
      }
    }
    if (last) {
      source.resume_offset = last->first;
      source.resume_index = last->second;
      source.prefix_hash = prefix_fingerprint(file, last->first);
    }
    for (const auto& issue : reader.take_file_issues()) {
      callbacks.on_issue(MessageLocator{path, 0, 0, true}, issue);
    }
    break;
  }
  }
  return source;
}

} // namespace ccaudit::scan
