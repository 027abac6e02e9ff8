#include "render/triangle_batch.hpp"

#include <GLES3/gl3.h>

#include "render/canvas_pass.hpp"
#include "render/gl_program.hpp"
#include "shader_sources.hpp"

namespace vitopo::app::render {

namespace {

struct TriangleProgram {
  Program program{shaders::triangles_vert, shaders::triangles_frag, "triangles"};
  GLuint vertex_array = 0, buffer = 0;
  GLint display, colour;
  explicit TriangleProgram(std::size_t stride) {
    display = program.uniform("u_display");
    colour = program.uniform("u_color");
    glGenVertexArrays(1, &vertex_array);
    glGenBuffers(1, &buffer);
    glBindVertexArray(vertex_array);
    glBindBuffer(GL_ARRAY_BUFFER, buffer);
    const GLsizei s = GLsizei(stride);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 4, GL_FLOAT, GL_FALSE, s, reinterpret_cast<void*>(0));
    glVertexAttribDivisor(0, 1);
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, s, reinterpret_cast<void*>(4 * sizeof(float)));
    glVertexAttribDivisor(1, 1);
    glBindVertexArray(0);
  }
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
    glBindVertexArray(p.vertex_array);
    glBindBuffer(GL_ARRAY_BUFFER, p.buffer);
    glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(corners->size() * sizeof(Corners)), corners->data(), GL_STREAM_DRAW);
    glDrawArraysInstanced(GL_TRIANGLES, 0, 3, GLsizei(corners->size()));
    glBindVertexArray(0);
  });
}

}  // namespace vitopo::app::render
