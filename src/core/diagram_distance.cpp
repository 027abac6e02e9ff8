#include "core/diagram_distance.hpp"

#include <stdexcept>

namespace vitopo {

Diagram diagram_of(const Barcode& barcode) {
  Diagram diagram;
  diagram.reserve(barcode.bars.size());
  for (const Bar& bar : barcode.bars) diagram.push_back({bar.birth, bar.death});
  return diagram;
}

std::string diagram_distance_name(DiagramDistanceKind kind) {
  return kind == DiagramDistanceKind::Bottleneck ? "bottleneck" : "wasserstein";
}

DiagramDistanceKind parse_diagram_distance(const std::string& name) {
  if (name == "bottleneck") return DiagramDistanceKind::Bottleneck;
  if (name == "wasserstein") return DiagramDistanceKind::Wasserstein;
  throw std::invalid_argument("unknown diagram distance '" + name + "'; choose bottleneck or wasserstein");
}

double diagram_distance(const Diagram& a, const Diagram& b, const DiagramDistance& how) {
  return how.kind == DiagramDistanceKind::Bottleneck ? bottleneck_distance(a, b)
                                                     : wasserstein_distance(a, b, how.order, how.relative_error);
}

Eigen::MatrixXd diagram_distance_matrix(const std::vector<Diagram>& diagrams, const DiagramDistance& how) {
  const Eigen::Index n = Eigen::Index(diagrams.size());
  Eigen::MatrixXd D = Eigen::MatrixXd::Zero(n, n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < i; ++j)
      D(i, j) = D(j, i) = diagram_distance(diagrams[std::size_t(i)], diagrams[std::size_t(j)], how);
  return D;
}

}  // namespace vitopo
