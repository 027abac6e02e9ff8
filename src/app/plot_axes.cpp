#include "plot_axes.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "palette.hpp"

namespace vitopo::app {

double tick_step(double span, int target_count) {
  if (!(span > 0) || target_count < 1) return 1;
  const double raw = span / target_count;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  const double m = raw / power;
  return power * (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10);
}

namespace {
void format_tick(char* out, std::size_t n, double v, double step) {
  const int decimals = step >= 1 ? 0 : int(std::ceil(-std::log10(step) - 1e-9));
  std::snprintf(out, n, "%.*f", decimals, std::abs(v) < step * 1e-6 ? 0.0 : v);
}
}  // namespace

void PlotAxes::draw_x_ticks(ImDrawList* list, int target_count) const {
  // No more ticks than their labels have room for (a small panel, a large UI scale).
  const float room = ImGui::CalcTextSize("0.000").x + 10;
  target_count = std::clamp(int((max.x - min.x) / room), 1, std::max(target_count, 1));
  const double step = tick_step(x1 - x0, target_count);
  char label[32];
  for (double v = std::ceil(x0 / step) * step; v <= x1 + step * 1e-9; v += step) {
    const float px = x(v);
    list->AddLine(ImVec2(px, min.y), ImVec2(px, max.y), colours::grid);
    format_tick(label, sizeof label, v, step);
    const ImVec2 size = ImGui::CalcTextSize(label);
    list->AddText(ImVec2(px - size.x * 0.5f, max.y + 3), colours::text_dim, label);
  }
}

void PlotAxes::draw_y_ticks(ImDrawList* list, int target_count) const {
  target_count = std::clamp(int((max.y - min.y) / (ImGui::GetTextLineHeight() * 1.6f)), 1, std::max(target_count, 1));
  const double step = tick_step(y1 - y0, target_count);
  char label[32];
  for (double v = std::ceil(y0 / step) * step; v <= y1 + step * 1e-9; v += step) {
    const float py = y(v);
    list->AddLine(ImVec2(min.x, py), ImVec2(max.x, py), colours::grid);
    format_tick(label, sizeof label, v, step);
    const ImVec2 size = ImGui::CalcTextSize(label);
    list->AddText(ImVec2(min.x - size.x - 5, py - size.y * 0.5f), colours::text_dim, label);
  }
}

}  // namespace vitopo::app
