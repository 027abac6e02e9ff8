#include "core/summaries.hpp"

#include <algorithm>
#include <cmath>

namespace vitopo {

int betti_number(const Barcode& barcode, double epsilon) {
  int count = 0;
  for (const Bar& bar : barcode.bars)
    if (bar.birth <= epsilon && epsilon < bar.death) ++count;
  return count;
}

std::vector<int> betti_numbers(const Persistence& persistence, double epsilon) {
  std::vector<int> betti;
  for (const Barcode& barcode : persistence.barcodes) betti.push_back(betti_number(barcode, epsilon));
  return betti;
}

std::vector<int> betti_curve(const Barcode& barcode, std::span<const double> grid) {
  std::vector<int> curve;
  curve.reserve(grid.size());
  for (double epsilon : grid) curve.push_back(betti_number(barcode, epsilon));
  return curve;
}

std::vector<double> linear_grid(double lo, double hi, int n) {
  std::vector<double> grid;
  if (n <= 0) return grid;
  if (n == 1) return {lo};
  for (int i = 0; i < n; ++i) grid.push_back(i == n - 1 ? hi : lo + (hi - lo) * double(i) / double(n - 1));
  return grid;
}

double total_persistence(const Barcode& barcode, double order) {
  double sum = 0;
  for (const Bar& bar : barcode.bars)
    if (std::isfinite(bar.death)) sum += std::pow(bar.death - bar.birth, order);
  return sum;
}

double persistence_entropy(const Barcode& barcode) {
  const double total = total_persistence(barcode, 1);
  if (!(total > 0)) return 0;
  double entropy = 0;
  for (const Bar& bar : barcode.bars) {
    if (!std::isfinite(bar.death)) continue;
    const double share = (bar.death - bar.birth) / total;
    if (share > 0) entropy -= share * std::log(share);
  }
  return entropy;
}

int count_bars_longer_than(const Barcode& barcode, double length) {
  int count = 0;
  for (const Bar& bar : barcode.bars)
    if (bar.death - bar.birth > length) ++count;
  return count;
}

double longest_finite_bar(const Barcode& barcode) {
  double longest = 0;
  for (const Bar& bar : barcode.bars)
    if (std::isfinite(bar.death)) longest = std::max(longest, bar.death - bar.birth);
  return longest;
}

std::vector<DimensionSummary> summarize(const Persistence& persistence, double long_bar_length) {
  std::vector<DimensionSummary> summaries;
  for (std::size_t d = 0; d < persistence.barcodes.size(); ++d) {
    const Barcode& barcode = persistence.barcodes[d];
    DimensionSummary s;
    s.dim = int(d);
    s.bars = int(barcode.bars.size());
    s.essential = int(std::count_if(barcode.bars.begin(), barcode.bars.end(),
                                    [](const Bar& bar) { return !std::isfinite(bar.death); }));
    s.total_persistence_1 = total_persistence(barcode, 1);
    s.total_persistence_2 = total_persistence(barcode, 2);
    s.entropy = persistence_entropy(barcode);
    s.longest_finite = longest_finite_bar(barcode);
    s.long_bar_length = long_bar_length;
    s.long_bars = count_bars_longer_than(barcode, long_bar_length);
    summaries.push_back(s);
  }
  return summaries;
}

std::optional<double> median_finite_death(const Barcode& barcode) {
  std::vector<double> deaths;
  for (const Bar& bar : barcode.bars)
    if (std::isfinite(bar.death)) deaths.push_back(bar.death);
  if (deaths.empty()) return std::nullopt;
  const auto middle = deaths.begin() + std::ptrdiff_t(deaths.size() / 2);
  std::nth_element(deaths.begin(), middle, deaths.end());
  return *middle;
}

}  // namespace vitopo
