#include "core/analysis.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

namespace vitopo {

Metric AnalysisSettings::effective_metric() const {
  if (!seed_compatible) return metric;
  if (metric != Metric::JensenShannon && metric != Metric::SqrtJensenShannon)
    throw std::invalid_argument("seed-compatible mode uses sqrt of the JS distance; it cannot be combined with metric '" +
                                metric_name(metric) + "'");
  return Metric::SqrtJensenShannon;
}

PersistenceOptions AnalysisSettings::persistence_options() const {
  PersistenceOptions options;
  options.max_dim = maxdim;
  options.threshold = threshold;
  options.modulus = modulus;
  return options;
}

const HeadAnalysis* Analysis::find(int layer, int head) const {
  for (const HeadAnalysis& result : results)
    if (result.layer == layer && result.head == head) return &result;
  return nullptr;
}

Eigen::MatrixXd head_distance_matrix(const AttentionTensor& attention, int layer, int head,
                                     const AnalysisSettings& settings) {
  if (layer < 0 || layer >= attention.layers() || head < 0 || head >= attention.heads())
    throw std::out_of_range("no layer " + std::to_string(layer) + ", head " + std::to_string(head) + ": the tensor has " +
                            std::to_string(attention.layers()) + " layers of " + std::to_string(attention.heads()) +
                            " heads");
  const Metric metric = settings.effective_metric();
  return pairwise_distances(token_distributions(attention, layer, head, settings.distribution_options()), metric);
}

DistanceMatrix to_distance_matrix(const Eigen::MatrixXd& D) {
  const Eigen::Index n = D.rows();
  std::vector<double> lower;
  lower.reserve(std::size_t(n * (n - 1) / 2));
  for (Eigen::Index i = 1; i < n; ++i)
    for (Eigen::Index j = 0; j < i; ++j) lower.push_back(D(i, j));
  return DistanceMatrix(std::move(lower));
}

namespace {

// The distances of one head cost O(T³) time for most metrics: refuse what the
// persistence budget could never hold (every simplex on the tokens counted)
// before computing them. The distance step itself holds, as n×n doubles, the
// distributions, their padded copy, the distance matrix and a temporary of
// its square roots, then the engine's lower triangle.
void check_budget(int tokens, const AnalysisSettings& settings) {
  const index_t n = index_t(tokens) - (settings.drop_cls ? 1 : 0);
  const std::uint64_t square = std::uint64_t(n) * std::uint64_t(n) * sizeof(double);
  const std::uint64_t distance_step = 4 * square + DistanceMatrix::bytes_for(n);
  check_memory_budget(n, std::nullopt, settings.persistence_options(), distance_step,
                      "the distance step (" + std::to_string(n) + "×" + std::to_string(n) +
                          " distributions and distances)");
}

}  // namespace

HeadAnalysis analyze_head(const AttentionTensor& attention, int layer, int head, const AnalysisSettings& settings) {
  check_budget(attention.tokens(), settings);
  HeadAnalysis result;
  result.layer = layer;
  result.head = head;
  result.persistence = compute_persistence(to_distance_matrix(head_distance_matrix(attention, layer, head, settings)),
                                           settings.persistence_options());
  result.summary = summarize(result.persistence, settings.long_bar_length);
  return result;
}

Analysis analyze(const AttentionTensor& attention, const AnalysisSettings& settings, HeadSelection selection,
                 unsigned threads, const AnalysisProgress& progress) {
  auto check = [](int index, int count, const char* what) {
    if (index < -1 || index >= count)
      throw std::out_of_range(std::string("no ") + what + " " + std::to_string(index) + ": the tensor has " +
                              std::to_string(count) + " " + what + "s");
  };
  check(selection.layer, attention.layers(), "layer");
  check(selection.head, attention.heads(), "head");
  settings.effective_metric();  // reject a bad combination before any work
  check_budget(attention.tokens(), settings);

  std::vector<std::pair<int, int>> jobs;
  for (int l = 0; l < attention.layers(); ++l)
    for (int h = 0; h < attention.heads(); ++h)
      if ((selection.layer < 0 || selection.layer == l) && (selection.head < 0 || selection.head == h))
        jobs.emplace_back(l, h);

  Analysis analysis;
  analysis.settings = settings;
  analysis.layers = attention.layers();
  analysis.heads = attention.heads();
  analysis.tokens = attention.tokens();
  analysis.results.resize(jobs.size());

  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
  threads = 1;  // a wasm build without pthreads cannot start threads
#endif
  threads = unsigned(std::min<std::size_t>(threads, jobs.size()));
  if (threads <= 1) {
    for (std::size_t k = 0; k < jobs.size(); ++k) {
      analysis.results[k] = analyze_head(attention, jobs[k].first, jobs[k].second, settings);
      if (progress && !progress(k + 1, jobs.size())) throw AnalysisCancelled();
    }
    return analysis;
  }

  // Each thread takes the next head; results land in their own slot, so the
  // output is the same whatever the number of threads. On errors the one of
  // the earliest head is rethrown, again independent of scheduling. The
  // calling thread works too, and it alone reports progress, after each of its
  // heads and once all are done: in the page's worker the progress callback
  // posts a message, which only the thread that owns the worker can do.
  std::atomic<std::size_t> next{0}, done{0};
  std::atomic<bool> stop{false};
  std::vector<std::exception_ptr> errors(jobs.size());
  auto take_head = [&] {  // false when no head is left, or after an error
    const std::size_t k = next++;
    if (k >= jobs.size()) return false;
    try {
      analysis.results[k] = analyze_head(attention, jobs[k].first, jobs[k].second, settings);
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
    if (!progress(now, jobs.size())) cancelled = stop = true;
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
            while (!stop && take_head()) {
            }
          });
        } catch (const std::system_error&) {
          break;  // no more threads to be had (a full wasm pthread pool): go on with fewer
        }
      }
      while (!stop && take_head()) report();
    } catch (...) {
      stop = true;
      throw;
    }
  }
  for (const std::exception_ptr& error : errors)
    if (error) std::rethrow_exception(error);
  report();
  if (cancelled) throw AnalysisCancelled();
  return analysis;
}

