#include "render/line_batch.hpp"

#include <cstddef>

#include "render/canvas_pass.hpp"
#include "render/gl_program.hpp"
#include "shader_sources.hpp"

namespace vitopo::app::render {

namespace {

struct LineProgram {
  Program program{shaders::lines_vert, shaders::lines_frag, "lines"};
  GLuint vertex_array = 0, buffer = 0;
  GLint display, pixel;
  std::size_t stride;
  LineProgram(std::size_t segment_bytes) : stride(segment_bytes) {
    display = program.uniform("u_display");
    pixel = program.uniform("u_pixel");
    glGenVertexArrays(1, &vertex_array);
    glGenBuffers(1, &buffer);
    glBindVertexArray(vertex_array);
    glBindBuffer(GL_ARRAY_BUFFER, buffer);
    const GLsizei s = GLsizei(stride);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 4, GL_FLOAT, GL_FALSE, s, reinterpret_cast<void*>(0));
    glVertexAttribDivisor(0, 1);
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 4, GL_FLOAT, GL_FALSE, s, reinterpret_cast<void*>(4 * sizeof(float)));
    glVertexAttribDivisor(1, 1);
    glEnableVertexAttribArray(2);
    glVertexAttribPointer(2, 1, GL_FLOAT, GL_FALSE, s, reinterpret_cast<void*>(8 * sizeof(float)));
    glVertexAttribDivisor(2, 1);
    glBindVertexArray(0);
  }
};

}  // namespace

void LineBatch::add(ImVec2 a, ImVec2 b, ImVec4 colour, float width) {
  segments_->push_back({a.x, a.y, b.x, b.y, colour.x, colour.y, colour.z, colour.w, width});
}

void LineBatch::flush(ImDrawList* list) {
  if (segments_->empty()) return;
  std::shared_ptr<const std::vector<Segment>> segments = std::move(segments_);
  segments_ = std::make_shared<std::vector<Segment>>();
  queue_pass(list, [segments](const PassContext& context) {
    static LineProgram p(sizeof(Segment));
    if (!p.program.valid()) return;
    glUseProgram(p.program.id());
    glUniform2f(p.display, context.display_width, context.display_height);
    glUniform1f(p.pixel, context.pixel);
    glBindVertexArray(p.vertex_array);
    glBindBuffer(GL_ARRAY_BUFFER, p.buffer);
    glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(segments->size() * sizeof(Segment)), segments->data(), GL_STREAM_DRAW);
    glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, GLsizei(segments->size()));
    glBindVertexArray(0);
  });
}

}  // namespace vitopo::app::render
