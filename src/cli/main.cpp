#include "cli/commands.hpp"

#if defined(CCAUDIT_JEMALLOC)
// jemalloc reads its options from this symbol. --content decodes parts of
// up to several MiB on every thread; jemalloc keeps freed memory for reuse
// for 10 s by default, which took a --content scan of the benchmark Maildir
// from 44 MiB (glibc) to 88 MiB peak RSS. Allocations of 1 MiB and more get
// their own arena, whose pages go back to the system when freed: 51 MiB.
// Smaller allocations (all of a headers-only scan) are unaffected.
extern "C" {
extern const char* malloc_conf;
const char* malloc_conf = "oversize_threshold:1048576";
}
#endif

int
main(int argc, char** argv)
{
  return ccaudit::cli::run(argc, argv);
}
