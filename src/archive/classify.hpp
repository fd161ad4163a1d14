#pragma once

#include "core/byte_source.hpp"
#include "core/issue.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ccaudit::archive {

enum class FileKind { mbox, message, not_mail, compressed, unsupported_archive, outlook_store,
                      compound_file };

struct Classification
{
  FileKind kind = FileKind::not_mail;
  std::string reason; // why not mail: "empty file", "binary data", ...;
                      // for compressed: the format, e.g. "gzip"
};

// How many leading bytes classify() looks at.
inline constexpr std::size_t k_classify_bytes = 64 * 1024;

// Decides what a file holds from its first bytes, never from its name:
// - mbox: a "From " line followed by a header field (leading blank lines
//   allowed), or prose followed, after a blank line, by such a separator;
// - message: a header block holding at least one field mail always has
//   (From, To, Subject, Date, Received, Message-ID, ...), or two of them
//   after a damaged first line, the first on the second line;
// - compressed: gzip, bzip2, xz, zstd, lzip, lz4 or compress data, or a zip
//   or tar file (read by archive/unpack.hpp);
// - unsupported_archive: 7z or rar (not read: it may hold a mailbox);
// - outlook_store: a PST or OST file (reason "PST" or "OST");
// - compound_file: an OLE compound file (a .msg item, or a document);
// - otherwise not mail (empty, binary, or text without a mail header).
Classification classify(std::string_view head);

// How many bytes of blank lines ("\n" or "\r\n") `head` starts with. Some
// exporters write one before a message's header: classify() looks past
// them, and so must the reader of the header.
std::size_t leading_blank_bytes(std::string_view head);

// The header block of a single-message file (up to and including the first
// blank line), read through a bounded buffer; the body is not read.
Parsed<std::string> read_header_block(ByteSource& source);

// The same, when `head` (the first bytes of the file) holds all of it;
// nullopt when the header may go on past `head`.
std::optional<Parsed<std::string>> header_block_in(std::string_view head);

} // namespace ccaudit::archive
