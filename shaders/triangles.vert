#version 300 es
// Filled triangles, one instance per triangle, all of one colour. Positions
// are ImGui logical pixels.
layout(location = 0) in vec4 a_first;   // x0, y0, x1, y1
layout(location = 1) in vec2 a_third;   // x2, y2
uniform vec2 u_display;                 // ImGui's display size in logical pixels

void main() {
  vec2 p = gl_VertexID == 0 ? a_first.xy : gl_VertexID == 1 ? a_first.zw : a_third;
  gl_Position = vec4(2.0 * p.x / u_display.x - 1.0, 1.0 - 2.0 * p.y / u_display.y, 0.0, 1.0);
}
