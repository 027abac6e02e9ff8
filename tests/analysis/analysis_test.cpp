// analyze(): determinism, progress and cancellation, the JSON schema, and the
// matrices of diagram distances between heads and layers.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <thread>

#include "core/analysis.hpp"
#include "core/analysis_json.hpp"
#include "core/comparison.hpp"

using namespace vitopo;

namespace {

// 2 layers × 3 heads × (1 + 3×3) tokens of local, softmaxed attention.
AttentionTensor local_attention(unsigned seed = 5) {
  const int L = 2, H = 3, grid = 3, T = 1 + grid * grid;
  std::mt19937_64 random(seed);
  std::normal_distribution<double> noise(0, 0.3);
  std::vector<double> data;
  for (int l = 0; l < L; ++l)
    for (int h = 0; h < H; ++h)
      for (int i = 0; i < T; ++i) {
        std::vector<double> row(static_cast<std::size_t>(T));
        double sum = 0;
        for (int j = 0; j < T; ++j) {
          const int ri = (i - 1) / grid, ci = (i - 1) % grid, rj = (j - 1) / grid, cj = (j - 1) % grid;
          const double d2 = (i == 0 || j == 0) ? 1.0 : double((ri - rj) * (ri - rj) + (ci - cj) * (ci - cj));
          row[std::size_t(j)] = std::exp(-d2 / (1.0 + l + 0.5 * h) + noise(random));
          sum += row[std::size_t(j)];
        }
        for (double v : row) data.push_back(v / sum);
      }
  const std::int64_t shape[4] = {L, H, T, T};
  return AttentionTensor::from_buffer(std::span<const double>(data), shape);
}

bool same_persistence(const Persistence& a, const Persistence& b) {
  if (a.barcodes.size() != b.barcodes.size() || a.threshold != b.threshold) return false;
  for (std::size_t d = 0; d < a.barcodes.size(); ++d) {
    if (a.barcodes[d].bars.size() != b.barcodes[d].bars.size()) return false;
    for (std::size_t k = 0; k < a.barcodes[d].bars.size(); ++k)
      if (a.barcodes[d].bars[k].birth != b.barcodes[d].bars[k].birth ||
          a.barcodes[d].bars[k].death != b.barcodes[d].bars[k].death)
        return false;
  }
  return true;
}

}  // namespace

TEST_CASE("analyze covers every head in (layer, head) order, or just the selected ones") {
  const AttentionTensor attention = local_attention();
  const Analysis all = analyze(attention, {});
  REQUIRE(all.results.size() == 6);
  CHECK(all.results[4].layer == 1);
  CHECK(all.results[4].head == 1);
  CHECK(all.tokens == 10);
  for (const HeadAnalysis& head : all.results) {
    REQUIRE(head.persistence.barcodes.size() == 2);
    CHECK(head.persistence.barcodes[0].bars.size() == 10);  // T points: T − 1 finite bars and one essential
    CHECK(head.summary[0].essential == 1);
  }
  const Analysis one = analyze(attention, {}, {1, 2});
  REQUIRE(one.results.size() == 1);
  CHECK(same_persistence(one.results[0].persistence, all.find(1, 2)->persistence));
  CHECK(analyze(attention, {}, {0, -1}).results.size() == 3);
  CHECK_THROWS_AS(analyze(attention, {}, {2, 0}), std::out_of_range);
  CHECK_THROWS_AS(analyze(attention, {}, {0, 3}), std::out_of_range);
}

#if !defined(__EMSCRIPTEN__) || defined(__EMSCRIPTEN_PTHREADS__)
TEST_CASE("the result does not depend on the number of threads") {
  const AttentionTensor attention = local_attention();
  const std::string one = to_json_text(analyze(attention, {}, {}, 1));
  CHECK(to_json_text(analyze(attention, {}, {}, 2)) == one);
  CHECK(to_json_text(analyze(attention, {}, {}, 5)) == one);
}

TEST_CASE("with several threads, progress comes on the calling thread, rises to the total, and cancels") {
  const AttentionTensor attention = local_attention();
  const std::thread::id caller = std::this_thread::get_id();
  std::vector<std::size_t> seen;
  analyze(attention, {}, {}, 3, [&](std::size_t done, std::size_t total) {
    CHECK(std::this_thread::get_id() == caller);
    CHECK(total == 6);
    seen.push_back(done);
    return true;
  });
  REQUIRE(!seen.empty());
  CHECK(std::is_sorted(seen.begin(), seen.end()));
  CHECK(std::adjacent_find(seen.begin(), seen.end()) == seen.end());  // no value twice
  CHECK(seen.back() == 6);
  CHECK_THROWS_AS(analyze(attention, {}, {}, 3, [](std::size_t, std::size_t) { return false; }), AnalysisCancelled);
  // A callback that throws stops the analysis; the pool is joined, not abandoned.
  CHECK_THROWS_AS(analyze(attention, {}, {}, 3, [](std::size_t, std::size_t) -> bool { throw std::runtime_error("stop"); }),
                  std::runtime_error);
}
#endif

