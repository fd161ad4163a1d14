#include "outlook/properties.hpp"


#include <vector>

namespace ccaudit::outlook {

namespace {

// The entry of `tag`, whatever its value type; freed on scope exit.
struct Entry
{
  libpff_record_entry_t* p = nullptr;
  Entry(libpff_record_set_t* set, std::uint32_t tag)
  {
    PffError error;
    if (pff().libpff_record_set_get_entry_by_type(set, tag, 0, &p,
                                                  LIBPFF_ENTRY_VALUE_FLAG_MATCH_ANY_VALUE_TYPE,
                                                  error.out())
        != 1) {
      p = nullptr;
    }
  }
  Entry(const Entry&) = delete;
  Entry& operator=(const Entry&) = delete;
  ~Entry()
  {
    if (p) {
      pff().libpff_record_entry_free(&p, nullptr);
    }
  }
  std::uint32_t value_type() const
  {
    std::uint32_t type = 0;
    pff().libpff_record_entry_get_value_type(p, &type, nullptr);
    return type;
  }
  std::optional<std::string> bytes(std::size_t max) const
  {
    std::size_t size = 0;
    if (pff().libpff_record_entry_get_data_size(p, &size, nullptr) != 1) {
      return std::nullopt;
    }
    std::string out(size, '\0');
    if (size > 0
        && pff().libpff_record_entry_get_data(p, reinterpret_cast<std::uint8_t*>(out.data()),
                                              size, nullptr)
             != 1) {
      return std::nullopt;
    }
    if (out.size() > max) {
      out.resize(max);
    }
    return out;
  }
};

} // namespace

std::optional<std::string>
Properties::text(std::uint32_t tag) const
{
  const Entry entry(m_set, tag);
  if (!entry.p) {
    return std::nullopt;
  }
  const auto type = entry.value_type();
  if (!is_string_type(type)) {
    return std::nullopt;
  }
  // The max is in UTF-16 bytes for PtypString: twice the characters of an 8-bit one.
  auto raw = entry.bytes(type == k_unicode_type ? 2 * m_max : m_max);
  if (!raw) {
    return std::nullopt;
  }
  return string_value(std::move(*raw), type, m_charset);
}

std::optional<std::uint32_t>
Properties::integer(std::uint32_t tag) const
{
  const Entry entry(m_set, tag);
  std::uint32_t value = 0;
  if (!entry.p
      || pff().libpff_record_entry_get_data_as_32bit_integer(entry.p, &value, nullptr) != 1) {
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint64_t>
Properties::filetime(std::uint32_t tag) const
{
  const Entry entry(m_set, tag);
  std::uint64_t value = 0;
  if (!entry.p || pff().libpff_record_entry_get_data_as_filetime(entry.p, &value, nullptr) != 1) {
    return std::nullopt;
  }
  return value;
}

bool
has_password(libpff_item_t* store)
{
  libpff_record_set_t* set = nullptr;
  if (pff().libpff_item_get_record_set_by_index(store, 0, &set, nullptr) != 1) {
    return false;
  }
  const Properties props(set, 64);
  const auto password = props.integer(tag::pst_password);
  pff().libpff_record_set_free(&set, nullptr);
  return password && *password != 0;
}

} // namespace ccaudit::outlook
