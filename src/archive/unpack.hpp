#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

struct archive;

namespace ccaudit::archive {

// What a compressed file or an archive file holds, read front to back in
// one pass (libarchive): no random access, so the input can be a pipe or a
// member of another archive, and nothing is ever written to disk (member
// names, absolute or with "..", are names only).
//
// Read: gzip (also several members), bzip2, xz, lzma, lzip, zstd (also
// several frames), lz4 and compress (.Z), alone or around a tar or zip file.
// Only these formats and filters are enabled: no other parser, and no
// external program, sees hostile bytes.
class Unpacker
{
public:
  // Fills `out` with up to `size` next bytes of the input; 0 at its end.
  using Pull = std::function<std::size_t(char* out, std::size_t size)>;

  // Reads the open file descriptor `fd` (a file, a pipe; not closed).
  static std::unique_ptr<Unpacker> from_fd(int fd);
  // Reads the bytes `pull` gives (a member of an enclosing archive).
  static std::unique_ptr<Unpacker> from(Pull pull);

  ~Unpacker();
  Unpacker(const Unpacker&) = delete;
  Unpacker& operator=(const Unpacker&) = delete;

  struct Member
  {
    enum class Type { file, directory, link, other };
    std::string name; // as stored; "" for the data of a compressed file
    Type type = Type::file;
  };

  // The next member; nullopt after the last. A compressed file that is not
  // an archive has one member, named "". Throws std::system_error when the
  // input cannot be read as any of the formats, or is damaged between
  // members.
  std::optional<Member> next();
  // Up to `size` next bytes of the current member; 0 at its end. Throws
  // std::system_error when they are damaged (truncated, bad checksum,
  // encrypted). After that, next() may still reach the members after it.
  std::size_t read(char* out, std::size_t size);

  // True when the input is an archive (zip, tar) rather than the data of
  // one compressed file. Known after the first next().
  bool is_archive() const { return m_is_archive; }
  // "gzip", "zstd", "zip", "tar (gzip)", ... Known after the first next().
  std::string format() const;
  // Bytes taken from the input so far (compressed).
  std::uint64_t input_bytes() const;

private:
  explicit Unpacker(struct ::archive* a) : m_archive(a) {}
  static std::unique_ptr<Unpacker> start();
  [[noreturn]] void fail(const std::string& what) const;

  struct ::archive* m_archive;
  Pull m_pull;                 // from(): the input
  std::unique_ptr<char[]> m_block;
  bool m_is_archive = false;
  bool m_started = false;
};

} // namespace ccaudit::archive
