// An RGBA8 texture for ImGui::Image / ImDrawList::AddImage.
#pragma once

#include <GLES3/gl3.h>
#include <imgui.h>

#include <cstdint>

namespace vitopo::app::render {

class ImageTexture {
 public:
  ImageTexture() = default;
  ImageTexture(const ImageTexture&) = delete;
  ImageTexture& operator=(const ImageTexture&) = delete;
  ~ImageTexture();

  // width × height × 4 bytes. smooth: linear filtering (photos); otherwise
  // nearest, so model-resolution pixels stay crisp squares.
  void set_rgba(const std::uint8_t* rgba, int width, int height, bool smooth);
  bool empty() const { return texture_ == 0 || width_ == 0; }
  void clear() { width_ = height_ = 0; }  // keeps the GL name for the next image
  ImTextureID id() const { return reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(texture_)); }
  int width() const { return width_; }
  int height() const { return height_; }

 private:
  GLuint texture_ = 0;
  int width_ = 0, height_ = 0;
};

}  // namespace vitopo::app::render