namespace {

Diagram diagram_in(const HeadAnalysis& result, int dim) {
  if (dim < 0 || dim >= int(result.persistence.barcodes.size()))
    throw std::out_of_range("no dimension " + std::to_string(dim) + " in the analysis (maxdim " +
                            std::to_string(int(result.persistence.barcodes.size()) - 1) + ")");
  return diagram_of(result.persistence.barcodes[std::size_t(dim)]);
}

}  // namespace

Eigen::MatrixXd head_by_head(const Analysis& analysis, int layer, int dim, const DiagramDistance& how) {
  std::vector<Diagram> diagrams;
  for (const HeadAnalysis& result : analysis.results)
    if (result.layer == layer) diagrams.push_back(diagram_in(result, dim));
  return diagram_distance_matrix(diagrams, how);
}

Eigen::MatrixXd layer_by_layer(const Analysis& analysis, int head, int dim, const DiagramDistance& how) {
  std::vector<Diagram> diagrams;
  std::vector<int> layers;
  for (const HeadAnalysis& result : analysis.results) {
    if (head >= 0 && result.head != head) continue;
    if (layers.empty() || layers.back() != result.layer) {
      layers.push_back(result.layer);
      diagrams.emplace_back();
    }
    const Diagram d = diagram_in(result, dim);
    diagrams.back().insert(diagrams.back().end(), d.begin(), d.end());
  }
  return diagram_distance_matrix(diagrams, how);
}

std::vector<HeadDistance> same_head(const Analysis& a, const Analysis& b, int dim, const DiagramDistance& how) {
  std::vector<HeadDistance> distances;
  for (const HeadAnalysis& result : a.results)
    if (const HeadAnalysis* other = b.find(result.layer, result.head))
      distances.push_back(
          {result.layer, result.head, diagram_distance(diagram_in(result, dim), diagram_in(*other, dim), how)});
  return distances;
}

}  // namespace vitopo
