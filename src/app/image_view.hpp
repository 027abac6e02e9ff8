// The image at model resolution with its patch grid, the skeleton at ε laid
// over it (edges between patch centres, components coloured), the attention
// of the hovered patch as a heatmap, and the model's prediction.
#pragma once

#include "view.hpp"
#include <cstdint>
#include "render/heatmap.hpp"
#include "render/image_texture.hpp"
#include "render/line_batch.hpp"

namespace vitopo::app {

class ImageView final : public View {
 public:
  using View::View;
  void show(const ViewInput& in, Intents& out) override;

 private:
  void upload(const WorkspaceEntry& entry);
  render::ImageTexture model_image_, original_image_;
  const WorkspaceEntry* uploaded_ = nullptr;
  std::uint64_t uploaded_workspace_ = ~std::uint64_t(0);
  render::Heatmap attention_overlay_;
  render::LineBatch skeleton_lines_, highlight_lines_;
  bool show_skeleton_ = true, show_grid_ = true;
};

}  // namespace vitopo::app
