#version 300 es
// Antialiased line segments, one instance per segment, expanded to a quad
// here (WebGL has no wide lines). Positions are ImGui logical pixels.
layout(location = 0) in vec4 a_segment;  // x0, y0, x1, y1
layout(location = 1) in vec4 a_color;    // straight (not premultiplied) RGBA
layout(location = 2) in float a_width;   // logical pixels
uniform vec2 u_display;                  // ImGui's display size in logical pixels
uniform float u_pixel;                   // one device pixel in logical pixels (1 / dpr)
out vec4 v_color;
out float v_across;                      // signed distance from the centre line, logical px
flat out float v_half;                   // half width, logical px

void main() {
  // Corners 0..3 of a triangle strip: (start, left) (start, right) (end, left) (end, right).
  float along = float((gl_VertexID >> 1) & 1);
  float side = float(gl_VertexID & 1) * 2.0 - 1.0;
  vec2 a = a_segment.xy, b = a_segment.zw;
  vec2 dir = b - a;
  float len = length(dir);
  dir = len > 1e-6 ? dir / len : vec2(1.0, 0.0);
  vec2 normal = vec2(-dir.y, dir.x);
  float half_width = max(a_width, u_pixel) * 0.5;
  float extent = half_width + u_pixel;  // room for the antialiased fringe
  vec2 p = mix(a - dir * extent, b + dir * extent, along) + normal * side * extent;
  v_color = a_color;
  v_across = side * extent;
  v_half = half_width;
  gl_Position = vec4(2.0 * p.x / u_display.x - 1.0, 1.0 - 2.0 * p.y / u_display.y, 0.0, 1.0);
}
