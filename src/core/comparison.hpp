// Comparisons of analysed heads by the distance between their persistence
// diagrams (diagram_distance.hpp: bottleneck or p-Wasserstein, Hera): head ×
// head within a layer, layer × layer for one head or all heads pooled, the
// same head in two images, and layer l against l + 1. The page's
// vitopo.compare() and `vitopo compare` print the same vitopo.comparison/1
// JSON (comparison_json), made here.
#pragma once

#include <Eigen/Dense>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/analysis.hpp"
#include "core/diagram_distance.hpp"

namespace vitopo {

enum class ComparisonBy { Head, Layer, Image };

std::string comparison_by_name(ComparisonBy by);          // "head", "layer", "image"
ComparisonBy parse_comparison_by(const std::string& name);  // throws std::invalid_argument

struct ComparisonRequest {
  ComparisonBy by = ComparisonBy::Head;
  int layer = 0;   // by head: the layer whose heads are compared
  int head = -1;   // by layer: the head, or -1 for all heads pooled (the union of a layer's diagrams)
  int dim = 1;
  DiagramDistance how;
};

struct Comparison {
  ComparisonRequest request;
  // By head: rows and columns are heads (rows == columns); by layer: layers;
  // by image: rows are layers and columns heads, entry (l, h) the distance
  // between the two images' diagrams of head h in layer l. +∞ where no
  // finite matching exists (the numbers of essential points differ).
  std::vector<int> rows, columns;
  Eigen::MatrixXd matrix;
};

// The diagram of `dim` of an analysed head: std::out_of_range, in words, for
// a head that was not analysed or a dimension that was not computed.
Diagram head_diagram(const Analysis& analysis, int layer, int head, int dim);

// The comparison `request` asks for, of `a` (and of `b`, image B, by image),
// its pairs of diagrams computed on `threads` threads (as run_jobs). Throws
// std::out_of_range for a layer, head or dimension the analysis lacks,
// std::invalid_argument when by image the two analyses are of differently
// shaped attention, and AnalysisCancelled when `progress` returns false.
Comparison compare(const ComparisonRequest& request, const Analysis& a, const Analysis* b = nullptr,
                   unsigned threads = 1, const JobProgress& progress = {});

// The distance from layer l to layer l + 1: for each head (rows 0..H-1) and
// for all heads pooled (the last row), L − 1 columns.
struct LayerSteps {
  int dim = 1;
  DiagramDistance how;
  std::vector<int> heads;  // the rows' heads; the pooled row follows
  Eigen::MatrixXd matrix;  // (H + 1) × (L − 1)
};
LayerSteps layer_steps(const Analysis& analysis, int dim, const DiagramDistance& how, unsigned threads = 1,
                       const JobProgress& progress = {});

// An optimal matching between the diagrams of `dim` of two heads, the pairs
// indexing each head's bars in their order in the analysis. A head of -1
// stands for all heads of its layer pooled (their bars one head after the
// other, in head order).
DiagramMatching match_heads(const Analysis& a, int layer_a, int head_a, const Analysis& b, int layer_b, int head_b,
                            int dim, const DiagramDistance& how);

// {"schema": "vitopo.comparison/1", "by", "dim", "distance", "order", then
//  by head or layer "labels", by image "layers" and "heads", and "matrix": a
//  list of rows, null for +∞}.
nlohmann::json comparison_json(const Comparison& comparison);
// {"distance", "pairs": [[i, j], ...], "costs": [...]}: -1 for the diagonal,
// null for +∞; each pair's L∞ length (to the diagonal: half its persistence).
nlohmann::json matching_json(const DiagramMatching& matching);
// {"dim", "distance", "order", "heads", "matrix"}: the last row pooled.
nlohmann::json layer_steps_json(const LayerSteps& steps);

// A JSON number, or null for +∞ (JSON has no infinity).
nlohmann::json distance_json(double distance);

}  // namespace vitopo
