// The 1-skeleton of the Vietoris–Rips complex at a scale ε: the graph on the
// tokens whose edges are the pairs at distance <= ε, and its connected
// components, laid over the image's patch grid.
#pragma once

#include <Eigen/Dense>
#include <optional>
#include <utility>
#include <vector>

namespace vitopo {

// Where the points of a distance matrix sit on the image. With CLS, point 0
// is CLS (no cell) and point 1 + r·cols + c is patch (r, c); without CLS
// (dropped), point r·cols + c is patch (r, c). A model with more prefix tokens
// (e.g. DeiT's distillation token after CLS) has `more_prefix` points between
// CLS and the patches, which have no cell either.
struct PatchGrid {
  int rows = 0, cols = 0;
  bool cls = true;
  int more_prefix = 0;

  // A square grid for `points` points (T with CLS, T − 1 without). Throws
  // std::invalid_argument when the patches do not form a square.
  static PatchGrid square(int points, bool cls);
  int prefix() const { return (cls ? 1 : 0) + more_prefix; }
  int points() const { return rows * cols + prefix(); }
  // The (row, column) of a point, nothing for CLS and the other prefix tokens.
  std::optional<std::pair<int, int>> cell(int point) const;
};

struct SkeletonComponent {
  std::vector<int> points;                   // ascending
  std::vector<std::pair<int, int>> cells;    // (row, column) of its patches, in point order
  bool has_cls = false;
};

struct Skeleton {
  double epsilon = 0;
  std::vector<std::pair<int, int>> edges;  // (i, j), i < j, d(i, j) <= ε, lexicographic
  std::vector<int> component_of;           // per point, an index into components
  std::vector<SkeletonComponent> components;  // ordered by their smallest point
};

// Components by union-find (union by size, path halving).
Skeleton skeleton_at(const Eigen::MatrixXd& distances, double epsilon, const PatchGrid& grid);

}  // namespace vitopo