namespace {

// Streamed heads: on the calling thread, in order, each once, before the
// progress that counts them, and equal to the final results.
void check_stream(unsigned threads) {
  const AttentionTensor attention = local_attention();
  const Analysis whole = analyze(attention, {}, {}, 1);
  const std::thread::id caller = std::this_thread::get_id();
  std::vector<HeadAnalysis> streamed;
  std::size_t batches = 0;
  const Analysis result = analyze(
      attention, {}, {}, threads,
      [&](std::size_t done, std::size_t) {
        CHECK(streamed.size() <= done);
        return true;
      },
      [&](std::span<const HeadAnalysis> heads) {
        CHECK(std::this_thread::get_id() == caller);
        REQUIRE(!heads.empty());
        ++batches;
        streamed.insert(streamed.end(), heads.begin(), heads.end());
      });
  REQUIRE(streamed.size() == whole.results.size());
  if (threads == 1) CHECK(batches == whole.results.size());  // one head at a time
  Analysis again = whole;
  again.results = streamed;
  CHECK(to_json_text(again) == to_json_text(whole));
  CHECK(to_json_text(result) == to_json_text(whole));
  // Without a progress callback, every head still streams out.
  std::size_t heads = 0;
  analyze(attention, {}, {}, threads, {}, [&](std::span<const HeadAnalysis> batch) { heads += batch.size(); });
  CHECK(heads == whole.results.size());
}

}  // namespace

TEST_CASE("finished heads stream out in order, each once, equal to the final results (one thread)") { check_stream(1); }

#if !defined(__EMSCRIPTEN__) || defined(__EMSCRIPTEN_PTHREADS__)
TEST_CASE("finished heads stream out in order, each once, equal to the final results (three threads)") { check_stream(3); }
#endif

TEST_CASE("progress is reported after every head, and returning false cancels") {
  const AttentionTensor attention = local_attention();
  std::vector<std::size_t> seen;
  analyze(attention, {}, {}, 1, [&](std::size_t done, std::size_t total) {
    CHECK(total == 6);
    seen.push_back(done);
    return true;
  });
  CHECK(seen == std::vector<std::size_t>{1, 2, 3, 4, 5, 6});
  int calls = 0;
  CHECK_THROWS_AS(analyze(attention, {}, {}, 1, [&](std::size_t, std::size_t) { return ++calls < 2; }),
                  AnalysisCancelled);
  CHECK(calls == 2);
}

TEST_CASE("seed-compatible mode is sqrt of the JS distance of softmaxed rows, and only with js") {
  const AttentionTensor attention = local_attention();
  AnalysisSettings seed;
  seed.seed_compatible = true;
  CHECK(seed.effective_metric() == Metric::SqrtJensenShannon);
  AnalysisSettings js;
  js.metric = Metric::JensenShannon;
  const Eigen::MatrixXd D = head_distance_matrix(attention, 0, 1, seed);
  DistributionOptions softmax;
  softmax.seed_compatible = true;
  const Eigen::MatrixXd E =
      pairwise_distances(token_distributions(attention, 0, 1, softmax), Metric::JensenShannon).cwiseSqrt();
  CHECK(D.isApprox(E, 1e-15));
  seed.metric = Metric::Hellinger;
  CHECK_THROWS_AS(analyze(attention, seed), std::invalid_argument);
}

TEST_CASE("analysis JSON round-trips diagrams exactly, with null for +∞") {
  const AttentionTensor attention = local_attention();
  AnalysisSettings settings;
  settings.drop_cls = true;
  settings.metric = Metric::Hellinger;
  const Analysis analysis = analyze(attention, settings);
  const nlohmann::json j = to_json(analysis);
  CHECK(j["schema"] == "vitopo.analysis/1");
  CHECK(j["settings"]["metric"] == "hellinger");
  CHECK(j["settings"]["threshold"].is_null());
  CHECK(j["shape"]["tokens"] == 10);
  CHECK(j["heads"][0]["diagrams"][0].back()[1].is_null());
  const Analysis back = analysis_from_json(nlohmann::json::parse(j.dump()));
  CHECK(back.settings.drop_cls);
  CHECK(back.settings.metric == Metric::Hellinger);
  REQUIRE(back.results.size() == analysis.results.size());
  for (std::size_t k = 0; k < back.results.size(); ++k)
    CHECK(same_persistence(back.results[k].persistence, analysis.results[k].persistence));
  nlohmann::json broken = j;
  broken["heads"][1].erase("diagrams");
  try {
    analysis_from_json(broken);
    FAIL("no error");
  } catch (const AnalysisJsonError& e) {
    CHECK(std::string(e.what()).find("heads[1] has no \"diagrams\"") != std::string::npos);
  }
}

