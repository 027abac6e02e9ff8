// Numbers that summarise a barcode (one head, one dimension).
//
// Conventions: a bar is the half-open interval [birth, death); it is alive at
// ε when birth <= ε < death. Essential bars (death = +∞) count in Betti
// numbers and bar counts, and are left out of everything that needs a finite
// length (total persistence, entropy, longest bar).
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "core/persistence.hpp"

namespace vitopo {

// betti[d] = number of bars of dimension d alive at ε.
std::vector<int> betti_numbers(const Persistence& persistence, double epsilon);
int betti_number(const Barcode& barcode, double epsilon);

// curve[i] = Betti number at grid[i].
std::vector<int> betti_curve(const Barcode& barcode, std::span<const double> grid);
// n evenly spaced values from lo to hi inclusive.
std::vector<double> linear_grid(double lo, double hi, int n);

// Σ (death − birth)^order over finite bars.
double total_persistence(const Barcode& barcode, double order = 1);
// Shannon entropy (natural log) of the finite bar lengths normalised to sum
// 1: −Σ (ℓ/L) log(ℓ/L) (Chintakunta et al. 2015). 0 when no finite bar has
// positive length.
double persistence_entropy(const Barcode& barcode);
// Bars with death − birth > length; essential bars count (their length is +∞).
int count_bars_longer_than(const Barcode& barcode, double length);
// The largest finite death − birth, 0 when there is none.
double longest_finite_bar(const Barcode& barcode);
// The median of the finite deaths (the upper middle one of an even count),
// nothing when there is none. Of H0, it is the scale at which half the merges
// have happened: the page's default ε.
std::optional<double> median_finite_death(const Barcode& barcode);

struct DimensionSummary {
  int dim = 0;
  int bars = 0;       // all bars, essential included
  int essential = 0;  // bars with death = +∞
  double total_persistence_1 = 0;  // order 1
  double total_persistence_2 = 0;  // order 2
  double entropy = 0;
  double longest_finite = 0;
  double long_bar_length = 0;  // the length used for long_bars
  int long_bars = 0;           // count_bars_longer_than(long_bar_length)
};

// One summary per dimension of `persistence`.
std::vector<DimensionSummary> summarize(const Persistence& persistence, double long_bar_length);

}  // namespace vitopo
