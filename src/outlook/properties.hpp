#pragma once

// libpff's side of outlook/: errors and a PropertyBag over a record set.
// Included by the PST reader only.

#include "outlook/item.hpp"
#include "outlook/libraries.hpp"
#include "outlook/owned.hpp"

#include <cstddef>
#include <string>

namespace ccaudit::outlook {

using PffError =
  LibraryError<libpff_error_t, pff, &Libpff::libpff_error_free, &Libpff::libpff_error_sprint>;
using ItemRef = Owned<libpff_item_t, libpff_error_t, pff, &Libpff::libpff_item_free>;
using SetRef = Owned<libpff_record_set_t, libpff_error_t, pff, &Libpff::libpff_record_set_free>;
using FileRef = Owned<libpff_file_t, libpff_error_t, pff, &Libpff::libpff_file_free>;

// The properties of one record set (an item, or a recipient row). 8-bit
// strings are read in `charset` ("" : Windows-1252, Outlook's default).
class Properties final : public PropertyBag
{
public:
  Properties(libpff_record_set_t* set, std::size_t max_string_bytes, std::string charset = {})
    : m_set(set), m_max(max_string_bytes), m_charset(std::move(charset))
  {
  }
  void use_charset(std::string charset) { m_charset = std::move(charset); }
  std::optional<std::string> text(std::uint32_t tag) const override;
  std::optional<std::uint32_t> integer(std::uint32_t tag) const override;
  std::optional<std::uint64_t> filetime(std::uint32_t tag) const override;

private:
  libpff_record_set_t* m_set;
  std::size_t m_max;
  std::string m_charset;
};

// Whether a message store item holds a password (PidTagPstPassword).
bool has_password(libpff_item_t* store);

} // namespace ccaudit::outlook
