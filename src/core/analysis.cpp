#include "core/analysis.hpp"

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>

#include "core/parallel_jobs.hpp"

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
                 unsigned threads, const AnalysisProgress& progress, const HeadsFinished& finished) {
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

  // A head is done once its slot is written; the calling thread hands out
  // the done prefix before each report (release/acquire: the slot is seen whole).
  const auto done = std::make_unique<std::atomic<bool>[]>(jobs.size());
  const auto job = [&](std::size_t k) {
    analysis.results[k] = analyze_head(attention, jobs[k].first, jobs[k].second, settings);
    done[k].store(true, std::memory_order_release);
  };
  std::size_t given = 0;
  const auto give = [&] {
    std::size_t end = given;
    while (end < jobs.size() && done[end].load(std::memory_order_acquire)) ++end;
    if (end == given) return;
    finished(std::span<const HeadAnalysis>(analysis.results.data() + given, end - given));
    given = end;
  };
  const AnalysisProgress report = !finished ? progress : AnalysisProgress([&](std::size_t n, std::size_t total) {
    give();
    return !progress || progress(n, total);
  });
  if (!run_jobs(jobs.size(), threads, job, report)) throw AnalysisCancelled();
  if (finished) give();
  return analysis;
}

}  // namespace vitopo
