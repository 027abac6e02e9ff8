// Prints the core's triangles of a distance matrix at ε, for
// triangles_oracle.py to compare with GUDHI's 2-simplices.
//
// usage: triangles_probe D.npy EPSILON BUDGET
// Output: "count N over_budget 0|1", then one "i j k" line per triangle.
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "core/npy.hpp"
#include "core/triangles.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: triangles_probe D.npy EPSILON BUDGET\n");
    return 2;
  }
  try {
    const vitopo::NpyArray a = vitopo::read_npy(argv[1]);
    if (a.shape.size() != 2 || a.shape[0] != a.shape[1]) throw std::runtime_error("not a square matrix");
    const Eigen::Index n = a.shape[0];
    Eigen::MatrixXd d(n, n);
    for (Eigen::Index i = 0; i < n; ++i)
      for (Eigen::Index j = 0; j < n; ++j) d(i, j) = a.data[std::size_t(i * n + j)];
    const vitopo::Triangles t = vitopo::triangles_at(d, std::strtod(argv[2], nullptr), std::strtoull(argv[3], nullptr, 10));
    std::printf("count %llu over_budget %d\n", static_cast<unsigned long long>(t.count), t.over_budget ? 1 : 0);
    for (const auto& [i, j, k] : t.list) std::printf("%d %d %d\n", i, j, k);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "triangles_probe: %s\n", e.what());
    return 2;
  }
  return 0;
}
