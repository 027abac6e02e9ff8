// A series as the views hold it: the page's vitopo.series/1 result
// (web/series.mjs), read once into plain numbers for drawing, and which of
// its frames the page shows.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace vitopo::app {

struct SeriesFrame {
  double strength = 0;       // a perturbation's strength
  int row = -1, column = -1;  // occlusion: the patch
  std::string name;
  int prediction = -1;
  double probability = 0;
  // L × H row-major, +∞ where the JSON has null; empty for a frame without
  // a previous frame.
  std::vector<double> distances;
};

struct SeriesData {
  std::string kind;          // "perturbation" or "frames"; empty: no series
  std::string perturbation;  // "noise", ..., "occlusion", "adversarial"
  int layers = 0, heads = 0;
  std::vector<SeriesFrame> frames;
  int shown = -1;            // the frame the page made current, or -1
  std::uint64_t revision = 0;

  bool empty() const { return frames.empty(); }
  bool occlusion() const { return perturbation == "occlusion"; }
  // NaN when the frame has no distances.
  double distance(std::size_t frame, int layer, int head) const;
  // The mean over the layer's heads (+∞ if one is), NaN without distances.
  double layer_mean(std::size_t frame, int layer) const;
};

// Reads a vitopo.series/1 object into `out` (its shown frame reset); throws
// std::invalid_argument for anything else, leaving `out` as it was.
void read_series(const nlohmann::json& series, SeriesData& out);

}  // namespace vitopo::app
