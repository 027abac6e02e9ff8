// Custom GL drawing inside an ImGui window. A view queues a pass with
// ImDrawList::AddCallback; when ImGui's OpenGL backend reaches it, the pass
// runs with the window's clip rectangle as scissor and premultiplied-alpha
// blending, and ImGui's own render state is restored after it.
#pragma once

#include <imgui.h>

#include <functional>

namespace vitopo::app::render {

// What a pass needs to map ImGui's logical pixels to the framebuffer.
struct PassContext {
  float display_width = 1;   // logical pixels
  float display_height = 1;
  float pixel = 1;           // one device pixel in logical pixels (1 / dpr)
};

// Queues `draw` on `list`; it runs at render time, this frame. The closure
// must own (or outlive the frame with) whatever it draws.
void queue_pass(ImDrawList* list, std::function<void(const PassContext&)> draw);

// Called once per frame before the views: drops last frame's passes.
void begin_frame();

}  // namespace vitopo::app::render
