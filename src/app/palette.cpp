#include "palette.hpp"

#include <algorithm>

namespace vitopo::app {

const std::array<float, 18>& colormap_coefficients() {
  static const std::array<float, 18> c = {
      0.268301f, 0.003669f, 0.326598f,     //
      0.054145f, 1.533167f, 2.308517f,     //
      1.194046f, -1.561765f, -11.002879f,  //
      -12.460206f, 2.091473f, 27.985483f,  //
      22.801117f, -1.220498f, -33.904048f, //
      -10.865729f, 0.059376f, 14.428262f,
  };
  return c;
}

ImVec4 colormap(float t) {
  t = std::clamp(t, 0.0f, 1.0f);
  const auto& c = colormap_coefficients();
  float rgb[3];
  for (int k = 0; k < 3; ++k) {
    float v = c[15 + k];
    for (int i = 4; i >= 0; --i) v = v * t + c[3 * i + k];
    rgb[k] = std::clamp(v, 0.0f, 1.0f);
  }
  return {rgb[0], rgb[1], rgb[2], 1};
}

ImU32 colormap_u32(float t, float alpha) {
  ImVec4 c = colormap(t);
  c.w = alpha;
  return ImGui::ColorConvertFloat4ToU32(c);
}

namespace {
// Twelve hues, ordered so that neighbours in the list differ most.
constexpr ImU32 component_hues[] = {
    IM_COL32(94, 160, 255, 255),  IM_COL32(255, 159, 67, 255),  IM_COL32(46, 204, 143, 255),
    IM_COL32(239, 83, 120, 255),  IM_COL32(176, 132, 255, 255), IM_COL32(250, 214, 80, 255),
    IM_COL32(72, 219, 230, 255),  IM_COL32(255, 128, 200, 255), IM_COL32(163, 217, 92, 255),
    IM_COL32(255, 112, 77, 255),  IM_COL32(125, 145, 255, 255), IM_COL32(200, 170, 130, 255),
};
constexpr int hue_count = sizeof component_hues / sizeof component_hues[0];

ImU32 with_alpha(ImU32 colour, float alpha) {
  const ImU32 a = ImU32(std::clamp(alpha, 0.0f, 1.0f) * 255.0f + 0.5f);
  return (colour & ~IM_COL32_A_MASK) | (a << IM_COL32_A_SHIFT);
}
}  // namespace

ImU32 component_colour(int component, float alpha) {
  const int i = ((component % hue_count) + hue_count) % hue_count;
  return with_alpha(component_hues[i], alpha);
}

ImVec4 component_colour_vec(int component, float alpha) {
  ImVec4 c = ImGui::ColorConvertU32ToFloat4(component_colour(component));
  c.w = alpha;
  return c;
}

ImU32 dimension_colour(int dim, float alpha) {
  static constexpr ImU32 hues[] = {IM_COL32(94, 160, 255, 255), IM_COL32(255, 159, 67, 255),
                                   IM_COL32(46, 204, 143, 255)};
  return with_alpha(hues[std::clamp(dim, 0, 2)], alpha);
}

void apply_theme(ImGuiStyle& style) {
  ImGui::StyleColorsDark(&style);
  style.WindowRounding = 0;
  style.ChildRounding = 4;
  style.FrameRounding = 4;
  style.PopupRounding = 4;
  style.GrabRounding = 4;
  style.TabRounding = 4;
  style.ScrollbarRounding = 6;
  style.WindowBorderSize = 1;
  style.FrameBorderSize = 0;
  style.WindowPadding = ImVec2(10, 8);
  style.FramePadding = ImVec2(8, 4);
  style.ItemSpacing = ImVec2(8, 6);
  style.ItemInnerSpacing = ImVec2(6, 4);
  style.WindowTitleAlign = ImVec2(0, 0.5f);

  ImVec4* c = style.Colors;
  auto rgb = [](int r, int g, int b, float a = 1) { return ImVec4(r / 255.f, g / 255.f, b / 255.f, a); };
  c[ImGuiCol_Text] = rgb(226, 230, 236);
  c[ImGuiCol_TextDisabled] = rgb(128, 136, 148);
  c[ImGuiCol_WindowBg] = rgb(24, 27, 33);
  c[ImGuiCol_ChildBg] = rgb(18, 20, 25);
  c[ImGuiCol_PopupBg] = rgb(30, 34, 41, 0.98f);
  c[ImGuiCol_Border] = rgb(44, 49, 58);
  c[ImGuiCol_FrameBg] = rgb(35, 39, 47);
  c[ImGuiCol_FrameBgHovered] = rgb(45, 51, 62);
  c[ImGuiCol_FrameBgActive] = rgb(52, 59, 72);
  c[ImGuiCol_TitleBg] = rgb(20, 23, 28);
  c[ImGuiCol_TitleBgActive] = rgb(20, 23, 28);
  c[ImGuiCol_TitleBgCollapsed] = rgb(20, 23, 28);
  c[ImGuiCol_MenuBarBg] = rgb(20, 23, 28);
  c[ImGuiCol_ScrollbarBg] = rgb(18, 20, 25);
  c[ImGuiCol_CheckMark] = rgb(94, 160, 255);
  c[ImGuiCol_SliderGrab] = rgb(94, 160, 255);
  c[ImGuiCol_SliderGrabActive] = rgb(130, 182, 255);
  c[ImGuiCol_Button] = rgb(40, 46, 56);
  c[ImGuiCol_ButtonHovered] = rgb(55, 64, 78);
  c[ImGuiCol_ButtonActive] = rgb(94, 160, 255, 0.6f);
  c[ImGuiCol_Header] = rgb(94, 160, 255, 0.22f);
  c[ImGuiCol_HeaderHovered] = rgb(94, 160, 255, 0.32f);
  c[ImGuiCol_HeaderActive] = rgb(94, 160, 255, 0.45f);
  c[ImGuiCol_Separator] = rgb(44, 49, 58);
  c[ImGuiCol_PlotHistogram] = rgb(94, 160, 255);
  c[ImGuiCol_PlotHistogramHovered] = rgb(130, 182, 255);
  c[ImGuiCol_Tab] = rgb(30, 34, 41);
  c[ImGuiCol_TabHovered] = rgb(55, 64, 78);
  c[ImGuiCol_TabActive] = rgb(45, 52, 64);
}

}  // namespace vitopo::app
