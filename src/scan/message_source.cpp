#include "scan/message_source.hpp"

#include "archive/classify.hpp"
#include "archive/input_file.hpp"
#include "mbox/mbox_reader.hpp"

namespace ccaudit::scan {

SourceInfo
read_messages(const std::filesystem::path& path, const ExcludedFiles& excluded,
              const FileCallbacks& callbacks)
{
  SourceInfo source{path, "unreadable"};
  archive::InputFile file(path);
  if (excluded.contains({file.device(), file.inode()})) {
    source.kind = "excluded";
    return source;
  }
  source.size = file.size();
  source.mtime = file.mtime();
  source.inode = file.inode();
  std::string head(archive::k_classify_bytes, '\0');
  head.resize(file.read_at(0, head.data(), head.size()));
  const auto kind = archive::classify(head);
  head = {};
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
    auto header = archive::read_header_block(file);
    source.messages = 1;
    callbacks.on_message({where, file.size(), std::move(header.value),
                          std::move(header.issues)});
    break;
  }
  case archive::FileKind::mbox: {
    source.kind = "mbox";
    where.in_mbox = true;
    mbox::MboxReader reader(file);
    while (auto message = reader.next()) {
      where.index = message->value.index;
      where.byte_offset = message->value.offset;
      ++source.messages;
      if (!callbacks.on_message({where, message->value.end,
                                 std::move(message->value.header),
                                 std::move(message->issues)})) {
        break;
      }
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
