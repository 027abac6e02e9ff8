#include "series_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "palette.hpp"
#include "panels.hpp"
#include "plot_axes.hpp"

namespace vitopo::app {

namespace {

constexpr const char* perturbation_names[] = {"noise", "blur", "brightness", "contrast", "rotation", "shift", "occlusion", "adversarial"};
constexpr ImU32 probability_colour = IM_COL32(255, 159, 67, 255);

void show_frame(Intents& out, int frame, bool as_b) { out.raise({.kind = IntentKind::ShowFrame, .flag = as_b, .frame = frame}); }

// The strengths typed by the user: numbers separated by commas or spaces.
bool parse_strengths(const char* text, std::vector<double>& out) {
  out.clear();
  const char* p = text;
  while (*p) {
    while (*p == ',' || *p == ' ') ++p;
    if (!*p) break;
    char* end = nullptr;
    const double v = std::strtod(p, &end);
    if (end == p || !std::isfinite(v)) return false;
    out.push_back(v);
    p = end;
  }
  return !out.empty();
}

double finite_max(const std::vector<double>& values) {
  double top = 0;
  for (double v : values)
    if (std::isfinite(v)) top = std::max(top, v);
  return top;
}

// A polyline through (x[k], y[k]), skipping non-finite points.
void polyline(const PlotAxes& axes, const std::vector<double>& x, const std::vector<double>& y, ImU32 colour, float thickness) {
  ImDrawList* list = ImGui::GetWindowDrawList();
  for (std::size_t k = 0; k + 1 < x.size(); ++k)
    if (std::isfinite(y[k]) && std::isfinite(y[k + 1]))
      list->AddLine(ImVec2(axes.x(x[k]), axes.y(y[k])), ImVec2(axes.x(x[k + 1]), axes.y(y[k + 1])), colour, thickness);
  for (std::size_t k = 0; k < x.size(); ++k)
    if (std::isfinite(y[k])) list->AddCircleFilled(ImVec2(axes.x(x[k]), axes.y(y[k])), thickness + 1.0f, colour);
}

PlotAxes axes_in(ImVec2 min, ImVec2 max, double x0, double x1, double top) {
  PlotAxes axes;
  axes.min = ImVec2(min.x + 48, min.y + 6);
  axes.max = ImVec2(max.x - 44, max.y - ImGui::GetTextLineHeight() - 10);
  const double pad = x1 > x0 ? (x1 - x0) * 0.03 : 0.5;
  axes.x0 = x0 - pad, axes.x1 = x1 + pad;
  axes.y0 = 0, axes.y1 = top > 0 ? top * 1.08 : 1;
  ImDrawList* list = ImGui::GetWindowDrawList();
  list->AddRectFilled(axes.min, axes.max, colours::plot, 4);
  axes.draw_x_ticks(list, 6);
  axes.draw_y_ticks(list, 5);
  return axes;
}

// The probability axis on the right: 0 at the bottom, 1 at the top.
void probability_axis(const PlotAxes& axes) {
  ImDrawList* list = ImGui::GetWindowDrawList();
  for (double p : {0.0, 0.5, 1.0}) {
    const float y = axes.max.y - float(p / 1.08) * (axes.max.y - axes.min.y);
    char text[8];
    std::snprintf(text, sizeof text, "%.1f", p);
    list->AddText(ImVec2(axes.max.x + 6, y - ImGui::GetTextLineHeight() * 0.5f), probability_colour, text);
  }
}

// The frame nearest the mouse along x, or -1 outside the plot.
int frame_under_mouse(const PlotAxes& axes, const std::vector<double>& x) {
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  if (!axes.contains(mouse)) return -1;
  int best = -1;
  float gap = 1e9f;
  for (std::size_t k = 0; k < x.size(); ++k) {
    const float d = std::fabs(axes.x(x[k]) - mouse.x);
    if (d < gap) gap = d, best = int(k);
  }
  return best;
}

void mark_shown(const PlotAxes& axes, double x) {
  ImGui::GetWindowDrawList()->AddLine(ImVec2(axes.x(x), axes.min.y), ImVec2(axes.x(x), axes.max.y), colours::accent, 1.5f);
}

// Each head's line (the selected one emphasised), the mean in bold and the
// title; returns the frame under the mouse, or -1.
int frame_lines(const PlotAxes& axes, const std::vector<double>& x, const std::vector<std::vector<double>>& heads,
                const std::vector<double>& mean, int selected, const char* id, const char* title) {
  for (int h = 0; h < int(heads.size()); ++h)
    polyline(axes, x, heads[std::size_t(h)], component_colour(h, h == selected ? 1.0f : 0.45f), h == selected ? 2.0f : 1.0f);
  polyline(axes, x, mean, IM_COL32(240, 240, 240, 255), 3.0f);
  ImGui::GetWindowDrawList()->AddText(ImVec2(axes.min.x + 6, axes.min.y + 2), colours::text_dim, title);
  ImGui::SetCursorScreenPos(axes.min);
  ImGui::InvisibleButton(id, ImVec2(axes.max.x - axes.min.x, axes.max.y - axes.min.y),
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  return ImGui::IsItemHovered() ? frame_under_mouse(axes, x) : -1;
}

// A click on a frame makes it current; a right click, image B.
void click_frame(Intents& out, int frame) {
  if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) show_frame(out, frame, false);
  if (ImGui::IsMouseClicked(ImGuiMouseButton_Right)) show_frame(out, frame, true);
}

}  // namespace

void SeriesView::controls(const ViewInput& in, Intents& out) {
  ImGui::SetNextItemWidth(ImGui::CalcTextSize("adversarial").x + 36);
  ImGui::Combo("##perturbation", &perturbation_, perturbation_names, int(std::size(perturbation_names)));
  const bool occlusion = std::string(perturbation_names[perturbation_]) == "occlusion";
  if (!occlusion) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::CalcTextSize("0, 0.05, 0.1, 0.2, 0.3").x + 16);
    ImGui::InputText("strengths", strengths_, sizeof strengths_);
  }
  if (std::string(perturbation_names[perturbation_]) == "noise") {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(90);
    ImGui::InputInt("seed", &seed_);
    seed_ = std::max(seed_, 0);
  }
  ImGui::SameLine();
  distance_.show("series", in.entry ? in.entry->analysis.settings.maxdim : 1);
  ImGui::SameLine();
  if (ImGui::Button("Run") && in.entry) {
    nlohmann::json request = {{"perturbation", perturbation_names[perturbation_]}, {"seed", seed_}};
    distance_.fill(request);
    std::vector<double> strengths;
    if (!occlusion && !parse_strengths(strengths_, strengths)) {
      error_ = "strengths: numbers separated by commas";
    } else {
      error_.clear();
      if (!occlusion) request["strengths"] = strengths;
      out.raise({.kind = IntentKind::RunSeries, .request = request.dump()});
    }
  }
  ImGui::SameLine();
  if (ImGui::Button("Frames…")) {
    nlohmann::json request = {{"frames", true}};
    distance_.fill(request);
    out.raise({.kind = IntentKind::OpenFrames, .request = request.dump()});
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("a video, or several images (in name order)");
  if (!error_.empty()) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", error_.c_str());
  }
}

