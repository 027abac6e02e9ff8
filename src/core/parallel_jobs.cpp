#include "core/parallel_jobs.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <system_error>
#include <thread>
#include <vector>

namespace vitopo {

bool run_jobs(std::size_t count, unsigned threads, const std::function<void(std::size_t)>& job,
              const JobProgress& progress) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
  threads = 1;  // a wasm build without pthreads cannot start threads
#endif
  threads = unsigned(std::min<std::size_t>(threads, count));
  if (threads <= 1) {
    for (std::size_t k = 0; k < count; ++k) {
      job(k);
      if (progress && !progress(k + 1, count)) return false;
    }
    return true;
  }

  std::atomic<std::size_t> next{0}, done{0};
  std::atomic<bool> stop{false};
  std::vector<std::exception_ptr> errors(count);
  auto take_job = [&] {  // false when no job is left, or after an error
    const std::size_t k = next++;
    if (k >= count) return false;
    try {
      job(k);
    } catch (...) {
      errors[k] = std::current_exception();
      stop = true;
      return false;
    }
    ++done;
    return true;
  };
  std::size_t reported = 0;
  bool cancelled = false;
  auto report = [&] {
    const std::size_t now = done;
    if (!progress || cancelled || now == reported) return;
    reported = now;
    if (!progress(now, count)) cancelled = stop = true;
  };
  std::vector<std::thread> pool;
  {
    // The pool is joined however this block is left (a throwing callback).
    struct JoinAll {
      std::vector<std::thread>& pool;
      ~JoinAll() {
        for (std::thread& thread : pool) thread.join();
      }
    } join_all{pool};
    try {
      for (unsigned t = 1; t < threads; ++t) {
        try {
          pool.emplace_back([&] {
            while (!stop && take_job()) {
            }
          });
        } catch (const std::system_error&) {
          break;  // no more threads to be had (a full wasm pthread pool): go on with fewer
        }
      }
      while (!stop && take_job()) report();
    } catch (...) {
      stop = true;
      throw;
    }
  }
  for (const std::exception_ptr& error : errors)
    if (error) std::rethrow_exception(error);
  report();
  return !cancelled;
}

}  // namespace vitopo
