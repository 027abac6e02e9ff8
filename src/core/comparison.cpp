#include "core/comparison.hpp"

#include <cmath>
#include <stdexcept>
#include <utility>

namespace vitopo {

std::string comparison_by_name(ComparisonBy by) {
  switch (by) {
    case ComparisonBy::Head: return "head";
    case ComparisonBy::Layer: return "layer";
    case ComparisonBy::Image: return "image";
  }
  return "head";
}

ComparisonBy parse_comparison_by(const std::string& name) {
  if (name == "head") return ComparisonBy::Head;
  if (name == "layer") return ComparisonBy::Layer;
  if (name == "image") return ComparisonBy::Image;
  throw std::invalid_argument("cannot compare by '" + name + "'; choose head, layer or image");
}

Diagram head_diagram(const Analysis& analysis, int layer, int head, int dim) {
  const HeadAnalysis* result = analysis.find(layer, head);
  if (!result)
    throw std::out_of_range("layer " + std::to_string(layer) + ", head " + std::to_string(head) + " was not analysed");
  const int dims = int(result->persistence.barcodes.size());
  if (dim < 0 || dim >= dims)
    throw std::out_of_range("no dimension " + std::to_string(dim) + " in the analysis (it has H0 to H" +
                            std::to_string(dims - 1) + ")");
  return diagram_of(result->persistence.barcodes[std::size_t(dim)]);
}

namespace {

// The analysed layers and heads, ascending.
std::vector<int> layers_of(const Analysis& analysis) {
  std::vector<int> layers;
  for (const HeadAnalysis& result : analysis.results)
    if (layers.empty() || layers.back() != result.layer) layers.push_back(result.layer);
  return layers;
}

std::vector<int> heads_in(const Analysis& analysis, int layer) {
  std::vector<int> heads;
  for (const HeadAnalysis& result : analysis.results)
    if (result.layer == layer) heads.push_back(result.head);
  return heads;
}

// The union of a layer's diagrams (pooled), or one head's (head >= 0).
Diagram layer_diagram(const Analysis& analysis, int layer, int head, int dim) {
  if (head >= 0) return head_diagram(analysis, layer, head, dim);
  Diagram pooled;
  for (int h : heads_in(analysis, layer)) {
    const Diagram d = head_diagram(analysis, layer, h, dim);
    pooled.insert(pooled.end(), d.begin(), d.end());
  }
  return pooled;
}

// Distances between diagram pairs, one job each.
std::vector<double> distances(const std::vector<std::pair<const Diagram*, const Diagram*>>& pairs,
                              const DiagramDistance& how, unsigned threads, const JobProgress& progress) {
  std::vector<double> out(pairs.size());
  const auto job = [&](std::size_t k) { out[k] = diagram_distance(*pairs[k].first, *pairs[k].second, how); };
  if (!run_jobs(pairs.size(), threads, job, progress)) throw AnalysisCancelled();
  return out;
}

// The symmetric matrix of distances between `diagrams` (zero diagonal).
Eigen::MatrixXd symmetric(const std::vector<Diagram>& diagrams, const DiagramDistance& how, unsigned threads,
                          const JobProgress& progress) {
  const std::size_t n = diagrams.size();
  std::vector<std::pair<const Diagram*, const Diagram*>> pairs;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < i; ++j) pairs.emplace_back(&diagrams[i], &diagrams[j]);
  const std::vector<double> d = distances(pairs, how, threads, progress);
  Eigen::MatrixXd matrix = Eigen::MatrixXd::Zero(Eigen::Index(n), Eigen::Index(n));
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < i; ++j, ++k) matrix(Eigen::Index(i), Eigen::Index(j)) = matrix(Eigen::Index(j), Eigen::Index(i)) = d[k];
  return matrix;
}

void check_order(const DiagramDistance& how) {
  if (how.kind == DiagramDistanceKind::Wasserstein && !(how.order >= 1 && std::isfinite(how.order)))
    throw std::invalid_argument("the Wasserstein order p must be a number >= 1");
}

}  // namespace

Comparison compare(const ComparisonRequest& request, const Analysis& a, const Analysis* b, unsigned threads,
                   const JobProgress& progress) {
  check_order(request.how);
  Comparison out;
  out.request = request;
  const int dim = request.dim;
  switch (request.by) {
    case ComparisonBy::Head: {
      out.rows = heads_in(a, request.layer);
      if (out.rows.empty()) throw std::out_of_range("layer " + std::to_string(request.layer) + " was not analysed");
      std::vector<Diagram> diagrams;
      for (int h : out.rows) diagrams.push_back(head_diagram(a, request.layer, h, dim));
      out.matrix = symmetric(diagrams, request.how, threads, progress);
      break;
    }
    case ComparisonBy::Layer: {
      out.rows = layers_of(a);
      std::vector<Diagram> diagrams;
      for (int l : out.rows) diagrams.push_back(layer_diagram(a, l, request.head, dim));
      out.matrix = symmetric(diagrams, request.how, threads, progress);
      break;
    }
    case ComparisonBy::Image: {
      if (!b) throw std::invalid_argument("comparing by image needs image B's analysis");
      if (a.layers != b->layers || a.heads != b->heads)
        throw std::invalid_argument("image B was analysed with a model of " + std::to_string(b->layers) + " layers × " +
                                    std::to_string(b->heads) + " heads, image A with " + std::to_string(a.layers) +
                                    " × " + std::to_string(a.heads) + ": analyse both with the same model");
      out.rows = layers_of(a);
      out.columns.clear();
      if (!out.rows.empty()) out.columns = heads_in(a, out.rows.front());
      std::vector<Diagram> da, db;
      for (int l : out.rows)
        for (int h : out.columns) {
          da.push_back(head_diagram(a, l, h, dim));
          db.push_back(head_diagram(*b, l, h, dim));
        }
      std::vector<std::pair<const Diagram*, const Diagram*>> pairs;
      for (std::size_t k = 0; k < da.size(); ++k) pairs.emplace_back(&da[k], &db[k]);
      const std::vector<double> d = distances(pairs, request.how, threads, progress);
      out.matrix.resize(Eigen::Index(out.rows.size()), Eigen::Index(out.columns.size()));
      for (std::size_t k = 0; k < d.size(); ++k)
        out.matrix(Eigen::Index(k / out.columns.size()), Eigen::Index(k % out.columns.size())) = d[k];
      return out;
    }
  }
  out.columns = out.rows;
  return out;
}

