#include "scan/message_source.hpp"

#include "archive/classify.hpp"
#include "archive/gzip_stream.hpp"
#include "archive/input_file.hpp"
#include "archive/unpack.hpp"
#include "core/byte_source.hpp"
#include "core/prefetch.hpp"
#include "core/stream_source.hpp"
#include "mbox/mbox_reader.hpp"
#include "outlook/msg_file.hpp"
#include "outlook/pst_store.hpp"
#include "scan/fingerprint.hpp"
#include "scan/outlook_message.hpp"

#include <algorithm>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include <cerrno>
#include <unistd.h>

#include <vector>

namespace ccaudit::scan {

namespace {

// The body of a message, [from, to) in `source`, up to the bound. In a
// stream, `to` may be unknown (UINT64_MAX: to the end), and bytes before
// `earliest` are no longer there.
void
read_body(ByteSource& source, std::uint64_t from, std::uint64_t to, const BodyRead& bound,
          RawMessage& raw, std::uint64_t earliest = 0)
{
  raw.has_body = true;
  if (to <= from) {
    return;
  }
  if (from < earliest) {
    raw.issues.push_back({IssueKind::content_limit,
                          "message body over " + std::to_string(bound.max_bytes >> 20)
                            + " MiB in a compressed stream: its content was not read"});
    return;
  }
  const auto size = to - from;
  const auto wanted = static_cast<std::size_t>(std::min<std::uint64_t>(size, bound.max_bytes));
  // A stream's message has no known end: the body grows as it is read,
  // instead of taking the whole bound at once.
  constexpr std::size_t k_step = 256 * 1024;
  std::size_t got = 0;
  while (got < wanted) {
    if (raw.body.size() == got) {
      raw.body.resize(to == UINT64_MAX ? std::min(wanted, std::max(got * 2, k_step)) : wanted);
    }
    const auto n = source.read_at(from + got, raw.body.data() + got, raw.body.size() - got);
    if (n == 0) {
      break;
    }
    got += n;
  }
  raw.body.shrink_to(got);
  char more = 0;
  if (got == bound.max_bytes && (size > bound.max_bytes || (to == UINT64_MAX && source.read_at(from + got, &more, 1) == 1))) {
    raw.issues.push_back({IssueKind::content_limit,
                          "message body over " + std::to_string(bound.max_bytes >> 20)
                            + " MiB: its content after that was not read"});
  }
}

// How a scan sees one input's bytes: what it holds (from its first bytes)
// and its messages, handed out in order.
struct Input
{
  ByteSource& bytes;
  std::string_view head;      // its first bytes (up to k_classify_bytes)
  std::uint64_t size;         // UINT64_MAX: a stream, not known until read
  std::int64_t mtime;
  bool stream;                // read once: no resume, no prefix fingerprint
  // More of the first bytes than `head` holds (a file's first read is
  // short); empty if there are none.
  std::function<std::string_view()> more_head = {};
};

// An input that is not mail, or an archive format not read (7z, rar).
void
record_not_read(const archive::Classification& kind, const MessageLocator& where,
                const FileCallbacks& callbacks, SourceInfo& source)
{
  if (kind.kind == archive::FileKind::not_mail) {
    source.kind = SourceKind::not_mail;
    callbacks.on_issue(where, {IssueKind::not_mail, kind.reason});
  } else {
    source.kind = SourceKind::compressed;
    callbacks.on_issue(where, {IssueKind::compressed_not_scanned,
                               kind.reason + " data: not read (7z and rar are not); "
                                             "extract it and scan the result"});
  }
}

// Reads one message file's header (and body) from `in`.
void
read_one_message(const Input& in, MessageLocator where, const BodyRead* body_read,
                 const FileCallbacks& callbacks, SourceInfo& source,
                 const std::function<std::uint64_t()>& earliest)
{
  source.kind = SourceKind::message;
  // Blank lines before the header (classify() looked past them) would
  // read as an empty header: every recipient missed.
  const auto lead = archive::leading_blank_bytes(in.head);
  auto header = archive::header_block_in(in.head.substr(lead));
  if (!header && in.more_head) {
    if (const auto more = in.more_head(); !more.empty()) {
      header = archive::header_block_in(more.substr(lead));
    }
  }
  TailSource after_lead(in.bytes, lead);
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
  RawMessage raw{std::move(where), in.size, std::move(block.value), std::move(block.issues),
                 in.mtime};
  if (body_read) {
    read_body(in.bytes, lead + raw.header.size(), in.size, *body_read, raw, earliest());
  }
  callbacks.on_message(std::move(raw));
}

// Reads an mbox from `in`, from `resume` on if given.
void
read_mbox(const Input& in, MessageLocator where, const ResumePoint* resume,
          const BodyRead* body_read, const FileCallbacks& callbacks, SourceInfo& source,
          const std::function<std::uint64_t()>& earliest)
{
  source.kind = SourceKind::mbox;
  where.in_mbox = true;
  const std::uint64_t start = resume ? resume->offset : 0;
  const std::uint64_t first_index = resume ? resume->index : 0;
  TailSource tail(in.bytes, start);
  auto reader = body_read ? mbox::MboxReader(tail, mbox::MboxReader::SharingBodies{})
                          : mbox::MboxReader(tail);
  source.messages = first_index;
  std::optional<std::pair<std::uint64_t, std::uint64_t>> last; // offset, index
  while (auto message = reader.next()) {
    where.index = first_index + message->value.index;
    where.byte_offset = start + message->value.offset;
    last = {where.byte_offset, where.index};
    ++source.messages;
    RawMessage raw{where, start + message->value.end, std::move(message->value.header),
                   std::move(message->issues), in.mtime};
    if (body_read) {
      // Still in the buffer it was split in (most are): not read again.
      const auto from = start + message->value.body_offset;
      auto shared = raw.end - from <= body_read->max_bytes && from >= earliest()
                      ? reader.body(message->value)
                      : std::nullopt;
      if (shared) {
        raw.has_body = true;
        raw.body = std::move(*shared);
      } else {
        read_body(in.bytes, from, raw.end, *body_read, raw, earliest());
      }
    }
    if (!callbacks.on_message(std::move(raw))) {
      break;
    }
  }
  if (last && !in.stream) {
    source.resume_offset = last->first;
    source.resume_index = last->second;
    source.prefix_hash = prefix_fingerprint(in.bytes, last->first);
  }
  auto file_where = where;
  file_where.index = 0;
  file_where.byte_offset = 0;
  for (const auto& issue : reader.take_file_issues()) {
    callbacks.on_issue(file_where, issue);
  }
}

// What an Outlook reader reads of each item: its content too with
// --content, within the same bounds as a MIME walk's.
outlook::StoreLimits
outlook_limits(const BodyRead* body_read, bool recover_deleted = false)
{
  outlook::StoreLimits limits;
  limits.recover_deleted = recover_deleted;
  limits.content = body_read != nullptr;
  if (body_read) {
    limits.content_bounds.max_item_bytes = body_read->max_bytes;
    limits.content_bounds.max_part_bytes = std::min(body_read->max_part_bytes, body_read->max_bytes);
    limits.content_bounds.max_depth = body_read->max_depth;
  }
  return limits;
}

// One Outlook item as the scan hands messages on.
RawMessage
raw_message(OutlookMessage&& message, MessageLocator where, std::uint64_t end, std::int64_t mtime)
{
  RawMessage raw{std::move(where), end, std::move(message.header), std::move(message.issues),
                 mtime};
  raw.built = std::move(message.built);
  raw.content = std::move(message.content);
  raw.has_body = raw.content != nullptr;
  return raw;
}

// Reads a PST or OST file (`size` bytes of `bytes`): each e-mail item is a
// message named by its folder path and identifier.
void
read_outlook(ByteSource& bytes, std::uint64_t size, const MessageLocator& where,
             std::int64_t mtime, const BodyRead* body_read, const UnpackLimits& unpack,
             const FileCallbacks& callbacks, SourceInfo& source)
{
  source.kind = SourceKind::outlook;
  outlook::StoreCallbacks store;
  store.on_item = [&](std::string at, outlook::Item&& item) {
    MessageLocator loc = where;
    loc.item = std::move(at);
    ++source.messages;
    return callbacks.on_message(raw_message(read_outlook_item(std::move(item)), std::move(loc), 0,
                                            mtime));
  };
  store.on_issue = [&](const std::string& at, const Issue& issue) {
    MessageLocator loc = where;
    loc.item = at;
    callbacks.on_issue(loc, issue);
  };
  outlook::read_store(bytes, size, store, outlook_limits(body_read, unpack.recover_deleted));
}

// An OLE compound file: a .msg item is one message; another compound
// file (a document) is not mail.
void
read_msg_file(ByteSource& bytes, std::uint64_t size, const MessageLocator& where,
              std::int64_t mtime, const BodyRead* body_read, const FileCallbacks& callbacks,
              SourceInfo& source)
{
  auto read = outlook::read_msg(bytes, size, outlook_limits(body_read));
  switch (read.result) {
  case outlook::MsgRead::Result::not_an_item:
    source.kind = SourceKind::not_mail;
    callbacks.on_issue(where, {IssueKind::not_mail, read.detail});
    return;
  case outlook::MsgRead::Result::damaged:
    source.kind = SourceKind::message;
    callbacks.on_issue(where, {IssueKind::outlook_damaged, read.detail + ": not read"});
    return;
  case outlook::MsgRead::Result::item: break;
  }
  source.kind = SourceKind::message;
  source.messages = 1;
  callbacks.on_message(raw_message(read_outlook_item(std::move(read.item)), where, size, mtime));
}

// A PST, OST or .msg file inside a zip, tar or compressed file: libpff and
// libolecf read anywhere in it, so it is read into memory, up to this size.
constexpr std::uint64_t k_max_packed_store = std::uint64_t{512} << 20;

// The bytes of `stream` from its start, up to the bound; nullopt (and an
// issue) past it.
std::optional<std::string>
read_whole(StreamSource& stream, const archive::Classification& kind,
           const MessageLocator& where, const FileCallbacks& callbacks)
{
  std::string bytes;
  char block[64 * 1024];
  while (bytes.size() <= k_max_packed_store) {
    const auto n = stream.read_at(bytes.size(), block, sizeof block);
    if (n == 0) {
      return bytes;
    }
    bytes.append(block, n);
  }
  callbacks.on_issue(where, {IssueKind::unreadable_input,
                             kind.reason + " file over " + std::to_string(k_max_packed_store >> 20)
                               + " MiB inside compressed or archive data: not read "
                                 "(extract it and scan the file)"});
  return std::nullopt;
}

// Reads compressed data or an archive file through `unpacker`: what the
// locator `where` names (a file, or a member of one), `depth` levels deep.
// Fills `source` for the data of a compressed file (one member, no name);
// each member of an archive goes to on_member.
void read_unpacked(archive::Unpacker& unpacker, const MessageLocator& where, int depth,
                   const BodyRead* body_read, const UnpackLimits& limits,
                   const FileCallbacks& callbacks, SourceInfo& source);

void read_gzipped(const StreamSource::Pull& compressed, const MessageLocator& where, int depth,
                  const BodyRead* body_read, const UnpackLimits& limits,
                  const FileCallbacks& callbacks, SourceInfo& source);

// Reads one member (or the data of a compressed file), whose bytes `pull`
// gives, as a file: mbox, message, compressed again, or not mail. Returns
// false if the reader asked to stop.
void
read_packed_member(const StreamSource::Pull& pull, const MessageLocator& where, int depth,
                   const BodyRead* body_read, const UnpackLimits& limits,
                   const FileCallbacks& callbacks, SourceInfo& source)
{
  // The window: an mbox reader's look-ahead and, with --content, a whole
  // body behind it.
  const std::size_t window =
    (std::size_t{4} << 20) + (body_read ? body_read->max_bytes : 0);
  StreamSource stream(pull, window);
  std::vector<char> first(archive::k_classify_bytes);
  const std::string_view head(first.data(), stream.read_at(0, first.data(), first.size()));
  if (head.empty() && stream.error()) {
    std::rethrow_exception(stream.error()); // damaged from its first byte: not "empty"
  }
  const Input in{stream, head, UINT64_MAX, source.mtime, true};
  const auto earliest = [&] { return stream.earliest(); };
  const auto kind = archive::classify(head);
  try {
    switch (kind.kind) {
    case archive::FileKind::not_mail:
    case archive::FileKind::unsupported_archive:
      record_not_read(kind, where, callbacks, source);
      break;
    case archive::FileKind::compressed: {
      if (depth >= limits.max_depth) {
        source.kind = SourceKind::compressed;
        callbacks.on_issue(where, {IssueKind::compressed_not_scanned,
                                   kind.reason + " data inside " + std::to_string(depth)
                                     + " levels of compressed or archive files: not read "
                                       "(a zip that holds itself stops here too)"});
        break;
      }
      // The inner reader takes what classify() looked at, then the bytes
      // straight from `pull`: only the innermost level keeps a window.
      std::uint64_t position = 0;
      const StreamSource::Pull rest = [&](char* out, std::size_t size) -> std::size_t {
        if (position < stream.pulled()) {
          const auto n = stream.read_at(
            position, out, std::min<std::uint64_t>(size, stream.pulled() - position));
          position += n;
          return n;
        }
        return stream.ended() ? 0 : pull(out, size);
      };
      if (kind.reason == "gzip") {
        read_gzipped(rest, where, depth + 1, body_read, limits, callbacks, source);
      } else {
        auto inner = archive::Unpacker::from(rest);
        read_unpacked(*inner, where, depth + 1, body_read, limits, callbacks, source);
      }
      break;
    }
    case archive::FileKind::message:
      read_one_message(in, where, body_read, callbacks, source, earliest);
      break;
    case archive::FileKind::outlook_store:
    case archive::FileKind::compound_file: {
      source.kind = kind.kind == archive::FileKind::outlook_store ? SourceKind::outlook
                                                                  : SourceKind::message;
      const auto bytes = read_whole(stream, kind, where, callbacks);
      if (!bytes) {
        break;
      }
      MemorySource memory(*bytes);
      if (kind.kind == archive::FileKind::outlook_store) {
        read_outlook(memory, bytes->size(), where, source.mtime, body_read, limits, callbacks,
                     source);
      } else {
        read_msg_file(memory, bytes->size(), where, source.mtime, body_read, callbacks, source);
      }
      break;
    }
    case archive::FileKind::mbox:
      read_mbox(in, where, nullptr, body_read, callbacks, source, earliest);
      break;
    }
  } catch (const std::logic_error& e) {
    // A reader stepped back out of the stream's window: a bug, not bad input.
    callbacks.on_issue(where, {IssueKind::internal_error, std::string("stream: ") + e.what()});
  }
  // What was read of it, decompressed (a member not read to its end, such
  // as a message file past its header, counts what was read).
  source.size = stream.pulled();
  if (const auto error = stream.error()) {
    std::rethrow_exception(error); // after every message before the damage
  }
}

// gzip data (`compressed` gives it) read with zlib, which checks every
// member's CRC: what it holds is read as a file would be.
void
read_gzipped(const StreamSource::Pull& compressed, const MessageLocator& where, int depth,
             const BodyRead* body_read, const UnpackLimits& limits,
             const FileCallbacks& callbacks, SourceInfo& source)
{
  archive::GzipStream gz(compressed, limits.max_expansion, UnpackLimits::k_expansion_allowance);
  // Decompressing on a thread of its own while this one reads the result.
  Prefetch ahead([&](char* out, std::size_t size) { return gz.read(out, size); });
  try {
    read_packed_member([&](char* out, std::size_t size) { return ahead(out, size); }, where,
                       depth, body_read, limits, callbacks, source);
    ahead.stop();
  } catch (const std::system_error& e) {
    ahead.stop();
    callbacks.on_issue(where, {IssueKind::unreadable_input,
                               "gzip data damaged after " + std::to_string(gz.bytes_out())
                                 + " decompressed byte(s): " + e.what()
                                 + "; the messages before it were read"});
  }
  if (gz.bounded()) {
    callbacks.on_issue(where, {IssueKind::expansion_limit,
                               "gzip data past "
                                 + std::to_string(static_cast<long long>(limits.max_expansion))
                                 + " times its compressed size (" + std::to_string(gz.bytes_out())
                                 + " bytes from " + std::to_string(gz.bytes_in())
                                 + "): the rest not read (--max-expansion)"});
  }
}

// A member's name inside its locator: nested names are joined by '!'.
std::string
member_text(const MessageLocator& where, const std::string& name)
{
  return where.member.empty() ? name : where.member + "!" + name;
}

// Maildir tmp/ holds mail still in delivery: skipped, as in a walked tree,
// when the archive showed the Maildir's cur/ or new/ before it.
std::optional<std::string>
maildir_tmp_folder(const std::string& name, const std::set<std::string>& maildirs)
{
  const auto slash = name.rfind('/');
  if (slash == std::string::npos) {
    return std::nullopt;
  }
  const auto folder = name.substr(0, slash);
  const auto parent_end = folder.rfind('/');
  const auto last = folder.substr(parent_end == std::string::npos ? 0 : parent_end + 1);
  const auto parent = parent_end == std::string::npos ? std::string() : folder.substr(0, parent_end);
  if (last == "tmp" && maildirs.contains(parent)) {
    return folder;
  }
  return std::nullopt;
}

void
read_unpacked(archive::Unpacker& unpacker, const MessageLocator& where, int depth,
              const BodyRead* body_read, const UnpackLimits& limits,
              const FileCallbacks& callbacks, SourceInfo& source)
{
  std::set<std::string> maildirs;             // folders holding cur/ or new/
  std::map<std::string, std::uint64_t> in_tmp; // Maildir tmp/ folder: files skipped
  bool first = true;
  bool stop = false;
  bool member_not_scanned = false;
  FileCallbacks inner = callbacks;
  inner.on_message = [&](RawMessage&& raw) {
    if (!callbacks.on_message(std::move(raw))) {
      stop = true;
      return false;
    }
    return true;
  };
  inner.on_issue = [&](const MessageLocator& at, const Issue& issue) {
    member_not_scanned = member_not_scanned || means_not_scanned(issue.kind);
    callbacks.on_issue(at, issue);
  };
  const auto issue = [&](const MessageLocator& at, const Issue& found) {
    inner.on_issue(at, found);
  };
  while (!stop) {
    std::optional<archive::Unpacker::Member> member;
    try {
      member = unpacker.next();
    } catch (const std::system_error& e) {
      if (first) {
        throw; // not an archive or compressed data it can read
      }
      callbacks.on_issue(where, {IssueKind::unreadable_input,
                                 unpacker.format() + " " + e.what()
                                   + ": the members after it were not read"});
      break;
    }
    if (!member) {
      break;
    }
    if (first) {
      first = false;
      source.kind = unpacker.is_archive() ? SourceKind::archive : SourceKind::compressed;
    }
    const bool named = unpacker.is_archive();
    member_not_scanned = false;
    MessageLocator at = where;
    SourceInfo info{where.archive, SourceKind::unreadable};
    info.mtime = source.mtime;
    if (named) {
      at.member = member_text(where, member->name);
      info.member = at.member;
      using Type = archive::Unpacker::Member::Type;
      if (member->type == Type::directory) {
        const auto& n = member->name;
        const auto trimmed = n.ends_with('/') ? n.substr(0, n.size() - 1) : n;
        const auto slash = trimmed.rfind('/');
        const auto last = trimmed.substr(slash == std::string::npos ? 0 : slash + 1);
        if (last == "cur" || last == "new") {
          maildirs.insert(slash == std::string::npos ? std::string() : trimmed.substr(0, slash));
        }
        continue;
      }
      if (member->type != Type::file) {
        issue(at, {member->type == Type::link ? IssueKind::symlink_not_followed
                                                           : IssueKind::not_regular_file,
                                "a link or special file inside " + unpacker.format()
                                  + " data: a name only, not read"});
        continue;
      }
      if (const auto maildir = [&]() -> std::optional<std::string> {
            // A member path such as "box/cur/1:2,S" shows a Maildir "box".
            for (const std::string_view sub : {"/cur/", "/new/"}) {
              if (const auto p = member->name.rfind(sub); p != std::string::npos) {
                return member->name.substr(0, p);
              }
            }
            for (const std::string_view sub : {"cur/", "new/"}) {
              if (member->name.starts_with(sub)) {
                return std::string();
              }
            }
            return std::nullopt;
          }()) {
        maildirs.insert(*maildir);
      }
      if (const auto tmp = maildir_tmp_folder(member->name, maildirs)) {
        ++in_tmp[*tmp];
        continue;
      }
    }
    // The member's bytes, bounded against a bomb: at most max_expansion
    // times what they came from, plus an allowance.
    const auto input_start = unpacker.input_bytes();
    std::uint64_t out = 0;
    bool bounded = false;
    const StreamSource::Pull pull = [&](char* buffer, std::size_t size) -> std::size_t {
      const auto in = unpacker.input_bytes() - input_start;
      const auto allowed = static_cast<double>(in) * limits.max_expansion
                           + static_cast<double>(UnpackLimits::k_expansion_allowance);
      if (static_cast<double>(out) > allowed) {
        bounded = true;
        return 0;
      }
      const auto n = unpacker.read(buffer, size);
      out += n;
      return n;
    };
    auto& target = named ? info : source;
    // Decompressing on a thread of its own while this one reads the result.
    Prefetch ahead(pull);
    try {
      read_packed_member([&](char* buffer, std::size_t size) { return ahead(buffer, size); }, at,
                         depth, body_read, limits, inner, target);
      ahead.stop();
    } catch (const std::system_error& e) {
      ahead.stop();
      issue(at, {IssueKind::unreadable_input,
                              unpacker.format() + " data damaged after "
                                + std::to_string(out) + " decompressed byte(s): " + e.what()
                                + (named ? "" : "; the messages before it were read")});
    }
    if (bounded) {
      issue(at, {IssueKind::expansion_limit,
                              unpacker.format() + " data past "
                                + std::to_string(static_cast<long long>(limits.max_expansion))
                                + " times its compressed size (" + std::to_string(out)
                                + " bytes from " + std::to_string(unpacker.input_bytes() - input_start)
                                + "): the rest not read (--max-expansion)"});
    }
    if (named && callbacks.on_member) {
      info.complete = !member_not_scanned && !stop;
      callbacks.on_member(std::move(info));
    }
  }
  for (const auto& [folder, count] : in_tmp) {
    MessageLocator at = where;
    at.member = member_text(where, folder);
    callbacks.on_issue(at, {IssueKind::maildir_tmp_skipped,
                            std::to_string(count) + " file(s) still in delivery not scanned"});
  }
}

} // namespace

SourceInfo
read_messages(const std::filesystem::path& path, const ExcludedFiles& excluded,
              const FileCallbacks& callbacks, const ResumePoint* resume,
              const BodyRead* body_read, const archive::Folder* folder,
              const UnpackLimits& limits, archive::OpenedAhead ahead)
{
  SourceInfo source{path, SourceKind::unreadable};
  archive::InputFile file(path, folder, std::move(ahead));
  if (excluded.contains({file.device(), file.inode()})) {
    source.kind = SourceKind::excluded;
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
  const auto from_start = [] { return std::uint64_t{0}; };
  switch (kind.kind) {
  case archive::FileKind::not_mail:
  case archive::FileKind::unsupported_archive:
    record_not_read(kind, where, callbacks, source);
    break;
  case archive::FileKind::compressed: {
    source.kind = SourceKind::compressed;
    if (callbacks.on_mbox && !callbacks.on_mbox()) {
      break;
    }
    if (kind.reason == "gzip") {
      std::uint64_t position = 0;
      read_gzipped(
        [&](char* out, std::size_t size) {
          const auto n = file.read_at(position, out, size);
          position += n;
          return n;
        },
        where, 1, body_read, limits, callbacks, source);
    } else {
      auto unpacker = archive::Unpacker::from_fd(file.fd());
      read_unpacked(*unpacker, where, 1, body_read, limits, callbacks, source);
    }
    source.size = file.size();
    break;
  }
  case archive::FileKind::outlook_store:
    source.kind = SourceKind::outlook;
    if (callbacks.on_mbox && !callbacks.on_mbox()) {
      break;
    }
    read_outlook(file, file.size(), where, file.mtime(), body_read, limits, callbacks, source);
    break;
  case archive::FileKind::compound_file:
    read_msg_file(file, file.size(), where, file.mtime(), body_read, callbacks, source);
    break;
  case archive::FileKind::message:
    read_one_message(Input{file, head, file.size(), file.mtime(), false,
                           [&] { return read_more() ? head : std::string_view(); }},
                     std::move(where), body_read, callbacks, source, from_start);
    break;
  case archive::FileKind::mbox:
    if (callbacks.on_mbox && !callbacks.on_mbox()) {
      source.kind = SourceKind::mbox;
      break;
    }
    read_mbox(Input{file, head, file.size(), file.mtime(), false}, std::move(where), resume,
              body_read, callbacks, source, from_start);
    break;
  }
  return source;
}

SourceInfo
read_stream(int fd, const std::filesystem::path& name, const FileCallbacks& callbacks,
            const BodyRead* body_read, const UnpackLimits& limits)
{
  SourceInfo source{name, SourceKind::stream};
  source.mtime = static_cast<std::int64_t>(std::time(nullptr));
  const StreamSource::Pull pull = [fd](char* out, std::size_t size) -> std::size_t {
    for (;;) {
      const auto n = ::read(fd, out, size);
      if (n >= 0) {
        return static_cast<std::size_t>(n);
      }
      if (errno != EINTR) {
        throw std::system_error(errno, std::generic_category(), "read");
      }
    }
  };
  // What it holds is decided from its first bytes, as for a file.
  read_packed_member(pull, MessageLocator{name}, 0, body_read, limits, callbacks, source);
  return source;
}

} // namespace ccaudit::scan
