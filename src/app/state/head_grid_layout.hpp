// The layer × head grid's geometry (head_grid_view.cpp), apart from ImGui so that
// it is tested natively: every cell fits the panel, whatever the model's size,
// and labels are thinned, never cut, when cells are smaller than they are.
#pragma once

#include <algorithm>

namespace vitopo::app {

struct HeadGridLayout {
  float cell_w = 0, cell_h = 0;  // a cell's size in pixels: as square as the panel allows
  int layer_label_every = 1;     // label layers 0, k, 2k, …
  int head_label_every = 1;      // label heads 0, k, 2k, …
};

// For a content region of avail_w × avail_h pixels, a label column label_w wide
// and a label row label_h high, head labels at most head_label_w wide, text
// line_h high, and layers × heads cells. Cells are square when the panel's shape
// suits the grid's, else up to twice as wide as high (or high as wide), so a
// wide, low panel keeps wide cells and their labels.
inline HeadGridLayout head_grid_layout(float avail_w, float avail_h, float label_w, float label_h, float head_label_w,
                                       float line_h, int layers, int heads) {
  HeadGridLayout g;
  if (layers <= 0 || heads <= 0) return g;
  // As large as fits each way; at least 1 px, so that a tiny panel still shows them all.
  const float w = std::max(1.0f, (avail_w - label_w) / float(heads));
  const float h = std::max(1.0f, (avail_h - label_h) / float(layers));
  g.cell_w = std::min(w, 2 * h);
  g.cell_h = std::min(h, 2 * w);
  auto every = [](float cell, float need) {
    int k = 1;
    while (k < 64 && float(k) * cell < need) k *= 2;
    return k;
  };
  g.layer_label_every = every(g.cell_h, line_h);
  g.head_label_every = every(g.cell_w, head_label_w + 2);
  return g;
}

}  // namespace vitopo::app
