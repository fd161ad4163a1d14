#pragma once

#include "core/byte_source.hpp"
#include "core/issue.hpp"
#include "outlook/item.hpp"
#include "outlook/pst_store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ccaudit::outlook {

// What reading an OLE compound file as a .msg item gave.
struct MsgRead
{
  enum class Result { item, not_an_item, damaged } result = Result::damaged;
  Item item;          // result == item
  std::string detail; // not_an_item or damaged: why, for a person
};

// Reads a .msg file ([MS-OXMSG]: an Outlook item saved alone, an OLE
// compound file, read with libolecf) through `bytes` (`size` bytes): the
// same properties and recipient rows as an item of a PST. A compound file
// without the item's property stream (a Word or Excel document) is
// not_an_item. Never throws for bad input.
MsgRead read_msg(ByteSource& bytes, std::uint64_t size, const StoreLimits& limits = {});

} // namespace ccaudit::outlook