TEST_CASE("the analysis JSON's integers are integers in range, or a message names the field") {
  const nlohmann::json good = to_json(analyze(local_attention(), {}));
  auto message_for = [&](const char* object, int head, const char* key, const nlohmann::json& value) {
    nlohmann::json j = good;
    (head < 0 ? j[object] : j[object][std::size_t(head)])[key] = value;
    try {
      analysis_from_json(j);
    } catch (const AnalysisJsonError& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  CHECK(message_for("settings", -1, "maxdim", 1e30) == "settings.maxdim is 1e+30, not an integer");
  CHECK(message_for("settings", -1, "modulus", 0.7) == "settings.modulus is 0.7, not an integer");
  CHECK(message_for("shape", -1, "tokens", -3) == "shape.tokens is -3, outside 0 to 2147483647");
  CHECK(message_for("shape", -1, "layers", 4294967296.0) == "shape.layers is 4294967296.0, not an integer");
  CHECK(message_for("shape", -1, "heads", std::uint64_t(1) << 40) == "shape.heads is 1099511627776, outside 0 to 2147483647");
  CHECK(message_for("heads", 1, "layer", "0") == "heads[1].layer has the wrong type (string), not an integer");
  CHECK(message_for("heads", 0, "head", 2147483648u) == "heads[0].head is 2147483648, outside 0 to 2147483647");
  CHECK(analysis_from_json(good).tokens == good["shape"]["tokens"].get<int>());
  // Text from the file is quoted with its control bytes escaped.
  nlohmann::json other = good;
  other["schema"] = "\x1b[31mx";
  try {
    analysis_from_json(other);
    FAIL("no error");
  } catch (const AnalysisJsonError& e) {
    CHECK(std::string(e.what()) == "the document's schema is '\\x1b[31mx', expected \"vitopo.analysis/1\"");
  }
}

TEST_CASE("comparisons: head × head, layer × layer, image × image and layer steps") {
  const Analysis a = analyze(local_attention(5), {});
  const Analysis b = analyze(local_attention(6), {});
  const DiagramDistance bottleneck{DiagramDistanceKind::Bottleneck};
  const DiagramDistance w2{DiagramDistanceKind::Wasserstein, 2};
  const auto diagram = [](const Analysis& x, int l, int h, int d) { return diagram_of(x.find(l, h)->persistence.barcodes[std::size_t(d)]); };

  const Comparison heads = compare({ComparisonBy::Head, 1, -1, 1, bottleneck}, a);
  REQUIRE(heads.matrix.rows() == 3);
  CHECK(heads.rows == std::vector<int>{0, 1, 2});
  CHECK(heads.matrix(0, 2) == bottleneck_distance(diagram(a, 1, 0, 1), diagram(a, 1, 2, 1)));
  CHECK(heads.matrix == heads.matrix.transpose());
  CHECK(heads.matrix.diagonal().isZero());

  const Comparison layers = compare({ComparisonBy::Layer, 0, 2, 0, bottleneck}, a);
  REQUIRE(layers.matrix.rows() == 2);
  CHECK(layers.matrix(0, 1) == bottleneck_distance(diagram(a, 0, 2, 0), diagram(a, 1, 2, 0)));

  // Pooled: the union of each layer's diagrams.
  const Comparison pooled = compare({ComparisonBy::Layer, 0, -1, 1, w2}, a);
  Diagram union0, union1;
  for (int h = 0; h < 3; ++h) {
    for (const DiagramPoint& p : diagram(a, 0, h, 1)) union0.push_back(p);
    for (const DiagramPoint& p : diagram(a, 1, h, 1)) union1.push_back(p);
  }
  CHECK(pooled.matrix(1, 0) == wasserstein_distance(union1, union0, 2));

  const Comparison images = compare({ComparisonBy::Image, 0, -1, 1, w2}, a, &b);
  REQUIRE(images.matrix.rows() == 2);
  REQUIRE(images.matrix.cols() == 3);
  CHECK(images.matrix(1, 0) == wasserstein_distance(diagram(a, 1, 0, 1), diagram(b, 1, 0, 1), 2));
  CHECK_THROWS_AS(compare({ComparisonBy::Image, 0, -1, 1, w2}, a), std::invalid_argument);

  // The same numbers on several threads, and a cancel.
  const Comparison threaded = compare({ComparisonBy::Image, 0, -1, 1, w2}, a, &b, 3);
  CHECK(threaded.matrix == images.matrix);
  CHECK_THROWS_AS(compare({ComparisonBy::Head, 0, -1, 1, w2}, a, nullptr, 1, [](std::size_t, std::size_t) { return false; }),
                  AnalysisCancelled);

  const LayerSteps steps = layer_steps(a, 1, bottleneck);
  REQUIRE(steps.matrix.rows() == 4);
  REQUIRE(steps.matrix.cols() == 1);
  CHECK(steps.matrix(2, 0) == bottleneck_distance(diagram(a, 0, 2, 1), diagram(a, 1, 2, 1)));
  CHECK(steps.matrix(3, 0) == bottleneck_distance(union0, union1));

  // A matching's cost is its distance.
  const DiagramMatching m = match_heads(a, 0, 1, b, 1, 2, 1, w2);
  double cost = 0;
  for (const MatchedPair& p : m.pairs) cost += p.cost * p.cost;
  CHECK(std::sqrt(cost) == doctest::Approx(m.distance).epsilon(1e-9));
  CHECK(m.distance == doctest::Approx(wasserstein_distance(diagram(a, 0, 1, 1), diagram(b, 1, 2, 1), 2)).epsilon(1e-12));

  CHECK_THROWS_AS(compare({ComparisonBy::Head, 0, -1, 2, bottleneck}, a), std::out_of_range);
  CHECK_THROWS_AS(compare({ComparisonBy::Head, 7, -1, 1, bottleneck}, a), std::out_of_range);
  CHECK_THROWS_AS(compare({ComparisonBy::Head, 0, -1, 1, {DiagramDistanceKind::Wasserstein, 0.5}}, a), std::invalid_argument);

  const nlohmann::json j = comparison_json(images);
  CHECK(j["schema"] == "vitopo.comparison/1");
  CHECK(j["by"] == "image");
  CHECK(j["layers"] == nlohmann::json{0, 1});
  CHECK(j["heads"] == nlohmann::json{0, 1, 2});
  CHECK(j["matrix"][1][0].get<double>() == images.matrix(1, 0));
  CHECK(distance_json(infinity).is_null());
}

TEST_CASE("the engine draws a representative cycle of an analysed H1 bar from the same matrix") {
  const AttentionTensor attention = local_attention();
  const AnalysisSettings settings;
  const Analysis analysis = analyze(attention, settings);
  int cycles = 0;
  for (const HeadAnalysis& result : analysis.results) {
    const Eigen::MatrixXd D = head_distance_matrix(attention, result.layer, result.head, settings);
    const DistanceMatrix matrix = to_distance_matrix(D);
    CHECK(matrix.size() == D.rows());
    for (const Bar& bar : result.persistence.barcodes[1].bars) {
      if (!std::isfinite(bar.death)) continue;
      const std::vector<Edge> cycle = representative_cycle(matrix, bar, settings.persistence_options());
      CHECK(cycle.size() >= 3);
      double longest = 0;
      for (const Edge& edge : cycle) longest = std::max(longest, D(Eigen::Index(edge.first), Eigen::Index(edge.second)));
      CHECK(longest == bar.birth);  // born exactly when its last edge enters
      ++cycles;
    }
  }
  CHECK(cycles > 0);
}

TEST_CASE("the persistence budget is checked before the distances are computed") {
  // 300 tokens; token 7 attends only to CLS, so without CLS it has no
  // distribution: computing the distances would stop there. Up to H3 the
  // 299 tokens may have binomial(299, 4) = 326380626 tetrahedra, far above the
  // budget: that refusal must come first, before the O(T³) distance step.
  const int T = 300;
  std::vector<float> data(std::size_t(T) * T, 1.0f / T);
  for (int j = 0; j < T; ++j) data[std::size_t(7) * T + std::size_t(j)] = j == 0 ? 1.0f : 0.0f;
  const std::int64_t shape[4] = {1, 1, T, T};
  const AttentionTensor attention = AttentionTensor::from_buffer(std::span<const float>(data), shape);
  AnalysisSettings settings;
  settings.drop_cls = true;
  settings.maxdim = 3;
  for (unsigned threads : {1u, 2u}) {
    try {
      analyze(attention, settings, {}, threads);
      FAIL("no error");
    } catch (const PersistenceError& e) {
      const std::string message = e.what();
      CHECK(e.kind == PersistenceError::Kind::OverBudget);
      CHECK_MESSAGE(message.find("persistence up to H3 of 299 points") != std::string::npos, message);
      CHECK_MESSAGE(message.find("for dimension 3 (up to 3.26e+08 simplices, every one counted") != std::string::npos,
                    message);
      CHECK_MESSAGE(message.find("for the distance step (299×299 distributions and distances)") != std::string::npos,
                    message);
    }
  }
  CHECK_THROWS_AS(analyze_head(attention, 0, 0, settings), PersistenceError);
  // Up to H1 the budget admits it, and the distances find the bad token.
  settings.maxdim = 1;
  CHECK_THROWS_AS(analyze(attention, settings), DistributionError);
}