void SeriesView::strength_plot(const ViewInput& in, Intents& out, ImVec2 min, ImVec2 max) {
  const SeriesData& s = in.state.series;
  const int layer = std::clamp(in.state.selection.layer, 0, std::max(0, s.layers - 1));
  std::vector<double> x, mean, probability;
  std::vector<std::vector<double>> heads(std::size_t(s.heads));
  for (std::size_t k = 0; k < s.frames.size(); ++k) {
    x.push_back(s.frames[k].strength);
    mean.push_back(s.layer_mean(k, layer));
    for (int h = 0; h < s.heads; ++h) heads[std::size_t(h)].push_back(s.distance(k, layer, h));
  }
  double top = finite_max(mean);
  for (const auto& h : heads) top = std::max(top, finite_max(h));
  const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
  const PlotAxes axes = axes_in(min, max, *lo, *hi, top);
  // Probability on its own axis, drawn in the distance's scale.
  for (std::size_t k = 0; k < s.frames.size(); ++k) probability.push_back(s.frames[k].probability * (axes.y1 / 1.08));
  polyline(axes, x, probability, probability_colour, 1.5f);
  probability_axis(axes);
  if (s.shown >= 0 && s.shown < int(x.size())) mark_shown(axes, x[std::size_t(s.shown)]);
  char name[96];
  std::snprintf(name, sizeof name, "%s of H%d to the unperturbed image, layer %d; orange: p", distance_.label().c_str(), distance_.dim, layer);
  const int k = frame_lines(axes, x, heads, mean, in.state.selection.head, "strength-plot", name);
  if (k >= 0) {
    ImGui::BeginTooltip();
    ImGui::Text("%s %g: mean %s, class %d (p = %.3f)", s.perturbation.c_str(), x[std::size_t(k)], distance_text(mean[std::size_t(k)]).c_str(),
                s.frames[std::size_t(k)].prediction, s.frames[std::size_t(k)].probability);
    ImGui::TextDisabled("click: make it current; right click: image B");
    ImGui::EndTooltip();
    click_frame(out, k);
  }
}

