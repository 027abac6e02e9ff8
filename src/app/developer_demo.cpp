#include "developer_demo.hpp"

#include <cmath>
#include <cstdint>
#include <exception>
#include <vector>

#include "analysis_import.hpp"
#include "core/analysis.hpp"
#include "core/attention.hpp"
#include "selected_head.hpp"

namespace vitopo::app {

namespace {

void analyse_demo(AppState& state, const AnalysisSettings& settings) {
  try {
    const AttentionTensor& a = state.attention;
    const std::int64_t shape[] = {a.layers, a.heads, a.tokens, a.tokens};
    const auto tensor = vitopo::AttentionTensor::from_buffer(std::span<const float>(a.data), shape);
    const std::uint64_t revision = state.analysis.revision;
    state.analysis = import_analysis(vitopo::analyze(tensor, core_settings(settings)));
    state.analysis.revision = revision + 1;
    state.status.message = "synthetic demo data: no image loaded";
    state.status.error.clear();
  } catch (const std::exception& e) {
    state.status.error = std::string("demo analysis failed: ") + e.what();
  }
}

}  // namespace

void serve_developer_demo_intents(AppState& state) {
  for (const Intent& intent : state.take_intents())
    if (intent.kind == IntentKind::Reanalyse) analyse_demo(state, intent.settings);
}

void load_developer_demo(AppState& state, bool large) {
  const int layers = large ? 12 : 4, heads = large ? 12 : 4, rows = large ? 14 : 7, cols = rows, tokens = 1 + rows * cols;
  const int side = large ? 224 : 28;
  state.model = {};
  state.model.name = "synthetic demo (no model loaded)";
  state.model.input_width = state.model.input_height = side;
  state.model.patch = side / rows;
  state.model.grid_rows = rows;
  state.model.grid_cols = cols;
  state.model.labels = {"demo"};
  ++state.model_revision;

  // An image: a soft ring, so the grid and overlays have something to sit on.
  state.image = {};
  state.image.name = "synthetic demo — no image loaded";
  state.image.width = state.image.height = side;
  state.image.channels = 1;
  state.image.pixels.resize(side * side);
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) {
      const double u = 28.0 * x / side, v = 28.0 * y / side;
      const double r = std::hypot(u - 13.5, v - 13.5);
      state.image.pixels[std::size_t(y * side + x)] = float(std::exp(-std::pow((r - 8.0) / 3.0, 2)));
    }
  // An "original" for the thumbnail: a wide colour gradient.
  state.image.original_width = 96;
  state.image.original_height = 64;
  state.image.original_rgba.resize(96 * 64 * 4);
  for (int y = 0; y < 64; ++y)
    for (int x = 0; x < 96; ++x) {
      std::uint8_t* p = &state.image.original_rgba[std::size_t(4 * (y * 96 + x))];
      p[0] = std::uint8_t(x * 255 / 95);
      p[1] = std::uint8_t(y * 255 / 63);
      p[2] = 160;
      p[3] = 255;
    }
  state.image.revision++;

  // Attention: each head attends locally with its own width, plus a share to
  // CLS and a little deterministic noise; rows are softmaxes.
  std::vector<float> data(std::size_t(layers) * heads * tokens * tokens);
  std::uint32_t seed = 12345;
  auto noise = [&] {
    seed = seed * 1664525u + 1013904223u;
    return double(seed >> 8) / double(1u << 24);
  };
  auto position = [&](int t) { return t == 0 ? std::pair{-2.0, 3.0} : std::pair{double((t - 1) / cols), double((t - 1) % cols)}; };
  for (int l = 0; l < layers; ++l)
    for (int h = 0; h < heads; ++h) {
      const double width = (0.6 + 0.5 * (h % 4) + 0.7 * (l % 4)) * rows / 7.0;
      for (int i = 0; i < tokens; ++i) {
        std::vector<double> logits(tokens);
        double top = -1e300;
        for (int j = 0; j < tokens; ++j) {
          const auto [ri, ci] = position(i);
          const auto [rj, cj] = position(j);
          const double d2 = (ri - rj) * (ri - rj) + (ci - cj) * (ci - cj);
          logits[std::size_t(j)] = -d2 / (2 * width * width) + (j == 0 ? 0.5 * l : 0.0) + 0.8 * noise();
          top = std::max(top, logits[std::size_t(j)]);
        }
        double sum = 0;
        for (double& v : logits) sum += (v = std::exp(v - top));
        float* row = data.data() + ((std::size_t(l) * heads + h) * tokens + i) * tokens;
        for (int j = 0; j < tokens; ++j) row[j] = float(logits[std::size_t(j)] / sum);
      }
    }
  state.attention = {};
  state.attention.layers = layers;
  state.attention.heads = heads;
  state.attention.tokens = tokens;
  state.attention.data = std::move(data);
  state.attention.revision++;

  analyse_demo(state, state.settings);
  state.prediction = {};
  state.prediction.label = 0;
  state.prediction.probability = 0.734;
  state.selection = {};
  state.selection.layer = 1;
  state.selection.head = 2;
}

}  // namespace vitopo::app
