#version 300 es
precision highp float;
uniform vec4 u_color;  // straight RGBA
out vec4 fragColor;

void main() {
  fragColor = vec4(u_color.rgb * u_color.a, u_color.a);  // premultiplied
}
