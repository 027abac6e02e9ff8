// What every harness here shares: a broken property of a parser's result is a
// finding, reported like a sanitizer's, with the input libFuzzer saves as the
// reproducer.
#pragma once

#include <cstdio>
#include <cstdlib>

// FUZZ_EXPECT(condition, "what should hold"): aborts, so libFuzzer records a crash.
#define FUZZ_EXPECT(condition, what)                                                 \
  do {                                                                               \
    if (!(condition)) {                                                              \
      std::fprintf(stderr, "fuzz finding at %s:%d: %s\n", __FILE__, __LINE__, what); \
      std::abort();                                                                  \
    }                                                                                \
  } while (0)
