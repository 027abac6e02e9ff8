// The largest single allocation through operator new since the last reset, for
// tests that a check sizes nothing from what a hostile file declares. Include it
// in one source file of a test executable: it replaces the global operator new.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace largest_allocation {
inline std::size_t bytes = 0;
inline void reset() { bytes = 0; }
}  // namespace largest_allocation

void* operator new(std::size_t size) {
  largest_allocation::bytes = std::max(largest_allocation::bytes, size);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
// GCC cannot see that this operator new is malloc, and warns about the free.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
