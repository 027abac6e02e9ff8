// The page's colours: the UI theme, the homology dimensions, the skeleton's
// components, and the perceptual colormap of every heatmap.
#pragma once

#include <imgui.h>

#include <array>

namespace vitopo::app {

// Polynomial fit of viridis (degree 5, least squares through its ten
// published key colours, within 1.4 % of each): c0..c5, each an RGB triple.
// The heatmap shader gets the same coefficients as a uniform.
const std::array<float, 18>& colormap_coefficients();
// The colormap at t in [0, 1].
ImVec4 colormap(float t);
ImU32 colormap_u32(float t, float alpha = 1);

// Distinct hues for the skeleton's components (index wraps), chosen to stay
// apart on the dark background and under the colormap of the image overlay.
ImU32 component_colour(int component, float alpha = 1);
ImVec4 component_colour_vec(int component, float alpha = 1);

// H0, H1, H2 bars and points.
ImU32 dimension_colour(int dim, float alpha = 1);

namespace colours {
inline constexpr ImU32 background = IM_COL32(17, 19, 23, 255);
inline constexpr ImU32 panel = IM_COL32(24, 27, 33, 255);
inline constexpr ImU32 plot = IM_COL32(13, 15, 19, 255);
inline constexpr ImU32 grid = IM_COL32(255, 255, 255, 22);
inline constexpr ImU32 axis = IM_COL32(255, 255, 255, 70);
inline constexpr ImU32 text_dim = IM_COL32(150, 158, 170, 255);
inline constexpr ImU32 accent = IM_COL32(94, 160, 255, 255);
inline constexpr ImU32 epsilon = IM_COL32(255, 214, 102, 255);   // the scale ε, everywhere
inline constexpr ImU32 highlight = IM_COL32(255, 92, 138, 255);  // the selected bar and its cycle
inline constexpr ImU32 error = IM_COL32(255, 107, 107, 255);
inline constexpr ImU32 text = IM_COL32(230, 233, 238, 255);
inline constexpr ImU32 triangle = IM_COL32(140, 200, 255, 26);         // one filled 2-simplex, translucent
inline constexpr ImU32 triangle_swatch = IM_COL32(140, 200, 255, 110);  // the same in a legend
}  // namespace colours

// The dark theme of the whole page.
void apply_theme(ImGuiStyle& style);

}  // namespace vitopo::app
