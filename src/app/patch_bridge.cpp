// The bridge function that says where the views put each token on the image
// (vitopo.patches()): the image view's mapping (hover, attention overlay),
// from the model's grid and prefix tokens, and the skeleton's, from the
// current entry's points (the tokens, or the tokens without CLS).
#include <emscripten/emscripten.h>

#include <nlohmann/json.hpp>

#include "app/state/head_details.hpp"
#include "bridge.hpp"
#include "reply.hpp"

namespace {

nlohmann::json cell_json(int row, int col) { return row < 0 ? nlohmann::json(nullptr) : nlohmann::json{row, col}; }

}  // namespace

extern "C" {

// {"ok": true, "tokens": [[row, col] | null per token], "points": [[row,
// col] | null per point of the current entry's heads], "firstToken": the
// token of point 0}; "points" is empty when nothing is analysed.
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_patches() {
  return vitopo::reply::guarded([&] {
    namespace app = vitopo::app;
    const app::AppState& state = app::app_state();
    const vitopo::ModelSpec& model = state.model;
    nlohmann::json tokens = nlohmann::json::array(), points = nlohmann::json::array();
    for (int t = 0; t < model.tokens; ++t) {
      const auto [row, col] = model.patch_of_token(t);
      tokens.push_back(cell_json(row, col));
    }
    int first_token = 0;
    if (const auto entry = state.shown_entry()) {
      const vitopo::AnalysisSettings& settings = entry->analysis.settings;
      first_token = settings.drop_cls ? 1 : 0;
      const int n = entry->attention.tokens - first_token;
      const vitopo::PatchGrid grid = app::patch_grid(model.grid_rows, model.grid_cols, model.cls, settings, n);
      for (int p = 0; p < n; ++p) {
        const auto cell = grid.cell(p);
        points.push_back(cell ? cell_json(cell->first, cell->second) : nlohmann::json(nullptr));
      }
    }
    return vitopo::reply::ok({{"tokens", tokens}, {"points", points}, {"firstToken", first_token}});
  });
}

}  // extern "C"
