// The whole analysis of one image's attention: for every selected (layer,
// head), token distributions → distance matrix → Vietoris–Rips persistence
// → summaries. Plain structs in, plain structs out; the CLI, the page's
// worker and the tests all call analyze().
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <functional>
#include <span>
#include <stdexcept>
#include <vector>

#include "core/attention.hpp"
#include "core/distributions.hpp"
#include "core/metrics.hpp"
#include "core/parallel_jobs.hpp"
#include "core/persistence.hpp"
#include "core/summaries.hpp"

namespace vitopo {

struct AnalysisSettings {
  Metric metric = Metric::JensenShannon;
  bool columns = false;          // key-side distributions
  bool drop_cls = false;         // remove token 0, renormalise
  // The seed notebooks' pipeline: a second softmax of every distribution and
  // sqrt() of the JS distance. It replaces `metric` by sqrt-js (only js is
  // accepted with it, see effective_metric()).
  bool seed_compatible = false;
  int maxdim = 1;
  double threshold = infinity;   // infinity: the enclosing radius (Ripser)
  int modulus = 2;
  double long_bar_length = 0.05;  // DimensionSummary::long_bars counts bars longer than this

  DistributionOptions distribution_options() const { return {columns, drop_cls, seed_compatible}; }
  // metric, or sqrt-js in seed-compatible mode. Throws std::invalid_argument
  // if seed_compatible is combined with a metric other than js.
  Metric effective_metric() const;
  PersistenceOptions persistence_options() const;

  friend bool operator==(const AnalysisSettings&, const AnalysisSettings&) = default;
};

// Which heads to analyse; -1 means all.
struct HeadSelection {
  int layer = -1;
  int head = -1;
};

struct HeadAnalysis {
  int layer = 0;
  int head = 0;
  Persistence persistence;
  std::vector<DimensionSummary> summary;  // one per dimension 0..maxdim
};

struct Analysis {
  AnalysisSettings settings;
  int layers = 0, heads = 0, tokens = 0;  // of the attention tensor
  std::vector<HeadAnalysis> results;      // ordered by (layer, head)

  // nullptr when (layer, head) was not analysed.
  const HeadAnalysis* find(int layer, int head) const;
};

// Called with (heads done, heads in total) as heads finish; return false to
// cancel. Always called on the thread that called analyze(): after each head
// with one thread; with several, after each head the calling thread analysed
// (it takes its share) and once at the end, so `done` may skip values.
using AnalysisProgress = JobProgress;

// Called on the thread that called analyze(), just before each progress
// report, with the heads finished since the last call that follow the ones
// already given: the results stream out in order, a prefix of the final
// `results` at a time (a head finished early waits for the ones before it).
// Every head has been given once analyze() returns.
using HeadsFinished = std::function<void(std::span<const HeadAnalysis> heads)>;

struct AnalysisCancelled : std::runtime_error {
  AnalysisCancelled() : std::runtime_error("analysis cancelled") {}
};

// The distance matrix of one head (n × n, n = T or T − 1 without CLS).
Eigen::MatrixXd head_distance_matrix(const AttentionTensor& attention, int layer, int head,
                                     const AnalysisSettings& settings);

// The engine's compressed lower-triangular matrix of a full distance matrix:
// the exact input analyze_head() gives compute_persistence(), so a caller can
// ask the engine for representative_cycle() of one of its bars.
DistanceMatrix to_distance_matrix(const Eigen::MatrixXd& distances);

// Persistence and summaries of one head. Before the distances are computed,
// a PersistenceError OverBudget if persistence up to maxdim of the tokens,
// every simplex on them counted, could exceed the budget together with the
// distance step (see check_memory_budget).
HeadAnalysis analyze_head(const AttentionTensor& attention, int layer, int head, const AnalysisSettings& settings);

// Analyses the selected heads on `threads` threads (1: on the calling thread,
// no thread is started; 0: hardware concurrency; the calling thread is one of
// them).
// The result does not depend on the number of threads. Throws
// std::out_of_range for a selection outside the tensor, AnalysisCancelled when
// `progress` returns false, and whatever a head raises (DistributionError,
// PersistenceError). `finished`, when given, streams the results as they come.
Analysis analyze(const AttentionTensor& attention, const AnalysisSettings& settings,
                 HeadSelection selection = {}, unsigned threads = 1, const AnalysisProgress& progress = {},
                 const HeadsFinished& finished = {});

}  // namespace vitopo
