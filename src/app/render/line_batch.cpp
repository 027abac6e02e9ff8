#include "render/line_batch.hpp"

#include <cstddef>

#include "render/canvas_pass.hpp"
#include "render/gl_program.hpp"
#include "shader_sources.hpp"

namespace vitopo::app::render {

namespace {

struct LineProgram {
  Program program{shaders::lines_vert, shaders::lines_frag, "lines"};
  GLint display = program.uniform("u_display"), pixel = program.uniform("u_pixel");
  InstanceBuffer instances;  // per segment: its ends, its colour, its width
  explicit LineProgram(std::size_t segment_bytes) : instances(segment_bytes, {4, 4, 1}) {}
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
    p.instances.draw(GL_TRIANGLE_STRIP, 4, segments->data(), segments->size());
  });
}

}  // namespace vitopo::app::render
