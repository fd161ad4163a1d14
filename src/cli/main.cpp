#include "cli/commands.hpp"

#if defined(CCAUDIT_JEMALLOC)
// jemalloc reads its options from this symbol. --content reads bodies and
// decodes parts of up to several MiB on every thread; jemalloc keeps freed
// memory for reuse for 10 s by default, which took a --content scan of the
// benchmark Maildir from 44 MiB (glibc) to 88 MiB peak RSS. Freed pages go
// back to the system after 100 ms instead: 40 MiB. (Giving allocations of
// 1 MiB and more an arena of their own, whose pages go back at once, held
// it to 34 MiB, but every large body then took fresh pages from the kernel:
// a sixth of an mbox --content scan was page faults.) Smaller allocations,
// all of a headers-only scan, are unaffected.
extern "C" {
extern const char* malloc_conf;
const char* malloc_conf = "dirty_decay_ms:100,muzzy_decay_ms:0";
}
#endif

#if defined(__SANITIZE_THREAD__)
// The ThreadSanitizer build: GLib and GMime are Debian's builds, not
// instrumented, so the locks (futexes inside GMutex) that guard GMime's
// caches (iconv, charsets) are invisible to it, and two scan threads
// decoding addresses look racy (seen once in four --content scans of the
// fixtures: strcmp in g_str_equal on a worker, reading a cache key another
// thread allocated). Reports from inside those libraries are suppressed;
// our own code is not.
extern "C" const char*
__tsan_default_suppressions()
{
  return "called_from_lib:libglib-2.0.so.0\n"
         "called_from_lib:libgmime-3.0.so.0\n"
         "race:libglib-2.0.so.0\n"
         "race:libgmime-3.0.so.0\n";
}
#endif

int
main(int argc, char** argv)
{
  return ccaudit::cli::run(argc, argv);
}
