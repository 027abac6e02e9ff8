#include "layer_profile.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/summaries.hpp"

namespace vitopo::app {

LayerProfile layer_profile(const vitopo::Analysis& analysis, LayerQuantity quantity, int dim, double epsilon) {
  LayerProfile p;
  for (const vitopo::HeadAnalysis& h : analysis.results) {
    if (p.layers.empty() || p.layers.back() != h.layer) p.layers.push_back(h.layer);
    if (std::find(p.heads.begin(), p.heads.end(), h.head) == p.heads.end()) p.heads.push_back(h.head);
  }
  std::sort(p.heads.begin(), p.heads.end());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  p.value.assign(p.layers.size(), std::vector<double>(p.heads.size(), nan));
  p.mean.assign(p.layers.size(), nan);
  for (const vitopo::HeadAnalysis& h : analysis.results) {
    if (dim < 0 || dim >= int(h.persistence.barcodes.size())) continue;
    const vitopo::Barcode& barcode = h.persistence.barcodes[std::size_t(dim)];
    double v = 0;
    switch (quantity) {
      case LayerQuantity::BettiAtEpsilon: v = vitopo::betti_number(barcode, epsilon); break;
      case LayerQuantity::TotalPersistence: v = vitopo::total_persistence(barcode); break;
      case LayerQuantity::Entropy: v = vitopo::persistence_entropy(barcode); break;
      case LayerQuantity::Bars: v = double(barcode.bars.size()); break;
    }
    const std::size_t l = std::size_t(std::find(p.layers.begin(), p.layers.end(), h.layer) - p.layers.begin());
    const std::size_t k = std::size_t(std::find(p.heads.begin(), p.heads.end(), h.head) - p.heads.begin());
    p.value[l][k] = v;
  }
  for (std::size_t l = 0; l < p.layers.size(); ++l) {
    double sum = 0;
    int n = 0;
    for (double v : p.value[l])
      if (!std::isnan(v)) sum += v, ++n;
    if (n > 0) p.mean[l] = sum / n;
  }
  return p;
}

}  // namespace vitopo::app
