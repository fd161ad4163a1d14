#pragma once

// The vector instructions of the byte searches (line_reader.cpp, search.cpp,
// text.cpp, headers/simple_address_list.cpp): SSE2, Debian's x86-64
// baseline, and AVX2 where the CPU has it (functions marked
// target("avx2"), called only if k_has_avx2).
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define CCAUDIT_AVX2 1
namespace ccaudit::simd {
inline const bool k_has_avx2 = __builtin_cpu_supports("avx2");
}
#endif
