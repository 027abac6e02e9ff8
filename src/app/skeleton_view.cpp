#include "skeleton_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <utility>
#include <vector>

#include "palette.hpp"
#include "panels.hpp"
#include "render/line_batch.hpp"

namespace vitopo::app {

namespace {

// Where ε stands against the selected H1 bar.
enum class CycleState { NotBorn, Alive, Dead };

CycleState cycle_state_at(const vitopo::Bar& bar, double epsilon) {
  if (epsilon < bar.birth) return CycleState::NotBorn;
  if (std::isfinite(bar.death) && epsilon >= bar.death) return CycleState::Dead;
  return CycleState::Alive;
}

ImU32 cycle_colour(CycleState state) {
  switch (state) {
    case CycleState::NotBorn: return IM_COL32(255, 92, 138, 150);
    case CycleState::Alive: return colours::highlight;
    case CycleState::Dead: return IM_COL32(150, 158, 170, 230);
  }
  return colours::highlight;
}

// A segment as dashes of 6 px with gaps of 4 px.
void add_dashed(render::LineBatch& lines, ImVec2 a, ImVec2 b, ImVec4 colour, float width) {
  const float dx = b.x - a.x, dy = b.y - a.y, length = std::sqrt(dx * dx + dy * dy);
  if (!(length > 0)) return;
  for (float s = 0; s < length; s += 10) {
    const float e = std::min(s + 6, length);
    lines.add(ImVec2(a.x + dx * s / length, a.y + dy * s / length), ImVec2(a.x + dx * e / length, a.y + dy * e / length), colour, width);
  }
}

// The legend in the canvas's corner: the triangles' fill and, with an H1
// bar selected, the cycle's three styles, the one ε gives now bright.
void draw_legend(ImDrawList* list, ImVec2 at, bool triangles, std::optional<CycleState> cycle) {
  const float line = ImGui::GetTextLineHeight() + 2, swatch = 18;
  std::vector<std::pair<int, const char*>> rows;  // -1: the triangles' row; else a CycleState
  if (triangles) rows.emplace_back(-1, "filled triangle: 3 tokens all within ε");
  if (cycle) {
    rows.emplace_back(int(CycleState::NotBorn), "loop not born yet (ε < birth)");
    rows.emplace_back(int(CycleState::Alive), "loop alive (birth <= ε < death)");
    rows.emplace_back(int(CycleState::Dead), "loop filled in, dead (ε >= death)");
  }
  if (rows.empty()) return;
  float width = 0;
  for (const auto& row : rows) width = std::max(width, ImGui::CalcTextSize(row.second).x);
  list->AddRectFilled(ImVec2(at.x - 4, at.y - 3), ImVec2(at.x + swatch + 10 + width, at.y + line * float(rows.size()) + 1), IM_COL32(13, 15, 19, 200), 4);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const float y = at.y + line * float(r), mid = y + line * 0.5f - 1;
    const int kind = rows[r].first;
    const bool now = kind < 0 || (cycle && kind == int(*cycle));
    if (kind < 0) {
      list->AddTriangleFilled(ImVec2(at.x, mid + 5), ImVec2(at.x + swatch * 0.5f, mid - 6), ImVec2(at.x + swatch, mid + 5), colours::triangle_swatch);
    } else {
      const ImU32 c = cycle_colour(CycleState(kind));
      if (CycleState(kind) == CycleState::NotBorn)
        for (float x = 0; x < swatch; x += 7) list->AddLine(ImVec2(at.x + x, mid), ImVec2(at.x + std::min(x + 4, swatch), mid), c, 2);
      else
        list->AddLine(ImVec2(at.x, mid), ImVec2(at.x + swatch, mid), c, CycleState(kind) == CycleState::Alive ? 3.0f : 2.0f);
    }
    list->AddText(ImVec2(at.x + swatch + 6, y), now ? colours::text : colours::text_dim, rows[r].second);
  }
}

}  // namespace

