// The page's app module: SDL2 window and WebGL2 context on the page's
// <canvas id="canvas">, Dear ImGui, the fixed arrangement of the views, and
// the main loop. The state comes from the bridge (src/app/bridge*.cpp);
// nothing here computes science.
//
// HiDPI: SDL keeps the canvas' backing store at its CSS size times
// devicePixelRatio (SDL_WINDOW_ALLOW_HIGHDPI on a CSS-sized, resizable
// canvas); ImGui then works in CSS pixels with a framebuffer scale of dpr,
// and the font is rasterised at dpr times its size and drawn at 1/dpr, so
// text stays crisp.
#include <SDL.h>
#include <emscripten/emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>
#include <imgui_impl_sdl.h>

#include <GLES3/gl3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "app_state.hpp"
#include "barcode_view.hpp"
#include "developer_demo.hpp"
#include "diagram_view.hpp"
#include "distance_matrix_view.hpp"
#include "head_grid_view.hpp"
#include "image_view.hpp"
#include "palette.hpp"
#include "panels.hpp"
#include "render/canvas_pass.hpp"
#include "selected_head.hpp"
#include "settings_view.hpp"
#include "skeleton_view.hpp"
#include "status_view.hpp"

namespace {

using namespace vitopo::app;

constexpr const char* canvas_selector = "#canvas";
constexpr float font_size = 15.0f;  // CSS pixels

SDL_Window* window = nullptr;
bool developer_demo = false;  // "--demo": no bridge, the demo answers the intents
float font_scale = 0;  // the dpr the font atlas was built for

// (Re)builds the font atlas for the current devicePixelRatio.
void load_fonts(float dpr) {
  if (dpr == font_scale) return;
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig config;
  config.OversampleH = 2;
  config.OversampleV = 1;
  config.PixelSnapH = false;
  // Latin, Greek (β, ε), punctuation (…, –), arrows, mathematical operators (∞, ≤, √).
  static const ImWchar ranges[] = {0x0020, 0x00FF, 0x0370, 0x03FF, 0x1D00, 0x1DBF, 0x2010, 0x2027,
                                   0x2070, 0x209F, 0x2190, 0x2199, 0x2200, 0x22FF, 0x2C60, 0x2C7F, 0};
  ImFont* font = nullptr;
#ifdef VITOPO_UI_FONT_PATH
  font = io.Fonts->AddFontFromFileTTF(VITOPO_UI_FONT_PATH, font_size * dpr, &config, ranges);
#endif
  if (!font) {
    ImFontConfig fallback;
    fallback.SizePixels = 13.0f * dpr;
    io.Fonts->AddFontDefault(&fallback);
  }
  io.FontGlobalScale = 1.0f / dpr;
  if (font_scale != 0) {  // rebuild the GL texture of an existing atlas
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }
  font_scale = dpr;
}

// Keeps SDL's window (CSS pixels) equal to the canvas' CSS box, which the
// page's layout sizes; SDL then sets the backing store to CSS × dpr.
void follow_canvas_size() {
  double css_w = 0, css_h = 0;
  emscripten_get_element_css_size(canvas_selector, &css_w, &css_h);
  int w = 0, h = 0;
  SDL_GetWindowSize(window, &w, &h);
  const int want_w = std::max(1, int(std::lround(css_w))), want_h = std::max(1, int(std::lround(css_h)));
  if (want_w != w || want_h != h) SDL_SetWindowSize(window, want_w, want_h);
}

// The fixed arrangement, from the canvas size (CSS pixels). The page's own
// bar above the canvas (web/) holds the title, the image input, the gallery
// and the model; the canvas holds the views.
//   image      | skeleton  | diagram
//   layer×head | barcode   | distance matrix
//   settings   |           |
//   status
void arrange_and_show(AppState& state) {
  const ImVec2 size = ImGui::GetIO().DisplaySize;
  const float bar_h = ImGui::GetFrameHeight() + 12;
  const float top = 0, bottom = size.y - bar_h;
  const float body_h = std::max(200.0f, bottom - top);
  const float gap = 0;

  const float col1 = std::round(size.x * 0.27f), col2 = std::round(size.x * 0.38f);
  const float col3 = size.x - col1 - col2;
  const float x2 = col1 + gap, x3 = col1 + col2 + gap;

  const float settings_rows = state.settings.max_dim >= 2 ? 8.5f : 6.0f;
  const float settings_h = std::min(body_h * 0.4f, settings_rows * ImGui::GetFrameHeightWithSpacing() + 34);
  // The layer × head grid grows with the number of layers; the image takes the rest.
  const int layers = std::max(state.analysis.layers, state.attention.layers);
  const float grid_want = float(std::max(layers, 4)) * 22.0f + 3 * ImGui::GetFrameHeightWithSpacing();
  const float grid_h = std::round(std::clamp(grid_want, (body_h - settings_h) * 0.28f, (body_h - settings_h) * 0.5f));
  const float image_h = body_h - settings_h - grid_h;
  place_next_panel(ImVec2(0, top), ImVec2(col1, image_h));
  show_image_view(state);
  place_next_panel(ImVec2(0, top + image_h), ImVec2(col1, grid_h));
  show_head_grid_view(state);
  place_next_panel(ImVec2(0, top + image_h + grid_h), ImVec2(col1, settings_h));
  show_settings_view(state);

  const float skeleton_h = std::round(body_h * 0.56f);
  place_next_panel(ImVec2(x2, top), ImVec2(col2, skeleton_h));
  show_skeleton_view(state);
  place_next_panel(ImVec2(x2, top + skeleton_h), ImVec2(col2, body_h - skeleton_h));
  show_barcode_view(state);

  const float diagram_h = std::round(body_h * 0.5f);
  place_next_panel(ImVec2(x3, top), ImVec2(col3, diagram_h));
  show_diagram_view(state);
  place_next_panel(ImVec2(x3, top + diagram_h), ImVec2(col3, body_h - diagram_h));
  show_distance_matrix_view(state);

  place_next_panel(ImVec2(0, bottom), ImVec2(size.x, size.y - bottom));
  show_status_view(state);
}

// ε follows the play button, and stays inside the selected head's range.
void advance_scale(AppState& state, float seconds) {
  const SelectedHead& head = selected_head(state);
  if (!head.ready) return;
  Scale& scale = state.scale;
  static std::uint64_t seen_revision = 0;
  if (head.revision != seen_revision) {
    // A new head: a scale where the skeleton shows structure, unless ε is already inside its range.
    // The median H0 death: half of the merges have happened, so the
    // components are neither all single tokens nor one blob.
    if (!(scale.chosen && scale.epsilon >= 0 && scale.epsilon <= head.scale_limit)) {
      std::vector<double> deaths;
      if (!head.persistence.barcodes.empty())
        for (const auto& bar : head.persistence.barcodes[0].bars)
          if (std::isfinite(bar.death)) deaths.push_back(bar.death);
      if (deaths.empty()) {
        scale.epsilon = head.scale_limit * 0.5;
      } else {
        std::nth_element(deaths.begin(), deaths.begin() + std::ptrdiff_t(deaths.size() / 2), deaths.end());
        scale.epsilon = deaths[deaths.size() / 2];
      }
      scale.chosen = true;
    }
    seen_revision = head.revision;
  }
  if (scale.playing) {
    scale.epsilon += head.scale_limit * seconds / std::max(0.5, scale.play_seconds);
    if (scale.epsilon >= head.scale_limit) {
      scale.epsilon = head.scale_limit;
      scale.playing = false;
    }
  }
  scale.epsilon = std::clamp(scale.epsilon, 0.0, head.scale_limit);
}

// One SelectionChanged intent when layer, head or bar change, or when ε
// settles (not on every frame of a drag or a sweep).
void announce_selection(AppState& state, double now) {
  struct Announced {
    int layer = -1, head = -1;
    BarSelection bar;
    double epsilon = -1;
  };
  static Announced announced;
  static double epsilon_changed_at = 0;
  static double last_epsilon = -1;
  const Selection& s = state.selection;
  if (state.scale.epsilon != last_epsilon) {
    last_epsilon = state.scale.epsilon;
    epsilon_changed_at = now;
  }
  const bool moved = s.layer != announced.layer || s.head != announced.head || !(s.bar == announced.bar);
  const bool settled = state.scale.epsilon != announced.epsilon && !state.scale.playing && now - epsilon_changed_at > 0.3;
  if (!moved && !settled) return;
  if (moved) ++state.selection.revision;
  announced = {s.layer, s.head, s.bar, state.scale.epsilon};
  Intent intent;
  intent.kind = IntentKind::SelectionChanged;
  intent.layer = s.layer;
  intent.head = s.head;
  intent.bar = s.bar;
  intent.epsilon = state.scale.epsilon;
  state.raise(intent);
}

// Whether to draw this animation frame. Redrawing a page where nothing moves
// only spends the user's battery, so after a second without input, change or
// animation the views are drawn 4 times a second (what is driven by time,
// such as announcing a settled ε, still advances), until something happens.
bool worth_drawing(const AppState& state, bool input) {
  static double last_active = 0, last_drawn = 0;
  static std::uint64_t last_mark = 0;
  const double now = emscripten_get_now() / 1000.0;
  // Every change the bridge or a view makes bumps one of these.
  std::uint64_t mark = state.model_revision;
  for (std::uint64_t r : {state.image.revision, state.attention.revision, state.analysis.revision,
                          state.status.revision, state.settings_revision, state.selection.revision,
                          std::uint64_t(state.selection.layer), std::uint64_t(state.selection.head),
                          std::uint64_t(state.progress.done)})
    mark = mark * 1000003u + r;
  double epsilon = state.scale.epsilon;
  std::uint64_t epsilon_bits = 0;
  std::memcpy(&epsilon_bits, &epsilon, sizeof epsilon_bits);
  mark = mark * 1000003u + epsilon_bits;
  if (input || mark != last_mark || state.scale.playing || state.progress.running || !state.intents.empty()) {
    last_active = now;
    last_mark = mark;
  }
  if (now - last_active > 1.0 && now - last_drawn < 0.25) return false;
  last_drawn = now;
  return true;
}

void frame() {
  AppState& state = app_state();
  SDL_Event event;
  bool input = false;
  while (SDL_PollEvent(&event)) {
    ImGui_ImplSDL2_ProcessEvent(&event);
    input = true;
  }
  if (!worth_drawing(state, input)) return;

  follow_canvas_size();
  const float dpr = float(emscripten_get_device_pixel_ratio());
  load_fonts(dpr > 0 ? dpr : 1.0f);

  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  ImGuiIO& io = ImGui::GetIO();
  if (!(io.DeltaTime > 0)) io.DeltaTime = 1.0f / 1000.0f;  // the 1.86 SDL backend can report 0 (docs/toolchain.md)
  ImGui::NewFrame();
  render::begin_frame();

  // Selection safety: the bridge may load a smaller model.
  if (!state.attention.empty()) {
    state.selection.layer = std::clamp(state.selection.layer, 0, std::max(0, state.attention.layers - 1));
    state.selection.head = std::clamp(state.selection.head, 0, std::max(0, state.attention.heads - 1));
  }
  advance_scale(state, io.DeltaTime);
  arrange_and_show(state);

  // What the mouse was over this frame is the shared hover of the next.
  state.selection.hovered_token = hovering().token;
  state.selection.hovered_bar = {hovering().bar_dim, hovering().bar_index};
  hovering() = {};
  announce_selection(state, ImGui::GetTime());
  if (developer_demo) serve_developer_demo_intents(state);

  ImGui::Render();
  int fb_w = 0, fb_h = 0;
  SDL_GL_GetDrawableSize(window, &fb_w, &fb_h);
  glViewport(0, 0, fb_w, fb_h);
  const ImVec4 clear = ImGui::ColorConvertU32ToFloat4(colours::background);
  glClearColor(clear.x, clear.y, clear.z, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

}  // namespace

int main(int argc, char** argv) {
  SDL_SetHint(SDL_HINT_EMSCRIPTEN_KEYBOARD_ELEMENT, canvas_selector);  // keys only when the canvas has focus
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
    std::fprintf(stderr, "vitopo: SDL_Init failed: %s\n", SDL_GetError());
    return 1;
  }
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
  SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);

