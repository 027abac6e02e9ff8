#version 300 es
// One cell per matrix entry, coloured by a perceptual colormap: a degree-5
// polynomial fitted to viridis (the coefficients come from palette.cpp, so
// the heatmaps and the colour bars drawn on the CPU agree).
precision highp float;
precision highp sampler2D;

uniform sampler2D u_values;   // R32F, one texel per entry, row 0 at the top
uniform vec2 u_range;         // values mapped to 0 and 1
uniform vec3 u_colormap[6];   // c0 + c1 t + ... + c5 t^5
uniform float u_opacity;      // overall opacity
uniform int u_overlay;        // 1: transparent where the value is low (over an image)
in vec2 v_uv;
out vec4 fragColor;

vec3 colormap(float t) {
  vec3 c = u_colormap[5];
  for (int i = 4; i >= 0; --i) c = c * t + u_colormap[i];
  return clamp(c, 0.0, 1.0);
}

void main() {
  ivec2 size = textureSize(u_values, 0);
  ivec2 cell = clamp(ivec2(v_uv * vec2(size)), ivec2(0), size - 1);
  float value = texelFetch(u_values, cell, 0).r;
  float t = clamp((value - u_range.x) / max(u_range.y - u_range.x, 1e-30), 0.0, 1.0);
  float alpha = u_overlay == 1 ? u_opacity * (0.15 + 0.85 * sqrt(t)) : u_opacity;
  fragColor = vec4(colormap(t) * alpha, alpha);  // premultiplied
}
