#include "core/layout.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace vitopo {

Layout patch_grid_layout(const PatchGrid& grid) {
  Layout layout(grid.points(), 2);
  for (int point = 0; point < grid.points(); ++point) {
    if (auto cell = grid.cell(point))
      layout.row(point) << cell->second + 0.5, cell->first + 0.5;
    else
      layout.row(point) << grid.cols / 2.0, -1.0;
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
  const Eigen::Index n = distances.rows();
  Layout position = mds_layout(distances);
  if (n < 2) return position;
  // Spread the start so that coincident MDS points separate deterministically:
  // a tiny spiral offset by index.
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
  double temperature = 0.1;
  Layout shift(n, 2);
  for (int iteration = 0; iteration < iterations; ++iteration) {
    shift.setZero();
    for (Eigen::Index i = 0; i < n; ++i)
      for (Eigen::Index j = 0; j < i; ++j) {
        Eigen::RowVector2d delta = position.row(i) - position.row(j);
        const double length = std::max(delta.norm(), 1e-9);
        double force = k * k / length;                                  // repulsion
        if (distances(i, j) <= epsilon) force -= length * length / k;  // attraction along edges
        const Eigen::RowVector2d push = delta / length * force;
        shift.row(i) += push;
        shift.row(j) -= push;
      }
    for (Eigen::Index i = 0; i < n; ++i) {
      const double length = shift.row(i).norm();
      if (length > 0) position.row(i) += shift.row(i) / length * std::min(length, temperature);
    }
    temperature = 0.1 * (1.0 - double(iteration + 1) / double(iterations)) + 1e-4;
  }
  return position;
}

}  // namespace vitopo