void SeriesView::occlusion_map(const ViewInput& in, Intents& out, ImVec2 min, ImVec2 max) {
  const SeriesData& s = in.state.series;
  ImGui::Checkbox("mean over heads", &mean_over_heads_);
  const int layer = std::clamp(in.state.selection.layer, 0, std::max(0, s.layers - 1));
  const int head = in.state.selection.head;
  int rows = 0, columns = 0;
  for (const SeriesFrame& f : s.frames) rows = std::max(rows, f.row + 1), columns = std::max(columns, f.column + 1);
  if (rows == 0 || columns == 0) return;
  std::vector<double> value(s.frames.size());
  for (std::size_t k = 0; k < s.frames.size(); ++k) value[k] = mean_over_heads_ ? s.layer_mean(k, layer) : s.distance(k, layer, head);
  const double top = finite_max(value);
  min.y = ImGui::GetCursorScreenPos().y;
  const float cell = std::min((max.x - min.x) / float(columns), (max.y - min.y - ImGui::GetTextLineHeight() - 4) / float(rows));
  const ImVec2 origin(min.x + (max.x - min.x - cell * float(columns)) * 0.5f, min.y);
  ImDrawList* list = ImGui::GetWindowDrawList();
  int hovered = -1;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  for (std::size_t k = 0; k < s.frames.size(); ++k) {
    const SeriesFrame& f = s.frames[k];
    const ImVec2 a(origin.x + cell * float(f.column), origin.y + cell * float(f.row)), b(a.x + cell - 1, a.y + cell - 1);
    const double v = value[k];
    list->AddRectFilled(a, b, std::isfinite(v) ? colormap_u32(top > 0 ? float(v / top) : 0.f) : IM_COL32(90, 90, 90, 255));
    if (!std::isfinite(v)) list->AddText(ImVec2(a.x + 2, a.y + 2), IM_COL32(255, 255, 255, 200), "∞");
    if (int(k) == s.shown) list->AddRect(a, b, colours::accent, 0, 0, 2.0f);
    if (mouse.x >= a.x && mouse.x < b.x && mouse.y >= a.y && mouse.y < b.y) hovered = int(k);
  }
  char name[96];
  std::snprintf(name, sizeof name, "%s of H%d when the patch is grey, layer %d%s", distance_.label().c_str(), distance_.dim, layer,
                mean_over_heads_ ? ", mean over heads" : "");
  list->AddText(ImVec2(origin.x, origin.y + cell * float(rows) + 2), colours::text_dim, name);
  ImGui::SetCursorScreenPos(origin);
  ImGui::InvisibleButton("occlusion-map", ImVec2(std::max(1.0f, cell * float(columns)), std::max(1.0f, cell * float(rows))),
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  if (hovered >= 0 && ImGui::IsItemHovered()) {
    const SeriesFrame& f = s.frames[std::size_t(hovered)];
    ImGui::SetTooltip("patch (%d, %d): %s, class %d (p = %.3f)\nclick: make it current; right click: image B", f.row, f.column,
                      distance_text(value[std::size_t(hovered)]).c_str(), f.prediction, f.probability);
    click_frame(out, hovered);
  }
}

void SeriesView::timeline(const ViewInput& in, Intents& out, ImVec2 min, ImVec2 max) {
  const SeriesData& s = in.state.series;
  const int count = int(s.frames.size());
  if (ImGui::Button(playing_ ? "Pause" : "Play")) playing_ = !playing_, play_clock_ = 0;
  ImGui::SameLine();
  slider_ = std::clamp(s.shown >= 0 ? s.shown : slider_, 0, count - 1);
  ImGui::SetNextItemWidth(std::max(80.0f, ImGui::GetContentRegionAvail().x - 8));
  if (ImGui::SliderInt("##frame", &slider_, 0, count - 1, "frame %d")) show_frame(out, slider_, false);
  // Play: the next frame twice a second, once the page has shown the last one.
  if (playing_) {
    play_clock_ += ImGui::GetIO().DeltaTime;
    if (play_clock_ >= 0.5 && !in.state.progress.running) {
      play_clock_ = 0;
      show_frame(out, (std::max(s.shown, 0) + 1) % count, false);
    }
  }
  min.y = ImGui::GetCursorScreenPos().y;
  const int layer = std::clamp(in.state.selection.layer, 0, std::max(0, s.layers - 1));
  std::vector<double> x, mean;
  std::vector<std::vector<double>> heads(std::size_t(s.heads));
  for (int k = 0; k < count; ++k) {
    x.push_back(k);
    mean.push_back(s.layer_mean(std::size_t(k), layer));
    for (int h = 0; h < s.heads; ++h) heads[std::size_t(h)].push_back(s.distance(std::size_t(k), layer, h));
  }
  double top = finite_max(mean);
  for (const auto& h : heads) top = std::max(top, finite_max(h));
  const PlotAxes axes = axes_in(min, max, 0, std::max(1, count - 1), top);
  if (s.shown >= 0) mark_shown(axes, s.shown);
  char name[96];
  std::snprintf(name, sizeof name, "%s of H%d to the previous frame, layer %d", distance_.label().c_str(), distance_.dim, layer);
  const int k = frame_lines(axes, x, heads, mean, in.state.selection.head, "timeline", name);
  if (k >= 0) {
    ImGui::SetTooltip("%s: mean %s, class %d (p = %.3f)", s.frames[std::size_t(k)].name.c_str(), distance_text(mean[std::size_t(k)]).c_str(),
                      s.frames[std::size_t(k)].prediction, s.frames[std::size_t(k)].probability);
    click_frame(out, k);
  }
}

void SeriesView::show(const ViewInput& in, Intents& out) {
  ImGui::Begin(title().c_str(), nullptr, panel_flags);
  controls(in, out);
  const SeriesData& s = in.state.series;
  const ImVec2 min = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 max(min.x + avail.x, min.y + avail.y);
  if (s.empty()) {
    centred_note("run a series: a perturbation of the current image, or frames");
  } else if (s.kind == "frames") {
    timeline(in, out, min, max);
  } else if (s.occlusion()) {
    occlusion_map(in, out, min, max);
  } else {
    strength_plot(in, out, min, max);
  }
  ImGui::End();
}

}  // namespace vitopo::app