LayerSteps layer_steps(const Analysis& analysis, int dim, const DiagramDistance& how, unsigned threads,
                       const JobProgress& progress) {
  check_order(how);
  LayerSteps out;
  out.dim = dim;
  out.how = how;
  const std::vector<int> layers = layers_of(analysis);
  if (!layers.empty()) out.heads = heads_in(analysis, layers.front());
  const std::size_t rows = out.heads.size() + 1, steps = layers.size() > 1 ? layers.size() - 1 : 0;
  // Every (row, layer) diagram once; the pooled row is the last.
  std::vector<Diagram> diagrams;
  for (std::size_t r = 0; r < rows; ++r)
    for (int l : layers) diagrams.push_back(layer_diagram(analysis, l, r < out.heads.size() ? out.heads[r] : -1, dim));
  std::vector<std::pair<const Diagram*, const Diagram*>> pairs;
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t s = 0; s < steps; ++s)
      pairs.emplace_back(&diagrams[r * layers.size() + s], &diagrams[r * layers.size() + s + 1]);
  const std::vector<double> d = distances(pairs, how, threads, progress);
  out.matrix.resize(Eigen::Index(rows), Eigen::Index(steps));
  for (std::size_t k = 0; k < d.size(); ++k) out.matrix(Eigen::Index(k / steps), Eigen::Index(k % steps)) = d[k];
  return out;
}

DiagramMatching match_heads(const Analysis& a, int layer_a, int head_a, const Analysis& b, int layer_b, int head_b,
                            int dim, const DiagramDistance& how) {
  check_order(how);
  const Diagram da = layer_diagram(a, layer_a, head_a, dim), db = layer_diagram(b, layer_b, head_b, dim);
  return how.kind == DiagramDistanceKind::Bottleneck ? bottleneck_matching(da, db)
                                                     : wasserstein_matching(da, db, how.order, how.relative_error);
}

nlohmann::json distance_json(double distance) {
  return std::isinf(distance) ? nlohmann::json(nullptr) : nlohmann::json(distance);
}

namespace {

nlohmann::json rows_json(const Eigen::MatrixXd& matrix) {
  nlohmann::json rows = nlohmann::json::array();
  for (Eigen::Index i = 0; i < matrix.rows(); ++i) {
    nlohmann::json row = nlohmann::json::array();
    for (Eigen::Index j = 0; j < matrix.cols(); ++j) row.push_back(distance_json(matrix(i, j)));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

nlohmann::json comparison_json(const Comparison& c) {
  nlohmann::json out = {{"schema", "vitopo.comparison/1"},
                        {"by", comparison_by_name(c.request.by)},
                        {"dim", c.request.dim},
                        {"distance", diagram_distance_name(c.request.how.kind)},
                        {"order", c.request.how.order}};
  if (c.request.by == ComparisonBy::Head) out["layer"] = c.request.layer;
  if (c.request.by == ComparisonBy::Layer) out["head"] = c.request.head >= 0 ? nlohmann::json(c.request.head) : nlohmann::json(nullptr);
  if (c.request.by == ComparisonBy::Image) {
    out["layers"] = c.rows;
    out["heads"] = c.columns;
  } else {
    out["labels"] = c.rows;
  }
  out["matrix"] = rows_json(c.matrix);
  return out;
}

nlohmann::json matching_json(const DiagramMatching& matching) {
  nlohmann::json pairs = nlohmann::json::array(), costs = nlohmann::json::array();
  for (const MatchedPair& p : matching.pairs) {
    pairs.push_back({p.a, p.b});
    costs.push_back(p.cost);
  }
  return {{"distance", distance_json(matching.distance)}, {"pairs", std::move(pairs)}, {"costs", std::move(costs)}};
}

nlohmann::json layer_steps_json(const LayerSteps& steps) {
  return {{"dim", steps.dim},
          {"distance", diagram_distance_name(steps.how.kind)},
          {"order", steps.how.order},
          {"heads", steps.heads},
          {"matrix", rows_json(steps.matrix)}};
}

}  // namespace vitopo
