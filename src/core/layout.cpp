#include "core/layout.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace vitopo {

Layout patch_grid_layout(const PatchGrid& grid) {
  Layout layout(grid.points(), 2);
  for (int point = 0; point < grid.points(); ++point) {
    if (auto cell = grid.cell(point))
      layout.row(point) << cell->second + 0.5, cell->first + 0.5;
    else  // the prefix tokens in a row above the grid, centred
      layout.row(point) << grid.cols / 2.0 + point - (grid.prefix() - 1) / 2.0, -1.0;
  }
  return layout;
}

Layout mds_layout(const Eigen::MatrixXd& distances) {
  const Eigen::Index n = distances.rows();
  if (distances.cols() != n) throw std::invalid_argument("MDS: the distance matrix is not square");
  Layout layout = Layout::Zero(n, 2);
  if (n < 2) return layout;
  // B = −½ J D² J with J = I − 11ᵀ/n (Torgerson 1952).
  const Eigen::MatrixXd squared = distances.array().square();
  const Eigen::VectorXd row_mean = squared.rowwise().mean();
  const double mean = row_mean.mean();
  Eigen::MatrixXd B = -0.5 * ((squared.colwise() - row_mean).rowwise() - row_mean.transpose()).array() - 0.5 * mean;
  B = 0.5 * (B + B.transpose());  // exactly symmetric for the solver
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(B);
  // Eigenvalues ascend: the two largest are the last two.
  for (int axis = 0; axis < 2 && axis < n; ++axis) {
    const Eigen::Index k = n - 1 - axis;
    const double scale = std::sqrt(std::max(solver.eigenvalues()[k], 0.0));
    Eigen::VectorXd v = solver.eigenvectors().col(k) * scale;
    Eigen::Index largest;
    v.cwiseAbs().maxCoeff(&largest);
    if (v[largest] < 0) v = -v;
    layout.col(axis) = v;
  }
  return layout;
}

Layout force_layout(const Eigen::MatrixXd& distances, double epsilon, int iterations) {
  return force_layout(distances, epsilon, mds_layout(distances), iterations);
}

Layout force_layout(const Eigen::MatrixXd& distances, double epsilon, const Layout& start, int iterations) {
  const Eigen::Index n = distances.rows();
  if (distances.cols() != n || start.rows() != n)
    throw std::invalid_argument("force layout: the distance matrix and the start must have one row per point");
  if (n < 2) return start;
  // Spread the start so that coincident MDS points separate deterministically:
  // a tiny spiral offset by index.
  Layout position = start;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double angle = 2.399963229728653 * double(i);  // golden angle
    position(i, 0) += 1e-3 * std::cos(angle);
    position(i, 1) += 1e-3 * std::sin(angle);
  }
  // Fruchterman–Reingold in a unit-area frame: ideal edge length k = 1/√n.
  const Eigen::RowVector2d centre = position.colwise().mean();
  position.rowwise() -= centre;
  const double extent = std::max(position.cwiseAbs().maxCoeff(), 1e-12);
  position /= extent;
  const double k = 1.0 / std::sqrt(double(n));
  // The pair loop runs 200 times over n²/2 pairs: on flat arrays, with the
  // edges at ε marked once, and the force over the length folded into one
  // factor (a square root only along edges).
  const std::size_t m = std::size_t(n);
  std::vector<double> x(m), y(m), shift_x(m), shift_y(m);
  std::vector<unsigned char> edge(m * m);
  for (std::size_t i = 0; i < m; ++i) {
    x[i] = position(Eigen::Index(i), 0);
    y[i] = position(Eigen::Index(i), 1);
    for (std::size_t j = 0; j < i; ++j) edge[i * m + j] = distances(Eigen::Index(j), Eigen::Index(i)) <= epsilon;
  }
  double temperature = 0.1;
  for (int iteration = 0; iteration < iterations; ++iteration) {
    std::fill(shift_x.begin(), shift_x.end(), 0.0);
    std::fill(shift_y.begin(), shift_y.end(), 0.0);
    for (std::size_t i = 0; i < m; ++i) {
      const unsigned char* edges_of_i = &edge[i * m];
      double sx = 0, sy = 0;
      for (std::size_t j = 0; j < i; ++j) {
        const double dx = x[i] - x[j], dy = y[i] - y[j];
        const double length2 = std::max(dx * dx + dy * dy, 1e-18);
        // push = delta/length · (k²/length − [edge] length²/k)
        double factor = k * k / length2;                              // repulsion
        if (edges_of_i[j]) factor -= std::sqrt(length2) / k;          // attraction along edges
        sx += dx * factor;
        sy += dy * factor;
        shift_x[j] -= dx * factor;
        shift_y[j] -= dy * factor;
      }
      shift_x[i] += sx;
      shift_y[i] += sy;
    }
    for (std::size_t i = 0; i < m; ++i) {
      const double length = std::hypot(shift_x[i], shift_y[i]);
      if (length > 0) {
        const double step = std::min(length, temperature) / length;
        x[i] += shift_x[i] * step;
        y[i] += shift_y[i] * step;
      }
    }
    temperature = 0.1 * (1.0 - double(iteration + 1) / double(iterations)) + 1e-4;
  }
  for (std::size_t i = 0; i < m; ++i) position.row(Eigen::Index(i)) << x[i], y[i];
  return position;
}

}  // namespace vitopo
