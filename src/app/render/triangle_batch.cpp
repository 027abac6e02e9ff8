#include "render/triangle_batch.hpp"

#include <GLES3/gl3.h>

#include "render/canvas_pass.hpp"
#include "render/gl_program.hpp"
#include "shader_sources.hpp"

namespace vitopo::app::render {

namespace {

struct TriangleProgram {
  Program program{shaders::triangles_vert, shaders::triangles_frag, "triangles"};
  GLint display = program.uniform("u_display"), colour = program.uniform("u_color");
  InstanceBuffer instances;  // per triangle: its three corners
  explicit TriangleProgram(std::size_t corners_bytes) : instances(corners_bytes, {4, 2}) {}
};

}  // namespace

void TriangleBatch::flush(ImDrawList* list, ImVec4 colour) {
  if (corners_->empty()) return;
  std::shared_ptr<const std::vector<Corners>> corners = std::move(corners_);
  corners_ = std::make_shared<std::vector<Corners>>();
  queue_pass(list, [corners, colour](const PassContext& context) {
    static TriangleProgram p(sizeof(Corners));
    if (!p.program.valid()) return;
    glUseProgram(p.program.id());
    glUniform2f(p.display, context.display_width, context.display_height);
    glUniform4f(p.colour, colour.x, colour.y, colour.z, colour.w);
    p.instances.draw(GL_TRIANGLES, 3, corners->data(), corners->size());
  });
}

}  // namespace vitopo::app::render
