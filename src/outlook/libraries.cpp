#include "outlook/libraries.hpp"

namespace ccaudit::outlook {

const Libpff&
pff()
{
  static const auto loaded = CCAUDIT_LOAD_API(Libpff, CCAUDIT_LIBPFF_FUNCTIONS,
                                              "libpff.so.1", "libpff1");
  return loaded.get();
}

const Libolecf&
olecf()
{
  static const auto loaded = CCAUDIT_LOAD_API(
    Libolecf, CCAUDIT_LIBOLECF_FUNCTIONS, "libolecf.so.1", "libolecf1");
  return loaded.get();
}

const Libbfio&
bfio()
{
  static const auto loaded = CCAUDIT_LOAD_API(
    Libbfio, CCAUDIT_LIBBFIO_FUNCTIONS, "libbfio.so.1", "libbfio1");
  return loaded.get();
}

} // namespace ccaudit::outlook
