#include "matching_view.hpp"

#include <imgui.h>

#include <cmath>
#include <string>

#include "comparison_plots.hpp"
#include "palette.hpp"
#include "panels.hpp"

namespace vitopo::app {

namespace {

std::string head_name(const nlohmann::json& h) {
  const std::string layer = "layer " + std::to_string(h.value("layer", 0));
  return h.contains("head") && h.at("head").is_number_integer() ? layer + ", head " + std::to_string(h.at("head").get<int>())
                                                                : layer + ", all heads";
}

int head_of(const nlohmann::json& h) {
  return h.contains("head") && h.at("head").is_number_integer() ? h.at("head").get<int>() : -1;
}

}  // namespace

void MatchingView::show(const ViewInput& in, Intents& out) {
  ImGui::Begin(title().c_str(), nullptr, panel_flags);
  const ComparisonResult* result = in.state.comparison("matching");
  if (!result || !result->request.is_object() || !in.entry) {
    centred_note("click a cell of the distance map to see the matching behind its distance");
    ImGui::End();
    return;
  }
  nlohmann::json request = result->request;
  // After a re-analysis the matching is redone on the new analysis.
  if (request.value("entryA", 0) != in.entry->id) {
    request["entryA"] = request["entryB"] = in.entry->id;
    request_comparison(in.state, out, "matching", request);
    ImGui::End();
    return;
  }
  if (!comparison_status(result, out, "matching")) {
    ImGui::End();
    return;
  }
  const nlohmann::json& a = request.at("a");
  const nlohmann::json& b = request.at("b");
  const int dim = request.value("dim", 1);
  const std::string distance = request.value("distance", std::string("bottleneck"));
  const std::string kind = distance == "bottleneck" ? "bottleneck" : "W" + std::to_string(int(request.value("order", 1.0)));
  const std::string label_a = "A: " + head_name(a), label_b = "B: " + head_name(b);
  ImGui::Text("%s distance of H%d = %s", kind.c_str(), dim, distance_text(result->distance).c_str());
  if (std::isinf(result->distance))
    ImGui::TextWrapped("The diagrams have different numbers of essential classes (death ∞): no finite matching exists.");
  else
    ImGui::TextDisabled(distance == "bottleneck" ? "the emphasised pair attains it (the longest L∞ edge)"
                                                 : "the emphasised pair is the longest edge; the distance sums them all");
  const auto bars_a = diagram_bars(in.entry, a.value("layer", 0), head_of(a), dim);
  const auto bars_b = diagram_bars(in.entry, b.value("layer", 0), head_of(b), dim);
  const ImVec2 min = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  draw_matching(bars_a, bars_b, *result, min, ImVec2(min.x + avail.x, min.y + avail.y), false,
                (label_a + " (dots)").c_str(), (label_b + " (squares)").c_str());
  ImGui::End();
}

}  // namespace vitopo::app
