// Runs independent jobs 0..count-1 on a few threads: the heads of an
// analysis, the pairs of a comparison. Each job writes only its own result
// slot, so what comes out does not depend on the number of threads.
#pragma once

#include <cstddef>
#include <functional>

namespace vitopo {

// Called with (done, total) as jobs finish; returning false cancels.
using JobProgress = std::function<bool(std::size_t done, std::size_t total)>;

// Runs job(k) for every k < count on `threads` threads (1: on the calling
// thread, none started; 0: hardware concurrency; the calling thread is one of
// them; a wasm build without pthreads uses one). Progress is reported from the
// calling thread only, after each of its jobs and once all are done: in the
// page's worker the callback posts a message, which only the thread that owns
// the worker can do. Returns false when progress cancelled (the remaining
// jobs are skipped); rethrows the error of the earliest failed job, whatever
// the scheduling. If no more threads can be started, fewer are used.
bool run_jobs(std::size_t count, unsigned threads, const std::function<void(std::size_t)>& job,
              const JobProgress& progress = {});

}  // namespace vitopo
