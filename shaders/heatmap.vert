#version 300 es
// A screen-aligned rectangle, given in ImGui's logical pixels, covering a
// matrix of values. No vertex buffer: the corners come from gl_VertexID.
uniform vec4 u_rect;      // x0, y0, x1, y1 in logical pixels (y down)
uniform vec2 u_display;   // ImGui's display size in logical pixels
out vec2 v_uv;            // (0,0) top-left .. (1,1) bottom-right of the matrix

void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
  vec2 p = mix(u_rect.xy, u_rect.zw, corner);
  v_uv = corner;
  gl_Position = vec4(2.0 * p.x / u_display.x - 1.0, 1.0 - 2.0 * p.y / u_display.y, 0.0, 1.0);
}
