#include "core/digest.hpp"

#include "core/fatal_error.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace ccaudit::digest {

namespace {

std::string
hex(const unsigned char* bytes, std::size_t n)
{
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out(2 * n, '\0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = k_digits[bytes[i] >> 4];
    out[2 * i + 1] = k_digits[bytes[i] & 0xf];
  }
  return out;
}

} // namespace

// OpenSSL is the only library used here, and this file its only user.
// EVP_Digest() makes, fetches and frees a context per call: a microsecond,
// more than hashing a path (every path of a sharded walk is hashed). Each
// thread keeps one context and the algorithm fetched once.
std::string
sha256_hex(std::string_view data)
{
  struct Context
  {
    EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Context()
    {
      EVP_MD_CTX_free(ctx);
      EVP_MD_free(md);
    }
  };
  thread_local Context c;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!c.md || !c.ctx || EVP_DigestInit_ex(c.ctx, c.md, nullptr) != 1
      || EVP_DigestUpdate(c.ctx, data.data(), data.size()) != 1
      || EVP_DigestFinal_ex(c.ctx, md, &n) != 1) {
    throw FatalError("SHA-256 failed (OpenSSL)");
  }
  return hex(md, n);
}

std::string
hmac_sha256_hex(std::string_view key, std::string_view data)
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), md,
           &n)
      == nullptr) {
    throw FatalError("HMAC-SHA256 failed (OpenSSL)");
  }
  return hex(md, n);
}

} // namespace ccaudit::digest
