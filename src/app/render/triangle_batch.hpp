// Many filled triangles of one translucent colour in one instanced draw
// (shaders/triangles.*): the Rips complex at ε can have tens of thousands of
// 2-simplices, more than ImGui's 16-bit draw lists hold.
#pragma once

#include <imgui.h>

#include <memory>
#include <vector>

namespace vitopo::app::render {

class TriangleBatch {
 public:
  // A triangle, in ImGui logical pixels.
  void add(ImVec2 a, ImVec2 b, ImVec2 c) { corners_->push_back({a.x, a.y, b.x, b.y, c.x, c.y}); }
  bool empty() const { return corners_->empty(); }
  void reserve(std::size_t n) { corners_->reserve(n); }

  // Queues every triangle added so far into `list`, in straight RGBA
  // `colour`, and starts a new batch (the queued pass keeps its own copy).
  void flush(ImDrawList* list, ImVec4 colour);

 private:
  struct Corners {
    float x0, y0, x1, y1, x2, y2;
  };
  std::shared_ptr<std::vector<Corners>> corners_ = std::make_shared<std::vector<Corners>>();
};

}  // namespace vitopo::app::render
