#include "archive/unpack.hpp"

#include "core/shared_library.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace ccaudit::archive {

namespace {

// libarchive is loaded when the first compressed file or export is met, not
// when the program starts: with what it pulls in (libxml2, ICU, nettle,
// the compressors) it was a sixth of the process start, 1.3 ms warm and
// 15 to 20 ms cold, and a rescan of an unchanged store is mostly that start.
#define CCAUDIT_LIBARCHIVE_FUNCTIONS(X) \
  X(archive_entry_filetype) \
  X(archive_entry_hardlink) \
  X(archive_entry_pathname) \
  X(archive_errno) \
  X(archive_error_string) \
  X(archive_filter_bytes) \
  X(archive_filter_code) \
  X(archive_filter_count) \
  X(archive_filter_name) \
  X(archive_format) \
  X(archive_read_data) \
  X(archive_read_free) \
  X(archive_read_new) \
  X(archive_read_next_header) \
  X(archive_read_open) \
  X(archive_read_open_fd) \
  X(archive_read_support_filter_bzip2) \
  X(archive_read_support_filter_compress) \
  X(archive_read_support_filter_gzip) \
  X(archive_read_support_filter_lz4) \
  X(archive_read_support_filter_lzip) \
  X(archive_read_support_filter_lzma) \
  X(archive_read_support_filter_xz) \
  X(archive_read_support_filter_zstd) \
  X(archive_read_support_format_gnutar) \
  X(archive_read_support_format_raw) \
  X(archive_read_support_format_tar) \
  X(archive_read_support_format_zip_streamable) \
  X(archive_set_error)

struct Libarchive
{
  CCAUDIT_LIBARCHIVE_FUNCTIONS(CCAUDIT_DECLARE_FUNCTION)
};

// libarchive's functions; throws (the input is then recorded as unreadable,
// with the reason) when the library cannot be loaded.
const Libarchive&
api()
{
  static const auto loaded = CCAUDIT_LOAD_API(Libarchive, CCAUDIT_LIBARCHIVE_FUNCTIONS,
                                              "libarchive.so.13", "libarchive13");
  return loaded.get();
}

} // namespace


namespace {

constexpr std::size_t k_block = 256 * 1024;

void
enable_formats(struct ::archive* a)
{
  api().archive_read_support_filter_gzip(a);
  api().archive_read_support_filter_bzip2(a);
  api().archive_read_support_filter_xz(a);
  api().archive_read_support_filter_lzma(a);
  api().archive_read_support_filter_lzip(a);
  api().archive_read_support_filter_zstd(a);
  api().archive_read_support_filter_lz4(a);
  api().archive_read_support_filter_compress(a);
  api().archive_read_support_format_tar(a);
  api().archive_read_support_format_gnutar(a);
  api().archive_read_support_format_zip_streamable(a);
  api().archive_read_support_format_raw(a); // the data of a compressed file
}

} // namespace

// A new reader with only our formats and filters enabled, not yet open.
std::unique_ptr<Unpacker>
Unpacker::start()
{
  auto* a = api().archive_read_new();
  if (a == nullptr) {
    throw std::system_error(ENOMEM, std::generic_category(), "libarchive");
  }
  enable_formats(a);
  return std::unique_ptr<Unpacker>(new Unpacker(a));
}

std::unique_ptr<Unpacker>
Unpacker::from_fd(int fd)
{
  auto out = start();
  auto* a = out->m_archive;
  if (api().archive_read_open_fd(a, fd, k_block) != ARCHIVE_OK) {
    out->fail("open");
  }
  return out;
}

std::unique_ptr<Unpacker>
Unpacker::from(Pull pull)
{
  auto out = start();
  auto* a = out->m_archive;
  out->m_pull = std::move(pull);
  out->m_block = std::make_unique<char[]>(k_block);
  const auto read = [](struct ::archive* self, void* data, const void** buffer) -> la_ssize_t {
    auto* u = static_cast<Unpacker*>(data);
    try {
      *buffer = u->m_block.get();
      return static_cast<la_ssize_t>(u->m_pull(u->m_block.get(), k_block));
    } catch (const std::exception& e) {
      api().archive_set_error(self, EIO, "%s", e.what());
      return -1;
    }
  };
  if (api().archive_read_open(a, out.get(), nullptr, read, nullptr) != ARCHIVE_OK) {
    out->fail("open");
  }
  return out;
}

Unpacker::~Unpacker()
{
  api().archive_read_free(m_archive);
}

void
Unpacker::fail(const std::string& what) const
{
  const char* why = api().archive_error_string(m_archive);
  const int code = api().archive_errno(m_archive);
  throw std::system_error(code > 0 ? code : EIO, std::generic_category(),
                          what + ": " + (why ? why : "damaged data"));
}

std::optional<Unpacker::Member>
Unpacker::next()
{
  archive_entry* entry = nullptr;
  const int rc = api().archive_read_next_header(m_archive, &entry);
  if (rc == ARCHIVE_EOF) {
    return std::nullopt;
  }
  if (rc < ARCHIVE_WARN) {
    fail(m_started ? "after the last member read" : "reading it");
  }
  if (!m_started) {
    m_started = true;
    m_is_archive = api().archive_format(m_archive) != ARCHIVE_FORMAT_RAW;
  }
  Member m;
  if (m_is_archive) {
    const char* name = api().archive_entry_pathname(entry);
    m.name = name ? name : "";
    switch (api().archive_entry_filetype(entry)) {
    case AE_IFREG:
      m.type = api().archive_entry_hardlink(entry) != nullptr ? Member::Type::link : Member::Type::file;
      break;
    case AE_IFDIR:
      m.type = Member::Type::directory;
      break;
    case AE_IFLNK:
      m.type = Member::Type::link;
      break;
    default:
      m.type = Member::Type::other;
      break;
    }
  }
  return m;
}

std::size_t
Unpacker::read(char* out, std::size_t size)
{
  const auto n = api().archive_read_data(m_archive, out, size);
  if (n < 0) {
    fail("data");
  }
  return static_cast<std::size_t>(n);
}

std::string
Unpacker::format() const
{
  std::string filter;
  for (int i = 0; i < api().archive_filter_count(m_archive); ++i) {
    if (api().archive_filter_code(m_archive, i) != ARCHIVE_FILTER_NONE) {
      const char* name = api().archive_filter_name(m_archive, i);
      filter = name ? name : "compressed";
      break;
    }
  }
  if (!m_is_archive) {
    return filter.empty() ? "raw" : filter;
  }
  std::string format = (api().archive_format(m_archive) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP
                         ? "zip" : "tar";
  return filter.empty() ? format : format + " (" + filter + ")";
}

std::uint64_t
Unpacker::input_bytes() const
{
  const auto n = api().archive_filter_bytes(m_archive, -1);
  return n > 0 ? static_cast<std::uint64_t>(n) : 0;
}

} // namespace ccaudit::archive
