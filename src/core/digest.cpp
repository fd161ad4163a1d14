#include "core/digest.hpp"

#include "core/fatal_error.hpp"
#include "core/shared_library.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace ccaudit::digest {

namespace {

// OpenSSL's libcrypto is loaded when the first digest is made: linked, it
// was a quarter of the process start (2.5 ms of an empty program linked
// with the program's libraries), and a rescan of an unchanged store makes
// none.
#define CCAUDIT_LIBCRYPTO_FUNCTIONS(X) \
  X(EVP_DigestFinal_ex) \
  X(EVP_DigestInit_ex) \
  X(EVP_DigestUpdate) \
  X(EVP_MD_CTX_free) \
  X(EVP_MD_CTX_new) \
  X(EVP_MD_fetch) \
  X(EVP_MD_free) \
  X(EVP_sha256) \
  X(HMAC)

struct Libcrypto
{
  CCAUDIT_LIBCRYPTO_FUNCTIONS(CCAUDIT_DECLARE_FUNCTION)
};

const Libcrypto&
api()
{
  static const auto loaded =
    CCAUDIT_LOAD_API(Libcrypto, CCAUDIT_LIBCRYPTO_FUNCTIONS, "libcrypto.so.3", "libssl3");
  return loaded.required();
}

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

void
load() noexcept
{
  try {
    api();
  } catch (const std::exception&) {
    // not loaded: the first use throws again, saying why
  }
}

// OpenSSL is the only library used here, and this file its only user.
// EVP_Digest() makes, fetches and frees a context per call: a microsecond,
// more than hashing a path (every path of a sharded walk is hashed). Each
// thread keeps one context and the algorithm fetched once.
std::string
sha256_hex(std::string_view data)
{
  struct Context
  {
    EVP_MD* md = api().EVP_MD_fetch(nullptr, "SHA256", nullptr);
    EVP_MD_CTX* ctx = api().EVP_MD_CTX_new();
    ~Context()
    {
      api().EVP_MD_CTX_free(ctx);
      api().EVP_MD_free(md);
    }
  };
  thread_local Context c;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  const auto& f = api();
  if (!c.md || !c.ctx || f.EVP_DigestInit_ex(c.ctx, c.md, nullptr) != 1
      || f.EVP_DigestUpdate(c.ctx, data.data(), data.size()) != 1
      || f.EVP_DigestFinal_ex(c.ctx, md, &n) != 1) {
    throw FatalError("SHA-256 failed (OpenSSL)");
  }
  return hex(md, n);
}

std::string
hmac_sha256_hex(std::string_view key, std::string_view data)
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (api().HMAC(api().EVP_sha256(), key.data(), static_cast<int>(key.size()),
                 reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &n)
      == nullptr) {
    throw FatalError("HMAC-SHA256 failed (OpenSSL)");
  }
  return hex(md, n);
}

} // namespace ccaudit::digest
