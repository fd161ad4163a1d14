#pragma once

#include "archive/input_file.hpp"
#include "core/bytes.hpp"
#include "core/finding_sink.hpp"
#include "core/issue.hpp"
#include "headers/message_headers.hpp"
#include "mime/content.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ccaudit::scan {

// One message as read from a file: its header block and where it is.
struct RawMessage
{
  MessageLocator where;
  std::uint64_t end = 0;     // offset just past its last byte
  std::string header;        // the header block
  std::vector<Issue> issues; // what reading it noticed
  std::int64_t file_mtime = 0; // of the file holding it, seconds
  bool has_body = false;       // read with a BodyRead
  Bytes body;                  // its body, up to BodyRead::max_bytes
  // An Outlook item written without an Internet header: its fields, read
  // from its properties (`header` is then empty; see outlook_message.hpp).
  std::shared_ptr<const headers::MessageHeaders> built;
  // An Outlook item read with --content: what a MIME walk of `body` would
  // give (`body` is then empty).
  std::shared_ptr<const mime::MessageContent> content;
};

// --content: read each message's body too, up to `max_bytes` (the rest is
// reported as content_limit and not read).
struct BodyRead
{
  std::size_t max_bytes = std::size_t{64} << 20;
  // For an Outlook item, whose reader decodes its content as it reads it
  // (--content-max-part-mib, --content-max-depth).
  std::size_t max_part_bytes = std::size_t{16} << 20;
  int max_depth = 32;
};

struct FileCallbacks
{
  // Return false to stop reading the file.
  std::function<bool(RawMessage&&)> on_message;
  // Issues about the file rather than one message (not mail, text before
  // the first separator).
  std::function<void(const MessageLocator&, const Issue&)> on_issue;
  // Called when the file turns out to hold many messages (an mbox, a
  // compressed or archive file), before they are read; return false to
  // leave it unread (no message, no issue handed out).
  std::function<bool()> on_mbox;
  // A member of a zip or tar file, once read (its messages and issues were
  // handed out before). Also a compressed file inside one.
  std::function<void(SourceInfo&&)> on_member;
};

// Bounds on compressed data and archive files (a decompression bomb, a zip
// that holds itself).
struct UnpackLimits
{
  // A member (or a compressed file) is read up to this many times the
  // compressed bytes it came from, plus k_expansion_allowance; the rest is
  // not read (expansion_limit).
  double max_expansion = 1000;
  static constexpr std::uint64_t k_expansion_allowance = std::uint64_t{64} << 20;
  // Archive and compressed files inside each other, at most this deep.
  int max_depth = 4;
  // PST and OST files: also read the items libpff recovers from their
  // unallocated space (--recover-deleted).
  bool recover_deleted = false;
};

// Where an earlier scan left an mbox that has grown since: the start of its
// last message (read again: it may have been incomplete) and its index.
struct ResumePoint
{
  std::uint64_t offset = 0;
  std::uint64_t index = 0;
};

// Files identified by (device, inode): never read.
using ExcludedFiles = std::set<std::pair<std::uint64_t, std::uint64_t>>;

// Opens one file read-only, decides what it holds from its content, and
// hands out its messages in order. Returns what was learnt about the file
// (kind "excluded" for a file in `excluded`, which is not read).
// Throws std::system_error when the file cannot be opened or read; messages
// handed out before that stay handed out.
// With `resume`, an mbox is read from there on (its message offsets and
// indexes stay those of the whole file). An mbox's SourceInfo says where a
// later scan can resume. With `folder`, the file is opened in that folder
// (see archive::Folder).
//
// A compressed file is read as a stream (its messages' offsets are in the
// decompressed data); a zip or tar file member by member, each a source of
// its own, handed to on_member (see MessageLocator::member).
SourceInfo read_messages(const std::filesystem::path& path,
                         const ExcludedFiles& excluded,
                         const FileCallbacks& callbacks,
                         const ResumePoint* resume = nullptr,
                         const BodyRead* body = nullptr,
                         const archive::Folder* folder = nullptr,
                         const UnpackLimits& limits = {},
                         archive::OpenedAhead ahead = {});

// Reads a stream (standard input, a FIFO: `fd`, named `name`) as
// read_messages() reads a file: plain, compressed, or an archive file.
SourceInfo read_stream(int fd, const std::filesystem::path& name, const FileCallbacks& callbacks,
                       const BodyRead* body = nullptr, const UnpackLimits& limits = {});

} // namespace ccaudit::scan
