#include "render/canvas_pass.hpp"

#include <GLES3/gl3.h>

#include <cmath>
#include <deque>

namespace vitopo::app::render {

namespace {

// Passes of the current frame; a deque so that the pointers handed to ImGui
// stay valid while more are queued.
std::deque<std::function<void(const PassContext&)>> passes;

void run_pass(const ImDrawList*, const ImDrawCmd* command) {
  const ImGuiIO& io = ImGui::GetIO();
  const float scale_x = io.DisplayFramebufferScale.x, scale_y = io.DisplayFramebufferScale.y;
  const int framebuffer_height = int(std::lround(io.DisplaySize.y * scale_y));
  const ImVec4 clip = command->ClipRect;
  glEnable(GL_SCISSOR_TEST);
  glScissor(int(clip.x * scale_x), int(framebuffer_height - clip.w * scale_y),
            int((clip.z - clip.x) * scale_x), int((clip.w - clip.y) * scale_y));
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_CULL_FACE);
  glDisable(GL_DEPTH_TEST);
  const PassContext context{io.DisplaySize.x, io.DisplaySize.y, scale_x > 0 ? 1.0f / scale_x : 1.0f};
  (*static_cast<std::function<void(const PassContext&)>*>(command->UserCallbackData))(context);
}

}  // namespace

void queue_pass(ImDrawList* list, std::function<void(const PassContext&)> draw) {
  passes.push_back(std::move(draw));
  list->AddCallback(run_pass, &passes.back());
  list->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
}

void begin_frame() { passes.clear(); }

}  // namespace vitopo::app::render
