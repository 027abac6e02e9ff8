#include "render/heatmap.hpp"

#include "palette.hpp"
#include "render/canvas_pass.hpp"
#include "render/gl_program.hpp"
#include "shader_sources.hpp"

namespace vitopo::app::render {

namespace {

struct HeatmapProgram {
  Program program{shaders::heatmap_vert, shaders::heatmap_frag, "heatmap"};
  GLuint vertex_array = 0;
  GLint rect, display, values, range, colormap, opacity, overlay;
  HeatmapProgram() {
    glGenVertexArrays(1, &vertex_array);  // WebGL2 wants one bound, even with no attributes
    rect = program.uniform("u_rect");
    display = program.uniform("u_display");
    values = program.uniform("u_values");
    range = program.uniform("u_range");
    colormap = program.uniform("u_colormap");
    opacity = program.uniform("u_opacity");
    overlay = program.uniform("u_overlay");
  }
};

const HeatmapProgram& heatmap_program() {
  static HeatmapProgram program;  // after the GL context exists: first use is inside a frame
  return program;
}

}  // namespace

Heatmap::~Heatmap() {
  if (texture_) glDeleteTextures(1, &texture_);
}

void Heatmap::set_values(const float* values, int rows, int cols) {
  if (!texture_) {
    glGenTextures(1, &texture_);
    glBindTexture(GL_TEXTURE_2D, texture_);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  }
  glBindTexture(GL_TEXTURE_2D, texture_);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, cols, rows, 0, GL_RED, GL_FLOAT, values);
  rows_ = rows;
  cols_ = cols;
}

void Heatmap::draw(ImDrawList* list, ImVec2 min, ImVec2 max, float low, float high, float opacity,
                   bool overlay) const {
  if (!texture_ || rows_ == 0) return;
  const GLuint texture = texture_;
  queue_pass(list, [=](const PassContext& context) {
    const HeatmapProgram& p = heatmap_program();
    if (!p.program.valid()) return;
    glUseProgram(p.program.id());
    glBindVertexArray(p.vertex_array);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, texture);
    glUniform1i(p.values, 0);
    glUniform4f(p.rect, min.x, min.y, max.x, max.y);
    glUniform2f(p.display, context.display_width, context.display_height);
    glUniform2f(p.range, low, high);
    glUniform3fv(p.colormap, 6, colormap_coefficients().data());
    glUniform1f(p.opacity, opacity);
    glUniform1i(p.overlay, overlay ? 1 : 0);
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
  });
}

}  // namespace vitopo::app::render
