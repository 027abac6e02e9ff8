#include "core/skeleton.hpp"

#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace vitopo {

PatchGrid PatchGrid::square(int points, bool cls) {
  const int patches = points - (cls ? 1 : 0);
  int side = int(std::lround(std::sqrt(double(std::max(patches, 0)))));
  if (patches <= 0 || side * side != patches)
    throw std::invalid_argument(std::to_string(points) + " points" + (cls ? " (with CLS)" : "") + " leave " +
                                std::to_string(patches) + " patches, which do not form a square grid");
  return PatchGrid{side, side, cls};
}

std::optional<std::pair<int, int>> PatchGrid::cell(int point) const {
  const int patch = point - prefix();
  if (patch < 0 || patch >= rows * cols) return std::nullopt;
  return std::make_pair(patch / cols, patch % cols);
}

namespace {

// Disjoint sets with union by size and path halving (Tarjan 1975).
class UnionFind {
 public:
  explicit UnionFind(int n) : parent_(std::size_t(n)), size_(std::size_t(n), 1) {
    std::iota(parent_.begin(), parent_.end(), 0);
  }
  int find(int x) {
    while (parent_[std::size_t(x)] != x) {
      parent_[std::size_t(x)] = parent_[std::size_t(parent_[std::size_t(x)])];
      x = parent_[std::size_t(x)];
    }
    return x;
  }
  void join(int a, int b) {
    a = find(a), b = find(b);
    if (a == b) return;
    if (size_[std::size_t(a)] < size_[std::size_t(b)]) std::swap(a, b);
    parent_[std::size_t(b)] = a;
    size_[std::size_t(a)] += size_[std::size_t(b)];
  }

 private:
  std::vector<int> parent_, size_;
};

}  // namespace

Skeleton skeleton_at(const Eigen::MatrixXd& distances, double epsilon, const PatchGrid& grid) {
  const int n = int(distances.rows());
  if (distances.cols() != n) throw std::invalid_argument("skeleton: the distance matrix is not square");
  if (grid.points() != n)
    throw std::invalid_argument("skeleton: the patch grid has " + std::to_string(grid.points()) +
                                " points but the distance matrix " + std::to_string(n));
  Skeleton skeleton;
  skeleton.epsilon = epsilon;
  UnionFind sets(n);
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j)
      if (distances(i, j) <= epsilon) {
        skeleton.edges.emplace_back(i, j);
        sets.join(i, j);
      }
  skeleton.component_of.assign(std::size_t(n), -1);
  std::vector<int> component_of_root(std::size_t(n), -1);
  for (int point = 0; point < n; ++point) {
    int& component = component_of_root[std::size_t(sets.find(point))];
    if (component < 0) {
      component = int(skeleton.components.size());
      skeleton.components.emplace_back();
    }
    skeleton.component_of[std::size_t(point)] = component;
    SkeletonComponent& c = skeleton.components[std::size_t(component)];
    c.points.push_back(point);
    if (auto cell = grid.cell(point))
      c.cells.push_back(*cell);
    else
      c.has_cls = true;
  }
  return skeleton;
}

}  // namespace vitopo
