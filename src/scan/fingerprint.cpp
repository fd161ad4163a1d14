#include "scan/fingerprint.hpp"

#include "core/digest.hpp"

#include <algorithm>
#include <vector>

namespace ccaudit::scan {

std::string
prefix_fingerprint(ByteSource& file, std::uint64_t length)
{
  constexpr std::uint64_t k_block = 4096, k_blocks = 16;
  std::string sampled = std::to_string(length) + "\n";
  std::vector<char> buffer(k_block);
  const auto read = [&](std::uint64_t offset, std::uint64_t size) {
    std::uint64_t done = 0;
    while (done < size) {
      const auto n = file.read_at(offset + done, buffer.data(),
                                  static_cast<std::size_t>(std::min(k_block, size - done)));
      if (n == 0) {
        break;
      }
      sampled.append(buffer.data(), n);
      done += n;
    }
  };
  if (length <= k_block * k_blocks) {
    for (std::uint64_t at = 0; at < length; at += k_block) {
      read(at, std::min(k_block, length - at));
    }
  } else {
    const auto last = length - k_block;
    for (std::uint64_t i = 0; i < k_blocks; ++i) {
      read(last * i / (k_blocks - 1), k_block);
    }
  }
  return digest::sha256_hex(sampled);
}

} // namespace ccaudit::scan
