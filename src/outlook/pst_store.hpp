#pragma once

#include "core/byte_source.hpp"
#include "core/issue.hpp"
#include "outlook/item.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace ccaudit::outlook {

// Bounds on a PST or OST file, which is hostile input like any other.
struct StoreLimits
{
  int max_folder_depth = 64; // folders inside folders; deeper ones not read
  // One string property (transport headers, a subject) over this is cut.
  std::size_t max_string_bytes = std::size_t{1} << 20;
  // Also the deleted items libpff recovers from unallocated space
  // (libpff_file_recover_items: a pass over the whole file), "/(recovered)#ID".
  bool recover_deleted = false;
  // --content: bodies and attachments are read, within these bounds.
  bool content = false;
  ContentBounds content_bounds;
};

struct StoreCallbacks
{
  // Each e-mail item, in folder order, with where it is: the folder path
  // from the root and its identifier ("/Top of Personal Folders/Sent
  // Items#2097220"). Return false to stop.
  std::function<bool(std::string where, Item&& item)> on_item;
  // A problem of the file or of a folder (`where` is "" or a folder path),
  // or of an item not read (`where` names it).
  std::function<void(const std::string& where, const Issue& issue)> on_issue;
};

struct StoreSummary
{
  std::string format;          // "PST (Unicode)", "OST (ANSI)", ...
  std::uint64_t items = 0;     // e-mail items handed out
  std::uint64_t not_mail = 0;  // contacts, appointments, tasks... (not counted)
  bool opened = false;         // false: nothing could be read (see the issues)
};

// Reads a PST or OST file (libpff) through `bytes` (`size` bytes), read-only:
// every folder from the root, then the items whose folder is lost (orphans),
// then, if asked, recovered deleted items.
// What cannot be read is an issue (outlook_damaged, outlook_item_unreadable)
// and the walk goes on. Never throws for bad input.
StoreSummary read_store(ByteSource& bytes, std::uint64_t size, const StoreCallbacks& callbacks,
                        const StoreLimits& limits = {});

} // namespace ccaudit::outlook
