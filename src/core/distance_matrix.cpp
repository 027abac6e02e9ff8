// The engine's finite metrics: validation on the way in, so the engine itself
// can trust every value it reads.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/persistence.hpp"

namespace vitopo {
namespace {

std::string entry_name(index_t i, index_t j) {
  return "d(" + std::to_string(i) + "," + std::to_string(j) + ")";
}

std::string number(double x) {
  std::ostringstream out;
  out.precision(17);
  out << x;
  return out.str();
}

// Negative or not finite: the same checks for every kind of input.
void check_entry(double d, index_t i, index_t j) {
  using K = PersistenceError::Kind;
  if (!std::isfinite(d))
    throw PersistenceError(K::NotFinite, "distance " + entry_name(i, j) + " is " + number(d) +
                                             "; every distance must be a finite number");
  if (d < 0)
    throw PersistenceError(K::Negative, "distance " + entry_name(i, j) + " = " + number(d) +
                                            " is negative; distances must be >= 0");
}

}  // namespace

template <typename Value>
BasicDistanceMatrix<Value>::BasicDistanceMatrix(std::vector<Value> lower_triangle)
    : lower_(std::move(lower_triangle)) {
  // n(n-1)/2 = m  <=>  n = (1 + sqrt(1 + 8m)) / 2; no entries means one point.
  const std::size_t m = lower_.size();
  const std::size_t n = std::size_t(std::llround((1 + std::sqrt(1 + 8.0 * double(m))) / 2));
  if (n * (n - 1) / 2 != m)
    throw PersistenceError(PersistenceError::Kind::NotSquare,
                           "a lower-triangular distance matrix of n points has n(n-1)/2 entries, but " +
                               std::to_string(m) + " is not of that form");
  n_ = index_t(n);
  std::size_t k = 0;
  for (index_t i = 1; i < n_; ++i)
    for (index_t j = 0; j < i; ++j) check_entry(double(lower_[k++]), i, j);
}

template <typename Value>
BasicDistanceMatrix<Value> BasicDistanceMatrix<Value>::from_full(std::span<const double> full, std::size_t rows,
                                                                 std::size_t cols) {
  using K = PersistenceError::Kind;
  if (rows != cols)
    throw PersistenceError(K::NotSquare, "distance matrix is not square: " + std::to_string(rows) + " rows, " +
                                             std::to_string(cols) + " columns");
  if (full.size() != rows * cols)
    throw PersistenceError(K::NotSquare, "distance matrix of " + std::to_string(rows) + "x" + std::to_string(cols) +
                                             " needs " + std::to_string(rows * cols) + " values, got " +
                                             std::to_string(full.size()));
  const index_t n = index_t(rows);
  std::vector<Value> lower;
  lower.reserve(rows * (rows ? rows - 1 : 0) / 2);
  for (index_t i = 1; i < n; ++i)
    for (index_t j = 0; j < i; ++j) {
      const double a = full[std::size_t(i) * rows + std::size_t(j)], b = full[std::size_t(j) * rows + std::size_t(i)];
      check_entry(a, i, j);
      check_entry(b, j, i);
      if (std::abs(a - b) > 1e-12 * std::max(std::abs(a), std::abs(b)))
        throw PersistenceError(K::Asymmetric, "distance matrix is not symmetric: " + entry_name(i, j) + " = " +
                                                  number(a) + " but " + entry_name(j, i) + " = " + number(b) +
                                                  " (relative tolerance 1e-12)");
      lower.push_back(Value(a));
    }
  BasicDistanceMatrix result;
  result.lower_ = std::move(lower);
  result.n_ = n;
  return result;
}

template <typename Value>
BasicDistanceMatrix<Value> BasicDistanceMatrix<Value>::from_full(std::span<const double> full) {
  std::size_t n = std::size_t(std::llround(std::sqrt(double(full.size()))));
  if (n * n != full.size())
    throw PersistenceError(PersistenceError::Kind::NotSquare,
                           "a full distance matrix needs n*n values, but " + std::to_string(full.size()) +
                               " is not a perfect square");
  return from_full(full, n, n);
}

template <typename Value>
Value BasicDistanceMatrix<Value>::enclosing_radius() const {
  if (n_ <= 1) return Value(0);
  Value radius = std::numeric_limits<Value>::infinity();
  for (index_t i = 0; i < n_; ++i) {
    Value farthest = 0;
    for (index_t j = 0; j < n_; ++j) farthest = std::max(farthest, (*this)(i, j));
    radius = std::min(radius, farthest);
  }
  return radius;
}

template <typename Value>
BasicSparseDistanceMatrix<Value>::BasicSparseDistanceMatrix(const BasicDistanceMatrix<Value>& dense,
                                                            Value threshold) {
  const index_t n = dense.size();
  offsets_.assign(std::size_t(n) + 1, 0);
  for (index_t i = 0; i < n; ++i)
    for (index_t j = 0; j < n; ++j)
      if (i != j && dense(i, j) <= threshold) ++offsets_[std::size_t(i) + 1];
  for (index_t i = 0; i < n; ++i) offsets_[std::size_t(i) + 1] += offsets_[std::size_t(i)];
  neighbours_.resize(offsets_.back());
  std::size_t k = 0;
  for (index_t i = 0; i < n; ++i)
    for (index_t j = 0; j < n; ++j)
      if (i != j && dense(i, j) <= threshold) neighbours_[k++] = {j, dense(i, j)};
}

template <typename Value>
BasicSparseDistanceMatrix<Value>::BasicSparseDistanceMatrix(
    index_t n, const std::vector<std::tuple<index_t, index_t, Value>>& edges) {
  build(n, edges);
}

template <typename Value>
void BasicSparseDistanceMatrix<Value>::build(index_t n, std::vector<std::tuple<index_t, index_t, Value>> edges) {
  using K = PersistenceError::Kind;
  if (n < 0) throw PersistenceError(K::BadArgument, "a sparse distance matrix needs n >= 0 points");
  for (auto& [i, j, d] : edges) {
    if (i < 0 || j < 0 || i >= n || j >= n)
      throw PersistenceError(K::BadArgument, "sparse entry " + entry_name(i, j) + " names a vertex outside 0.." +
                                                 std::to_string(n - 1));
    if (i == j)
      throw PersistenceError(K::BadArgument, "sparse entry " + entry_name(i, j) + " is on the diagonal");
    check_entry(double(d), i, j);
    if (i < j) std::swap(i, j);
  }
  std::sort(edges.begin(), edges.end());
  for (std::size_t k = 1; k < edges.size(); ++k)
    if (std::get<0>(edges[k]) == std::get<0>(edges[k - 1]) && std::get<1>(edges[k]) == std::get<1>(edges[k - 1]))
      throw PersistenceError(K::BadArgument, "sparse entry " +
                                                 entry_name(std::get<0>(edges[k]), std::get<1>(edges[k])) +
                                                 " is given twice");
  offsets_.assign(std::size_t(n) + 1, 0);
  for (auto& [i, j, d] : edges) ++offsets_[std::size_t(i) + 1], ++offsets_[std::size_t(j) + 1];
  for (index_t i = 0; i < n; ++i) offsets_[std::size_t(i) + 1] += offsets_[std::size_t(i)];
  neighbours_.resize(offsets_.back());
  std::vector<std::size_t> next(offsets_.begin(), offsets_.end() - 1);
  for (auto& [i, j, d] : edges) {
    neighbours_[next[std::size_t(i)]++] = {j, d};
    neighbours_[next[std::size_t(j)]++] = {i, d};
  }
  for (index_t v = 0; v < n; ++v)
    std::sort(neighbours_.begin() + std::ptrdiff_t(offsets_[std::size_t(v)]),
              neighbours_.begin() + std::ptrdiff_t(offsets_[std::size_t(v) + 1]),
              [](const Neighbour& a, const Neighbour& b) { return a.vertex < b.vertex; });
}

template <typename Value>
BasicDistanceMatrix<Value> euclidean_distances(const std::vector<std::vector<Value>>& points) {
  const std::size_t n = points.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (points[i].size() != points[0].size())
      throw PersistenceError(PersistenceError::Kind::BadArgument,
                             "point " + std::to_string(i) + " has " + std::to_string(points[i].size()) +
                                 " coordinates, point 0 has " + std::to_string(points[0].size()));
    for (std::size_t c = 0; c < points[i].size(); ++c)
      if (!std::isfinite(double(points[i][c])))
        throw PersistenceError(PersistenceError::Kind::NotFinite,
                               "coordinate " + std::to_string(c) + " of point " + std::to_string(i) + " is " +
                                   number(double(points[i][c])));
  }
  std::vector<Value> lower;
  lower.reserve(n * (n ? n - 1 : 0) / 2);
  for (std::size_t i = 1; i < n; ++i)
    for (std::size_t j = 0; j < i; ++j) {
      Value sum = 0;
      for (std::size_t c = 0; c < points[i].size(); ++c) {
        const Value diff = points[i][c] - points[j][c];
        sum += diff * diff;
      }
      lower.push_back(std::sqrt(sum));
    }
  if (n == 0) return BasicDistanceMatrix<Value>();
  return BasicDistanceMatrix<Value>(std::move(lower));
}

template class BasicDistanceMatrix<double>;
template class BasicDistanceMatrix<float>;
template class BasicSparseDistanceMatrix<double>;
template class BasicSparseDistanceMatrix<float>;
template BasicDistanceMatrix<double> euclidean_distances(const std::vector<std::vector<double>>&);
template BasicDistanceMatrix<float> euclidean_distances(const std::vector<std::vector<float>>&);

}  // namespace vitopo
