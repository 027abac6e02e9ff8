// A matrix of values drawn through the colormap shader (shaders/heatmap.*):
// one texel per entry in an R32F texture, so a 197×197 distance matrix costs
// one quad, not 38 809 rectangles.
#pragma once

#include <GLES3/gl3.h>
#include <imgui.h>

#include <memory>

namespace vitopo::app::render {

class Heatmap {
 public:
  Heatmap() = default;
  Heatmap(const Heatmap&) = delete;
  Heatmap& operator=(const Heatmap&) = delete;
  ~Heatmap();

  // rows × cols values, row-major, row 0 drawn at the top.
  void set_values(const float* values, int rows, int cols);
  bool empty() const { return rows_ == 0; }
  int rows() const { return rows_; }
  int cols() const { return cols_; }

  // Queues the heatmap into `list` over [min, max]. Values map linearly from
  // [low, high] to the colormap. overlay: transparent where low, for drawing
  // over an image.
  void draw(ImDrawList* list, ImVec2 min, ImVec2 max, float low, float high, float opacity = 1,
            bool overlay = false) const;

 private:
  GLuint texture_ = 0;
  int rows_ = 0, cols_ = 0;
};

}  // namespace vitopo::app::render
