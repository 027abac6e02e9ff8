// A rectangle of the screen mapped to a range of values, with tick marks at
// round numbers: what the barcode and the diagram share.
#pragma once

#include <imgui.h>

namespace vitopo::app {

struct PlotAxes {
  ImVec2 min, max;                 // screen rectangle of the plot area
  double x0 = 0, x1 = 1;           // values at min.x and max.x
  double y0 = 0, y1 = 1;           // values at max.y (bottom) and min.y (top)

  float x(double v) const { return min.x + float((v - x0) / (x1 - x0)) * (max.x - min.x); }
  float y(double v) const { return max.y - float((v - y0) / (y1 - y0)) * (max.y - min.y); }
  double value_x(float px) const { return x0 + double(px - min.x) / double(max.x - min.x) * (x1 - x0); }
  double value_y(float py) const { return y0 + double(max.y - py) / double(max.y - min.y) * (y1 - y0); }
  bool contains(ImVec2 p) const { return p.x >= min.x && p.x <= max.x && p.y >= min.y && p.y <= max.y; }

  // Vertical grid lines and labels under the plot, at 1-2-5 steps.
  void draw_x_ticks(ImDrawList* list, int target_count = 6) const;
  // Horizontal grid lines and labels left of the plot.
  void draw_y_ticks(ImDrawList* list, int target_count = 6) const;
};

// A round tick step (1, 2 or 5 times a power of ten) giving about
// target_count ticks over span.
double tick_step(double span, int target_count);

}  // namespace vitopo::app
