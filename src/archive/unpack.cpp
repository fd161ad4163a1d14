#include "archive/unpack.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <system_error>

namespace ccaudit::archive {

namespace {

constexpr std::size_t k_block = 256 * 1024;

void
enable_formats(struct ::archive* a)
{
  archive_read_support_filter_gzip(a);
  archive_read_support_filter_bzip2(a);
  archive_read_support_filter_xz(a);
  archive_read_support_filter_lzma(a);
  archive_read_support_filter_lzip(a);
  archive_read_support_filter_zstd(a);
  archive_read_support_filter_lz4(a);
  archive_read_support_filter_compress(a);
  archive_read_support_format_tar(a);
  archive_read_support_format_gnutar(a);
  archive_read_support_format_zip_streamable(a);
  archive_read_support_format_raw(a); // the data of a compressed file
}

} // namespace

// A new reader with only our formats and filters enabled, not yet open.
std::unique_ptr<Unpacker>
Unpacker::start()
{
  auto* a = archive_read_new();
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
  if (archive_read_open_fd(a, fd, k_block) != ARCHIVE_OK) {
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
      archive_set_error(self, EIO, "%s", e.what());
      return -1;
    }
  };
  if (archive_read_open(a, out.get(), nullptr, read, nullptr) != ARCHIVE_OK) {
    out->fail("open");
  }
  return out;
}

Unpacker::~Unpacker()
{
  archive_read_free(m_archive);
}

void
Unpacker::fail(const std::string& what) const
{
  const char* why = archive_error_string(m_archive);
  const int code = archive_errno(m_archive);
  throw std::system_error(code > 0 ? code : EIO, std::generic_category(),
                          what + ": " + (why ? why : "damaged data"));
}

std::optional<Unpacker::Member>
Unpacker::next()
{
  archive_entry* entry = nullptr;
  const int rc = archive_read_next_header(m_archive, &entry);
  if (rc == ARCHIVE_EOF) {
    return std::nullopt;
  }
  if (rc < ARCHIVE_WARN) {
    fail(m_started ? "after the last member read" : "reading it");
  }
  if (!m_started) {
    m_started = true;
    m_is_archive = archive_format(m_archive) != ARCHIVE_FORMAT_RAW;
  }
  Member m;
  if (m_is_archive) {
    const char* name = archive_entry_pathname(entry);
    m.name = name ? name : "";
    switch (archive_entry_filetype(entry)) {
    case AE_IFREG:
      m.type = archive_entry_hardlink(entry) != nullptr ? Member::Type::link : Member::Type::file;
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
  const auto n = archive_read_data(m_archive, out, size);
  if (n < 0) {
    fail("data");
  }
  return static_cast<std::size_t>(n);
}

std::string
Unpacker::format() const
{
  std::string filter;
  for (int i = 0; i < archive_filter_count(m_archive); ++i) {
    if (archive_filter_code(m_archive, i) != ARCHIVE_FILTER_NONE) {
      const char* name = archive_filter_name(m_archive, i);
      filter = name ? name : "compressed";
      break;
    }
  }
  if (!m_is_archive) {
    return filter.empty() ? "raw" : filter;
  }
  std::string format = (archive_format(m_archive) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP
                         ? "zip" : "tar";
  return filter.empty() ? format : format + " (" + filter + ")";
}

std::uint64_t
Unpacker::input_bytes() const
{
  const auto n = archive_filter_bytes(m_archive, -1);
  return n > 0 ? static_cast<std::uint64_t>(n) : 0;
}

} // namespace ccaudit::archive
