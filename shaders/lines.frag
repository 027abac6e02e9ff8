#version 300 es
precision highp float;
uniform float u_pixel;
in vec4 v_color;
in float v_across;
flat in float v_half;
out vec4 fragColor;

void main() {
  // Coverage falls off over one device pixel at each edge.
  float coverage = clamp((v_half - abs(v_across)) / u_pixel + 0.5, 0.0, 1.0);
  float alpha = v_color.a * coverage;
  fragColor = vec4(v_color.rgb * alpha, alpha);  // premultiplied
}
