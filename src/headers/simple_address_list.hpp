#pragma once

// Inside headers/ only (and its tests and fuzz target): the two readers
// behind parse_address_list().

#include "headers/address_list.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace ccaudit::headers::detail {

// The common shapes of a wide recipient list, read without GMime:
//   a@example.com
//   Display Name <a@example.com>
//   "Last, First" <a@example.com>
//   =?UTF-8?B?...?= <a@example.com>   (the phrase decoded by GMime)
// separated by ',' and folding white space. Anything else in the value (a
// comment, a group, a route, a quoted pair, a domain literal, an obsolete
// local part, 8-bit bytes, a '@' outside an address) returns nullopt and the
// whole value goes to GMime. Where it returns a list, that list equals
// GMime's, item for item: tests and the address-list fuzz target check it.
//
// With `prefix`, a value it declines leaves there the mailboxes of the items
// before the one it declined, and where that item starts: a wide list with
// one broken item is then read item by item from there, not from its start
// again.
struct SimplePrefix
{
  std::vector<Mailbox> mailboxes;
  std::size_t end = 0; // where the item declined starts (0: nothing taken)
};
std::optional<std::vector<Mailbox>> parse_simple_address_list(std::string_view value,
                                                              SimplePrefix* prefix = nullptr);
// The same reading, its mailboxes appended to `out`: true where it takes
// the value (parse_simple_address_list() gives a list), else false with
// `out` as it was. The items of a wide list read one by one share a vector.
bool append_simple_address_list(std::string_view value, std::vector<Mailbox>& out);

// The simple reader from the start of `value`, item after item: appends
// the mailboxes of the items it takes to `out` up to the first item it
// declines, and returns where that item starts (npos: it took them all).
// A wide list with a broken item or two is read item by item this way, the
// items between its broken ones in one call.
std::size_t append_simple_items(std::string_view value, std::vector<Mailbox>& out);

// parse_address_list() without the simple reader: GMime on the whole list,
// then recovery. The reference the other paths are checked against.
Parsed<std::vector<Mailbox>> parse_address_list_with_gmime(std::string_view value);

// Whether GMime reads each item of the list alone, as if it were a list of
// its own: no item holds what can carry GMime's tokenizer past a ','
// (a quoted string the simple reader does not take, a comment, a quoted
// pair, a group, an unclosed '<' or '['). parse_address_list() then reads
// such a list item by item, the simple reader taking all but the broken
// items; the address-list fuzzer holds the result to GMime's.
bool items_read_alone(std::string_view value);

} // namespace ccaudit::headers::detail
