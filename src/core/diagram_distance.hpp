// Distances between persistence diagrams: bottleneck and p-Wasserstein, with
// the optimal matching, computed by Hera (Kerber, Morozov, Nigmetov 2017).
//
// Ground metric: L∞ between points, and a point's distance to the diagonal
// is (death − birth)/2, as in Hera's and GUDHI's defaults.
//
// Essential points (death = +∞) are handled apart from the finite ones,
// explicitly, and the same way as GUDHI (bottleneck_distance; and
// wasserstein_distance with keep_essential_parts=True) and Hera:
//   - they are matched only among themselves, by their births, in sorted
//     order (optimal in one dimension);
//   - if the two diagrams have different numbers of essential points the
//     distance is +∞ (no finite matching exists);
//   - otherwise the bottleneck distance is the max of the finite part's and
//     the largest |birth_a − birth_b| of the sorted pairing, and the
//     Wasserstein cost (distance^p) is the sum of the finite part's cost and
//     Σ |birth_a − birth_b|^p.
// Points on the diagonal (birth == death) are ignored.
//
// Algorithms, all exact up to floating-point rounding:
//   - diagrams whose finite points share one birth (H0 of a Rips
//     filtration) lie on a line, where dynamic programming finds both
//     distances and their matchings (diagram_line.cpp);
//   - otherwise the bottleneck distance is Hera's exact algorithm, and the
//     Wasserstein distance a minimum-cost flow solved by LEMON's network
//     simplex (diagram_transport.cpp).
// Only when that network would pass its memory budget does the Wasserstein
// distance fall back to Hera's auction, with relative error at most
// `relative_error` (default 1e-9, far below Hera's default of 1e-2).
#pragma once

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "core/persistence.hpp"

namespace vitopo {

struct DiagramPoint {
  double birth = 0;
  double death = infinity;
};
using Diagram = std::vector<DiagramPoint>;

// The (birth, death) points of a barcode.
Diagram diagram_of(const Barcode& barcode);

// One pair of the optimal matching: indices into A and B, -1 for the diagonal.
struct MatchedPair {
  int a = -1;
  int b = -1;
  double cost = 0;  // L∞ length of this edge (a point to the diagonal: half its persistence)
};

struct DiagramMatching {
  double distance = 0;
  std::vector<MatchedPair> pairs;  // every off-diagonal point of A and of B appears exactly once
};

enum class DiagramDistanceKind { Bottleneck, Wasserstein };

struct DiagramDistance {
  DiagramDistanceKind kind = DiagramDistanceKind::Bottleneck;
  double order = 1;               // p, for Wasserstein (>= 1)
  double relative_error = 1e-9;   // Wasserstein auction precision
};

std::string diagram_distance_name(DiagramDistanceKind kind);  // "bottleneck", "wasserstein"
DiagramDistanceKind parse_diagram_distance(const std::string& name);  // throws std::invalid_argument

double bottleneck_distance(const Diagram& a, const Diagram& b);
double wasserstein_distance(const Diagram& a, const Diagram& b, double order = 1, double relative_error = 1e-9);
double diagram_distance(const Diagram& a, const Diagram& b, const DiagramDistance& how);

// The distance and an optimal matching. For the bottleneck distance the
// matching is a perfect matching whose longest edge is the distance.
DiagramMatching bottleneck_matching(const Diagram& a, const Diagram& b);
DiagramMatching wasserstein_matching(const Diagram& a, const Diagram& b, double order = 1,
                                     double relative_error = 1e-9);

// The symmetric matrix of pairwise distances between diagrams (zero diagonal).
Eigen::MatrixXd diagram_distance_matrix(const std::vector<Diagram>& diagrams, const DiagramDistance& how);

}  // namespace vitopo
