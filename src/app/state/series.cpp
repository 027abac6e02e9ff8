#include "app/state/series.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace vitopo::app {

double SeriesData::distance(std::size_t frame, int layer, int head) const {
  const SeriesFrame& f = frames.at(frame);
  if (f.distances.empty() || layer < 0 || layer >= layers || head < 0 || head >= heads)
    return std::numeric_limits<double>::quiet_NaN();
  return f.distances[std::size_t(layer) * std::size_t(heads) + std::size_t(head)];
}

double SeriesData::layer_mean(std::size_t frame, int layer) const {
  double sum = 0;
  for (int h = 0; h < heads; ++h) sum += distance(frame, layer, h);
  return heads > 0 ? sum / heads : std::numeric_limits<double>::quiet_NaN();
}

void read_series(const nlohmann::json& series, SeriesData& out) {
  if (!series.is_object() || series.value("schema", "") != "vitopo.series/1" || !series.contains("frames") ||
      !series.at("frames").is_array())
    throw std::invalid_argument("not a vitopo.series/1 object");
  SeriesData next;
  next.kind = series.value("kind", "");
  if (next.kind != "perturbation" && next.kind != "frames") throw std::invalid_argument("a series is of perturbations or of frames");
  next.perturbation = series.value("perturbation", "");
  for (const auto& f : series.at("frames")) {
    SeriesFrame frame;
    if (f.contains("strength") && f.at("strength").is_number()) frame.strength = f.at("strength").get<double>();
    if (f.contains("patch") && f.at("patch").is_array() && f.at("patch").size() == 2) {
      frame.row = f.at("patch")[0].get<int>();
      frame.column = f.at("patch")[1].get<int>();
    }
    frame.name = f.value("name", "");
    const auto& p = f.at("prediction");
    frame.prediction = p.at("index").get<int>();
    frame.probability = p.at("probability").get<double>();
    const auto& d = f.at("distances");
    if (!d.is_null()) {
      if (!d.is_array() || d.empty() || !d[0].is_array()) throw std::invalid_argument("a frame's distances are L rows of H");
      const int layers = int(d.size()), heads = int(d[0].size());
      if ((next.layers && next.layers != layers) || (next.heads && next.heads != heads))
        throw std::invalid_argument("the frames' distances differ in shape");
      next.layers = layers, next.heads = heads;
      for (const auto& row : d) {
        if (!row.is_array() || int(row.size()) != heads) throw std::invalid_argument("a frame's distances are L rows of H");
        for (const auto& v : row) frame.distances.push_back(v.is_null() ? std::numeric_limits<double>::infinity() : v.get<double>());
      }
    }
    next.frames.push_back(std::move(frame));
  }
  next.revision = out.revision + 1;
  out = std::move(next);
}

}  // namespace vitopo::app
