// The 2-simplices of the Vietoris–Rips complex at a scale ε: the triangles
// {i, j, k} whose three pairwise distances are all <= ε. They are what fills
// a loop in: an H1 bar dies at the ε where triangles first cover its cycle.
#pragma once

#include <Eigen/Dense>
#include <array>
#include <cstdint>
#include <vector>

namespace vitopo {

// How many triangles a caller keeps at most by default: 100 000 triangles are
// 2.4 MB of indices (and 300 000 vertices to draw). A 197-token head can
// have C(197, 3) ≈ 1.26 million.
inline constexpr std::uint64_t default_triangle_budget = 100000;

struct Triangles {
  double epsilon = 0;
  std::uint64_t count = 0;     // the number of triangles at ε, always counted
  bool over_budget = false;    // count > budget: `list` is left empty
  std::vector<std::array<int, 3>> list;  // (i, j, k), i < j < k, lexicographic
};

// Counts the triangles first (bit sets of neighbours, without allocating per
// triangle), and lists them only when the count is within `budget`. Throws
// std::invalid_argument for a matrix that is not square.
Triangles triangles_at(const Eigen::MatrixXd& distances, double epsilon,
                       std::uint64_t budget = default_triangle_budget);

}  // namespace vitopo
