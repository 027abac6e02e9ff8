#include "settings_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "palette.hpp"
#include "panels.hpp"

namespace vitopo::app {

namespace {

// C(n, k) in double, for the size warning.
double binomial(int n, int k) {
  if (k < 0 || k > n) return 0;
  double c = 1;
  for (int i = 1; i <= k; ++i) c = c * (n - k + i) / i;
  return c;
}

void help(const char* text) {
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 24);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

}  // namespace

void SettingsView::show(const ViewInput& in, Intents& out) {
  ImGui::Begin(title().c_str(), nullptr, panel_flags);
  // The controls show the analysis on screen; an edit stays until the
  // analysis made with it lands (or another one does).
  const vitopo::AnalysisSettings shown = in.entry ? in.entry->analysis.settings : vitopo::AnalysisSettings{};
  if (!(shown == shown_)) {
    shown_ = shown;
    edit_ = shown;
  }
  vitopo::AnalysisSettings& s = edit_;
  const vitopo::AnalysisSettings before = s;
  bool commit = false;  // true: reanalyse now (false while a drag is in progress)

  const float label_w = ImGui::CalcTextSize("Threshold").x + 14;
  const float field_w = std::max(80.0f, ImGui::GetContentRegionAvail().x - label_w);
  auto label = [&](const char* text) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("%s", text);
    ImGui::SameLine(label_w);
    ImGui::SetNextItemWidth(field_w);
  };

  label("Metric");
  ImGui::BeginDisabled(s.seed_compatible);
  if (ImGui::BeginCombo("##metric", s.seed_compatible ? "√ JS distance (seed)" : vitopo::metric_info(s.metric).label)) {
    for (const vitopo::MetricInfo& row : vitopo::metric_table) {
      if (ImGui::Selectable(row.label, row.metric == s.metric)) s.metric = row.metric, commit = true;
      help(row.formula);
    }
    ImGui::EndCombo();
  }
  ImGui::EndDisabled();

  label("Tokens");
  if (ImGui::Checkbox("columns (keys)", &s.columns)) commit = true;
  help("Token i's distribution is column i of A (who attends to i) instead of row i (what i attends to).");
  same_line_if_fits(check_width("drop CLS"), label_w + ImGui::GetStyle().WindowPadding.x);
  if (ImGui::Checkbox("drop CLS", &s.drop_cls)) commit = true;
  help("Remove the CLS token as a point and as a coordinate, then renormalise.");

  ImGui::SetCursorPosX(label_w + ImGui::GetStyle().WindowPadding.x);
  if (ImGui::Checkbox("seed-compatible", &s.seed_compatible)) {
    if (s.seed_compatible) s.metric = vitopo::Metric::JensenShannon;  // the mode replaces js by the seed's sqrt-js
    commit = true;
  }
  help("Reproduces the seed notebooks: a second softmax exp(a)/Σexp(a) of every row, which flattens the "
       "distributions, and sqrt() of the JS distance. Never the default.");

  label("Homology");
  if (ImGui::RadioButton("H0, H1", s.maxdim == 1)) s.maxdim = 1, commit = true;
  same_line_if_fits(check_width("up to H2"), label_w + ImGui::GetStyle().WindowPadding.x);
  if (ImGui::RadioButton("up to H2", s.maxdim == 2)) s.maxdim = 2, commit = true;
  if (s.maxdim >= 2) {
    const int tokens = in.entry ? in.entry->attention.tokens : in.state.model.tokens;
    const int n = tokens - (s.drop_cls ? 1 : 0);
    const double tetrahedra = binomial(n, 4);
    const int heads = in.entry ? std::max(1, in.entry->attention.layers * in.entry->attention.heads) : 1;
    ImGui::SetCursorPosX(label_w + ImGui::GetStyle().WindowPadding.x);
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(ImVec4(1.0f, 0.78f, 0.36f, 1), "H2 considers up to C(%d, 4) = %.3g tetrahedra per head, %d heads: slower, and may exceed memory.",
                       n, tetrahedra, heads);
    ImGui::PopTextWrapPos();
  }

  label("Threshold");
  bool enclosing = std::isinf(s.threshold);
  if (ImGui::Checkbox("enclosing radius", &enclosing)) {
    s.threshold = enclosing ? INFINITY : 0.5;
    commit = true;
  }
  help("Above the enclosing radius every Rips complex is a cone: nothing changes in positive degree (Ripser's default).");
  if (!enclosing) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(std::max(60.0f, ImGui::GetContentRegionAvail().x));
    float t = float(s.threshold);
    if (ImGui::DragFloat("##threshold", &t, 0.002f, 0.0f, 10.0f, "%.3f")) s.threshold = std::max(0.0f, t);
    if (ImGui::IsItemDeactivatedAfterEdit()) commit = true;
  }

  if (commit && !(s == before && s == shown)) out.raise({.kind = IntentKind::Reanalyse, .settings = s});
  ImGui::End();
}

}  // namespace vitopo::app