void SkeletonView::show(const ViewInput& in, Intents& out) {
  ImGui::Begin(title().c_str(), nullptr, panel_flags);
  const AppState& state = in.state;
  const HeadDetails& head = in.head;
  Arrangement& arrangement = arrangement_;
  render::LineBatch& edge_lines = edge_lines_;
  render::LineBatch& highlight_lines = highlight_lines_;
  if (!head.ready) {
    centred_note(head.error.empty() ? "the 1-skeleton of the selected head appears here" : head.error.c_str());
    ImGui::End();
    return;
  }

  // Controls: step back, play, step forward, ε (its value beside the slider,
  // never under the handle), speed, loop, the layout; and, with a bar
  // selected, ε to its birth or death.
  const double step = head.scale_limit / 100;
  const auto set_epsilon = [&](double e) { out.raise({.kind = IntentKind::SetEpsilon, .epsilon = std::clamp(e, 0.0, head.scale_limit)}); };
  if (ImGui::ArrowButton("##back", ImGuiDir_Left)) set_epsilon(state.scale.epsilon - step);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("ε one step down (or ← with the canvas focused)");
  ImGui::SameLine(0, 2);
  if (ImGui::Button(state.scale.playing ? "Pause" : "Play", ImVec2(ImGui::CalcTextSize("Pause").x + 18, 0))) {
    const bool play = !state.scale.playing;
    if (play && state.scale.epsilon >= head.scale_limit * 0.999) out.raise({.kind = IntentKind::SetEpsilon, .epsilon = 0});
    out.raise({.kind = IntentKind::Play, .flag = play});
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("sweep ε from 0 to %.4f (Space)", head.scale_limit);
  ImGui::SameLine(0, 2);
  if (ImGui::ArrowButton("##forward", ImGuiDir_Right)) set_epsilon(state.scale.epsilon + step);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("ε one step up (or →)");
  ImGui::SameLine();
  const float layout_w = ImGui::CalcTextSize("Patch grid").x + 40;
  const float value_w = ImGui::CalcTextSize("ε = 0.0000").x + 8;
  ImGui::SetNextItemWidth(std::max(60.0f, ImGui::GetContentRegionAvail().x - layout_w - value_w - 16));
  float epsilon = float(state.scale.epsilon);
  if (ImGui::SliderFloat("##epsilon", &epsilon, 0.0f, float(head.scale_limit), "")) set_epsilon(double(epsilon));
  ImGui::SameLine();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colours::epsilon), "ε = %.4f", state.scale.epsilon);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(layout_w);
  const char* names[] = {"Patch grid", "MDS", "Force"};
  int chosen = int(arrangement);
  if (ImGui::Combo("##layout", &chosen, names, 3)) arrangement = Arrangement(chosen);

  static const double speeds[] = {24, 12, 6, 3};
  static const char* speed_names[] = {"slow", "calm", "normal", "fast"};
  int speed = 2;
  for (int k = 0; k < 4; ++k)
    if (std::abs(state.scale.play_seconds - speeds[k]) < 1e-9) speed = k;
  ImGui::SetNextItemWidth(ImGui::CalcTextSize("normal").x + 36);
  if (ImGui::Combo("##speed", &speed, speed_names, 4))
    out.raise({.kind = IntentKind::SetPlayback, .flag = state.scale.loop, .play_seconds = speeds[speed]});
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("play speed: one sweep in %.0f s", state.scale.play_seconds);
  ImGui::SameLine();
  bool loop = state.scale.loop;
  if (ImGui::Checkbox("loop", &loop)) out.raise({.kind = IntentKind::SetPlayback, .flag = loop, .play_seconds = state.scale.play_seconds});
  same_line_if_fits(check_width("Triangles"));
  ImGui::Checkbox("Triangles", &show_triangles_);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("fill the triangles at ε: three tokens whose three distances are all <= ε.\nA loop dies when triangles fill it in.");
  if (const vitopo::Bar* bar = head.bar(state.selection.bar)) {
    same_line_if_fits(small_button_width("ε to its birth"));
    if (ImGui::SmallButton("ε to its birth")) set_epsilon(bar->birth);
    if (std::isfinite(bar->death)) {
      same_line_if_fits(small_button_width("ε to its death"));
      if (ImGui::SmallButton("ε to its death")) set_epsilon(bar->death);
    }
  }

  const vitopo::Skeleton& skeleton = head.skeleton;
  const vitopo::Layout& layout = arrangement == Arrangement::PatchGrid ? head.grid_layout
                                 : arrangement == Arrangement::Mds     ? head.mds
                                                                       : head.force;
  if (layout.rows() != head.points) {
    ImGui::End();
    return;
  }

  // Fit the layout into the canvas, keeping its aspect.
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float footer = ImGui::GetTextLineHeightWithSpacing();
  const ImVec2 canvas_min = origin, canvas_max(origin.x + avail.x, origin.y + avail.y - footer);
  ImDrawList* list = ImGui::GetWindowDrawList();
  list->AddRectFilled(canvas_min, canvas_max, colours::plot, 4);
  // The legend has a band of its own at the top: the tokens are fitted below it.
  const vitopo::Bar* selected = head.bar(state.selection.bar);
  const bool cycle_shown = selected && state.selection.bar.dim == 1 && !head.cycle.empty();
  const int legend_rows = (show_triangles_ ? 1 : 0) + (cycle_shown ? 3 : 0);
  const float legend_h = legend_rows > 0 ? float(legend_rows) * (ImGui::GetTextLineHeight() + 2) + 6 : 0.0f;
  const ImVec2 plot_min(canvas_min.x, std::min(canvas_min.y + legend_h, canvas_max.y - 40));
  // The force layout pushes isolated tokens far out; framing them would
  // shrink the connected part to a dot. Frame the tokens that have edges and
  // pin the others to the border.
  Eigen::Vector2d low = layout.colwise().minCoeff(), high = layout.colwise().maxCoeff();
  if (arrangement == Arrangement::Force) {
    Eigen::Vector2d l(INFINITY, INFINITY), h(-INFINITY, -INFINITY);
    int framed = 0;
    for (int p = 0; p < head.points; ++p) {
      if (skeleton.components[std::size_t(skeleton.component_of[std::size_t(p)])].points.size() < 2) continue;
      l = l.cwiseMin(layout.row(p).transpose());
      h = h.cwiseMax(layout.row(p).transpose());
      ++framed;
    }
    if (framed >= 3) low = l, high = h;
  }
  const double span_x = std::max(high.x() - low.x(), 1e-12), span_y = std::max(high.y() - low.y(), 1e-12);
  const float margin = 18;
  const float scale = float(std::min((canvas_max.x - plot_min.x - 2 * margin) / span_x, (canvas_max.y - plot_min.y - 2 * margin) / span_y));
  const ImVec2 centre((plot_min.x + canvas_max.x) * 0.5f, (plot_min.y + canvas_max.y) * 0.5f);
  auto at = [&](int p) {
    const ImVec2 q(centre.x + float(layout(p, 0) - (low.x() + high.x()) * 0.5) * scale,
                   centre.y + float(layout(p, 1) - (low.y() + high.y()) * 0.5) * scale);
    return ImVec2(std::clamp(q.x, canvas_min.x + margin * 0.5f, canvas_max.x - margin * 0.5f),
                  std::clamp(q.y, plot_min.y + margin * 0.5f, canvas_max.y - margin * 0.5f));
  };

  ImGui::PushClipRect(canvas_min, canvas_max, true);
  const float node = std::clamp(220.0f / std::sqrt(float(head.points) + 1.0f) * 0.35f, 2.5f, 6.0f);
  const vitopo::Triangles& triangles = head.triangles;
  const bool draw_triangles = show_triangles_ && head.triangles_epsilon >= 0 && !triangles.over_budget;
  if (draw_triangles) {
    triangle_fill_.reserve(triangles.list.size());
    for (const auto& [i, j, k] : triangles.list) triangle_fill_.add(at(i), at(j), at(k));
    // Translucent: where many triangles overlap, the fill grows denser.
    triangle_fill_.flush(list, ImGui::ColorConvertU32ToFloat4(colours::triangle));
  }
  for (const auto& [i, j] : skeleton.edges)
    edge_lines.add(at(i), at(j), component_colour_vec(skeleton.component_of[std::size_t(i)], 0.55f), 1.3f);
  edge_lines.flush(list);

  // The selected bar: its simplices (gold) and its representative cycle (pink).
  if (const vitopo::Bar* bar = head.bar(state.selection.bar)) {
    // The cycle as ε finds it: dashed before its birth, solid while alive,
    // grey once the triangles have filled it in (its death).
    const CycleState cycle_state = cycle_state_at(*bar, state.scale.epsilon);
    const ImVec4 colour = ImGui::ColorConvertU32ToFloat4(cycle_colour(cycle_state));
    for (const auto& [u, v] : head.cycle) {
      if (cycle_state == CycleState::NotBorn)
        add_dashed(highlight_lines, at(int(u)), at(int(v)), colour, 2.0f);
      else
        highlight_lines.add(at(int(u)), at(int(v)), colour, cycle_state == CycleState::Alive ? 3.0f : 2.0f);
    }
    const ImVec4 gold = ImGui::ColorConvertU32ToFloat4(colours::epsilon);
    for (const auto* simplex : {&bar->birth_simplex, &bar->death_simplex})
      for (std::size_t a = 0; a < simplex->size(); ++a)
        for (std::size_t b = a + 1; b < simplex->size(); ++b)
          highlight_lines.add(at(int((*simplex)[a])), at(int((*simplex)[b])), gold, 2.0f);
    highlight_lines.flush(list);
    for (const auto* simplex : {&bar->birth_simplex, &bar->death_simplex})
      for (vitopo::index_t p : *simplex) list->AddCircle(at(int(p)), node + 3.5f, colours::epsilon, 0, 2);
  }

  ImGui::SetCursorScreenPos(canvas_min);
  ImGui::InvisibleButton("skeleton", ImVec2(canvas_max.x - canvas_min.x, canvas_max.y - canvas_min.y));
  const bool hovered = ImGui::IsItemHovered();
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  int hover_point = -1;
  float best = (node + 4) * (node + 4);
  for (int p = 0; p < head.points; ++p) {
    const ImVec2 c = at(p);
    const int k = skeleton.component_of[std::size_t(p)];
    const bool alone = skeleton.components[std::size_t(k)].points.size() < 2;
    list->AddCircleFilled(c, node, alone ? IM_COL32(170, 176, 188, 200) : component_colour(k));
    if (head.grid.cls && p == 0) list->AddText(ImVec2(c.x + node + 2, c.y - node - 10), colours::text_dim, "CLS");
    if (hovered) {
      const float dx = c.x - mouse.x, dy = c.y - mouse.y;
      if (dx * dx + dy * dy < best) best = dx * dx + dy * dy, hover_point = p;
    }
  }
  const int shown_point = head.point_of_token(state.selection.hovered_token);
  if (shown_point >= 0) list->AddCircle(at(shown_point), node + 2.5f, IM_COL32(255, 255, 255, 240), 0, 2);
  draw_legend(list, ImVec2(canvas_min.x + 6, canvas_min.y + 6), show_triangles_,
              cycle_shown ? std::optional(cycle_state_at(*selected, state.scale.epsilon)) : std::nullopt);
  if (show_triangles_ && triangles.over_budget) {
    char note[200];
    std::snprintf(note, sizeof note, "%llu triangles at this ε: too many to draw (at most %llu).\nLower ε to see them fill in.",
                  static_cast<unsigned long long>(triangles.count), static_cast<unsigned long long>(vitopo::default_triangle_budget));
    const ImVec2 size = ImGui::CalcTextSize(note);
    const ImVec2 at_note(centre.x - size.x * 0.5f, canvas_max.y - size.y - 8);
    list->AddRectFilled(ImVec2(at_note.x - 6, at_note.y - 4), ImVec2(at_note.x + size.x + 6, at_note.y + size.y + 4), IM_COL32(13, 15, 19, 220), 4);
    list->AddText(at_note, colours::epsilon, note);
  }
  ImGui::PopClipRect();

  if (hover_point >= 0) {
    const int token = head.token_of_point(hover_point);
    out.raise({.kind = IntentKind::Hover, .token = token});
    ImGui::BeginTooltip();
    const auto cell = head.grid.cell(hover_point);
    if (cell) ImGui::Text("token %d · patch (%d, %d)", token, cell->first, cell->second);
    else ImGui::Text("token %d · CLS", token);
    const int k = skeleton.component_of[std::size_t(hover_point)];
    ImGui::TextDisabled("component of %zu tokens at ε", skeleton.components[std::size_t(k)].points.size());
    ImGui::EndTooltip();
  }

  int nontrivial = 0;
  for (const auto& c : skeleton.components) nontrivial += c.points.size() > 1;
  ImGui::SetCursorScreenPos(ImVec2(origin.x, canvas_max.y + 3));
  // The full count when it fits the panel's width, else the essentials.
  char line[160];
  std::snprintf(line, sizeof line, "%zu edges · %zu components (%d with edges) · %d tokens", skeleton.edges.size(),
                skeleton.components.size(), nontrivial, head.points);
  if (ImGui::CalcTextSize(line).x > ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x - origin.x)
    std::snprintf(line, sizeof line, "%zu edges · %zu components · %d tokens", skeleton.edges.size(),
                  skeleton.components.size(), head.points);
  ImGui::TextDisabled("%s", line);
  if (show_triangles_ && head.triangles_epsilon >= 0) {
    char count[48];
    std::snprintf(count, sizeof count, "· %llu triangles", static_cast<unsigned long long>(triangles.count));
    // On the same line when it fits; the canvas keeps its height either way.
    if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + ImGui::CalcTextSize(count).x <=
        ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x) {
      ImGui::SameLine();
      ImGui::TextDisabled("%s", count);
    }
  }
  ImGui::End();
}

}  // namespace vitopo::app