  double css_w = 0, css_h = 0;
  emscripten_get_element_css_size(canvas_selector, &css_w, &css_h);
  window = SDL_CreateWindow("vitopo", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, std::max(320, int(css_w)),
                            std::max(240, int(css_h)), SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  if (!window) {
    std::fprintf(stderr, "vitopo: no window: %s\n", SDL_GetError());
    return 1;
  }
  SDL_GLContext context = SDL_GL_CreateContext(window);
  if (!context) {
    std::fprintf(stderr, "vitopo: no WebGL2 context: %s\n", SDL_GetError());
    return 1;
  }
  SDL_GL_MakeCurrent(window, context);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the arrangement is fixed; nothing to remember
  io.ConfigWindowsMoveFromTitleBarOnly = true;
  apply_theme(ImGui::GetStyle());
  ImGui_ImplSDL2_InitForOpenGL(window, context);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  const float dpr = float(emscripten_get_device_pixel_ratio());
  load_fonts(dpr > 0 ? dpr : 1.0f);

  // Developer demo: only when the module is started with "--demo" (the
  // shipped page never passes it), clearly labelled as synthetic.
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--demo") == 0 || std::strcmp(argv[i], "--demo-large") == 0) {
      developer_demo = true;
      load_developer_demo(app_state(), std::strcmp(argv[i], "--demo-large") == 0);
    }

  emscripten_set_main_loop(frame, 0, true);
  return 0;
}
