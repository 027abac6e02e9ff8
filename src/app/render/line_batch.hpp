// Many antialiased line segments in one instanced draw (shaders/lines.*):
// the skeleton at ε can have thousands of edges.
#pragma once

#include <GLES3/gl3.h>
#include <imgui.h>

#include <memory>
#include <vector>

namespace vitopo::app::render {

class LineBatch {
 public:
  // Segments, in ImGui logical pixels; `colour` is straight RGBA.
  void add(ImVec2 a, ImVec2 b, ImVec4 colour, float width);
  void clear() { segments_->clear(); }
  bool empty() const { return segments_->empty(); }

  // Queues every segment added so far into `list` and starts a new batch
  // (the queued pass keeps its own copy).
  void flush(ImDrawList* list);

 private:
  struct Segment {
    float x0, y0, x1, y1;
    float r, g, b, a;
    float width;
  };
  std::shared_ptr<std::vector<Segment>> segments_ = std::make_shared<std::vector<Segment>>();
};

}  // namespace vitopo::app::render
