// A summary of every analysed head, laid out by layer: what the "through the
// layers" view plots. The numbers are the worker's summaries, or (Betti
// numbers) the core's count of the bars alive at ε.
#pragma once

#include <vector>

#include "core/analysis.hpp"

namespace vitopo::app {

enum class LayerQuantity : int { BettiAtEpsilon, TotalPersistence, Entropy, Bars };
inline constexpr const char* layer_quantity_names[] = {"Betti number at ε", "total persistence", "persistence entropy",
                                                       "number of bars"};

struct LayerProfile {
  std::vector<int> layers, heads;          // ascending
  std::vector<std::vector<double>> value;  // [layer][head]; NaN where the head was not analysed
  std::vector<double> mean;                // per layer, over its analysed heads
};

LayerProfile layer_profile(const vitopo::Analysis& analysis, LayerQuantity quantity, int dim, double epsilon);

}  // namespace vitopo::app
