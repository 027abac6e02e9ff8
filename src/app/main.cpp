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

#include "app/state/app_state.hpp"
#include "arrangement_view.hpp"
#include "series_view.hpp"
#include "barcode_view.hpp"
#include "bridge.hpp"
#include "diagram_view.hpp"
#include "distance_map_view.hpp"
#include "distance_matrix_view.hpp"
#include "head_grid_view.hpp"
#include "image_pair_view.hpp"
#include "image_view.hpp"
#include "layer_evolution_view.hpp"
#include "matching_view.hpp"
#include "palette.hpp"
#include "panel_help.hpp"
#include "panels.hpp"
#include "render/canvas_pass.hpp"
#include "settings_view.hpp"
#include "skeleton_view.hpp"
#include "status_view.hpp"

namespace {

using namespace vitopo::app;

constexpr const char* canvas_selector = "#canvas";
constexpr float font_size = 15.0f;  // CSS pixels

SDL_Window* window = nullptr;
float font_scale = 0;  // the dpr × presentation scale the font atlas was built for
float style_scale = 1;  // the presentation scale the style's sizes were scaled to
ImGuiStyle base_style;

// (Re)builds the font atlas for the current devicePixelRatio and
// presentation scale (text drawn at ui × font_size CSS pixels).
void load_fonts(float dpr, float ui = 1) {
  if (ui != style_scale) {
    ImGui::GetStyle() = base_style;
    ImGui::GetStyle().ScaleAllSizes(ui);
    style_scale = ui;
  }
  dpr *= ui;
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
  io.FontGlobalScale = ui / dpr;
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

// The "?" at the right of a panel's title bar: its plain explanation on hover
// (or press, for touch screens). A tiny window of its own over the panel, as
// a panel's title bar is outside what the panel itself can draw on.
void show_help_button(const char* id, ImVec2 position, ImVec2 size) {
  const std::string_view help = panel_help(id);
  if (help.empty()) return;
  const float h = ImGui::GetFrameHeight();
  ImGui::SetNextWindowPos(ImVec2(position.x + size.x - h - 6, position.y + 1), ImGuiCond_Always);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(6, 0));
  const std::string window = std::string("##help-") + id;
  ImGui::Begin(window.c_str(), nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoFocusOnAppearing);
  ImGui::SmallButton("?");
  if (ImGui::IsItemHovered() || ImGui::IsItemActive()) {
    ImGui::BeginTooltip();
    ImGui::TextUnformatted(help.data(), help.data() + help.size());
    ImGui::EndTooltip();
  }
  ImGui::End();
  ImGui::PopStyleVar(2);
}

// The views of the current image, each an instance of its own.
struct Views {
  ImageView image{"Image"};
  HeadGridView head_grid{"Layer × head"};
  SettingsView settings{"Settings"};
  SkeletonView skeleton{"Skeleton at ε"};
  BarcodeView barcode{"Barcode"};
  DiagramView diagram{"Persistence diagram"};
  DistanceMatrixView distance_matrix{"Distance matrix"};
  StatusView status{"Status"};
  ArrangementView arrangement{"Arrangement"};
  DistanceMapView distance_map{"Diagram distances"};
  MatchingView matching{"Matching"};
  LayerEvolutionView layer_evolution{"Through the layers"};
  ImagePairView image_pair{"Two images"};
  SeriesView series{"Series"};

  bool wants_force_layout() const { return skeleton.wants_force_layout(); }
  bool wants_triangles() const { return skeleton.wants_triangles(); }
};

Views& views() {
  static Views v;
  return v;
}
HeadFocus current_head;  // the selected head of the current entry
std::uint64_t settled_head = 0;

// The fixed arrangement, from the canvas size (CSS pixels). The page's own
// bar above the canvas (web/) holds the title, the image input, the gallery
// and the model; the canvas holds the views. Beside the image, the layer ×
// head grid and the settings, the arrangement's tabs choose what fills the
// rest: one head (below), the distance map and its matching, through the
// layers, or two images.
//   image      | tabs                  |
//              | skeleton  | diagram
//   layer×head | barcode   | distance matrix
//              |           | settings
//   status
// (beside a comparison, the settings go under the layer × head grid).
void arrange_and_show(const ViewInput& in, Intents& out) {
  Views& v = views();
  forget_placed_panels();
  const auto& hidden = in.state.hidden_panels;
  const auto place = [&](const char* id, View& view, ImVec2 position, ImVec2 size) {
    if (std::find(hidden.begin(), hidden.end(), id) != hidden.end()) return;  // a lesson hides it
    place_next_panel(id, view.title(), position, size);
    view.show(in, out);
    show_help_button(id, position, size);
  };
  const ImVec2 size = ImGui::GetIO().DisplaySize;
  const float bar_h = ImGui::GetFrameHeight() + 12;
  const float top = 0, bottom = size.y - bar_h;
  const float body_h = std::max(200.0f, bottom - top);
  const float gap = 0;

  // The image's column is a third of the width: at 1280 × 720 the model's
  // input is drawn about 290 px wide with the original beside it.
  // In a small window (900 × 600) the plots' column is as wide as the others.
  const bool small_window = size.x < 1100 || size.y < 620;
  const float col1 = std::round(size.x * 0.33f), col2 = std::round(size.x * (small_window ? 0.34f : 0.37f));
  const float col3 = size.x - col1 - col2;
  const float x2 = col1 + gap, x3 = col1 + col2 + gap;

  const int maxdim = in.entry ? in.entry->analysis.settings.maxdim : 1;
  const float settings_rows = maxdim >= 2 ? 8.5f : 6.0f;
  // In a small window the settings scroll, so that the plots above them keep room to be read.
  const float settings_h =
      std::min(body_h * (small_window ? 0.28f : 0.4f), settings_rows * ImGui::GetFrameHeightWithSpacing() + 34);
  // The layer × head grid grows with the number of layers; the image takes the rest.
  const int layers = in.entry ? in.entry->analysis.layers : 0;
  const float grid_want = float(std::max(layers, 4)) * 22.0f + 3 * ImGui::GetFrameHeightWithSpacing();
  // One head: the settings go under the diagram and the distance matrix, and
  // the image has the column above the grid. The comparisons fill both other
  // columns, and the settings stay under the grid.
  const bool head_arrangement = in.state.arrangement == Arrangement::Head;
  const float left_settings_h = head_arrangement ? 0 : settings_h;
  const float grid_h = std::round(std::clamp(grid_want, (body_h - left_settings_h) * 0.25f, (body_h - left_settings_h) * 0.45f));
  const float image_h = body_h - left_settings_h - grid_h;
  place("image", v.image, ImVec2(0, top), ImVec2(col1, image_h));
  place("head-grid", v.head_grid, ImVec2(0, top + image_h), ImVec2(col1, grid_h));
  if (!head_arrangement) place("settings", v.settings, ImVec2(0, top + image_h + grid_h), ImVec2(col1, settings_h));

  // Beside them, under the arrangement's tabs: one head, or a comparison.
  const float tabs_h = ImGui::GetFrameHeight() + 10;
  place("arrangement", v.arrangement, ImVec2(x2, top), ImVec2(col2 + col3, tabs_h));
  const float y = top + tabs_h, h = body_h - tabs_h;
  switch (in.state.arrangement) {
    case Arrangement::Head: {
      const float skeleton_h = std::round(h * 0.56f), plots_h = h - settings_h, diagram_h = std::round(plots_h * 0.55f);
      place("skeleton", v.skeleton, ImVec2(x2, y), ImVec2(col2, skeleton_h));
      place("barcode", v.barcode, ImVec2(x2, y + skeleton_h), ImVec2(col2, h - skeleton_h));
      place("diagram", v.diagram, ImVec2(x3, y), ImVec2(col3, diagram_h));
      place("distance-matrix", v.distance_matrix, ImVec2(x3, y + diagram_h), ImVec2(col3, plots_h - diagram_h));
      place("settings", v.settings, ImVec2(x3, y + plots_h), ImVec2(col3, settings_h));
      break;
    }
    case Arrangement::Compare:
      place("distance-map", v.distance_map, ImVec2(x2, y), ImVec2(col2, h));
      place("matching", v.matching, ImVec2(x3, y), ImVec2(col3, h));
      break;
    case Arrangement::Layers:
    case Arrangement::Series: {
      // A wide plot above the selected head's diagram and barcode.
      const float plot_h = std::round(h * 0.6f);
      if (in.state.arrangement == Arrangement::Layers)
        place("layers", v.layer_evolution, ImVec2(x2, y), ImVec2(col2 + col3, plot_h));
      else
        place("series", v.series, ImVec2(x2, y), ImVec2(col2 + col3, plot_h));
      place("diagram", v.diagram, ImVec2(x2, y + plot_h), ImVec2(col2, h - plot_h));
      place("barcode", v.barcode, ImVec2(x3, y + plot_h), ImVec2(col3, h - plot_h));
      break;
    }
    case Arrangement::Images:
      place("image-b", v.image_pair, ImVec2(x2, y), ImVec2(col2 + col3, h));
      break;
  }

  place("status", v.status, ImVec2(0, bottom), ImVec2(size.x, size.y - bottom));
}

// Whether to draw this animation frame. Redrawing a page where nothing moves
// only spends the user's battery, so after a second without input, change or
// animation the views are drawn 4 times a second, until something happens.
//
// While the worker analyses, the views mostly show its progress, and a frame
// can cost far more than its drawing: where the browser composites in
// software (no GPU, or headless), each frame ends in a read-back that waits
// for the software GPU, which shares the cores with the analysis (1.1 to 2.7 s
// measured on two cores), and the worker's heads wait behind it on the main
// thread. So while analysing: no frame between the model's answer and the
// first head, which is drawn as soon as it arrives (or after a second without
// one), then frames every 3 × the last frame's cost (0.25 to 2 s apart),
// which leaves the main thread free two thirds of the time.
bool worth_drawing(const AppState& state, bool input) {
  static double last_active = 0, last_drawn = 0, frame_cost = 0, waiting_since = -1;
  static bool measure = false;  // the last call drew: this call ends its cost
  static std::uint64_t last_mark = 0;
  const double now = emscripten_get_now() / 1000.0;
  if (measure) frame_cost = now - last_drawn, measure = false;
  const auto draw = [&] {
    last_drawn = now;
    measure = true;
    return true;
  };
  // Every change the bridge or a view makes bumps one of these.
  std::uint64_t mark = state.model_revision;
  for (std::uint64_t r : {state.workspace_revision, state.status.revision, state.selection.revision,
                          std::uint64_t(state.selection.layer), std::uint64_t(state.selection.head),
                          std::uint64_t(state.progress.done), std::uint64_t(state.arrangement)})
    mark = mark * 1000003u + r;
  double epsilon = state.scale.epsilon;
  std::uint64_t epsilon_bits = 0;
  std::memcpy(&epsilon_bits, &epsilon, sizeof epsilon_bits);
  mark = mark * 1000003u + epsilon_bits;
  if (state.progress.running && !input) {
    const PartialAnalysis& partial = state.partial;
    const bool first_head = partial.entry && !partial.entry->analysis.results.empty() && partial.first_drawn_ms == 0;
    if (first_head) return draw();
    // The heads are being analysed and none has arrived: the wait counts from
    // its start, not from a frame drawn before the model ran.
    const bool waiting = state.progress.total > 0 && state.progress.done == 0;
    if (!waiting) waiting_since = -1;
    else if (waiting_since < 0) waiting_since = now;
    // (At most 2 s apart, whatever the cost: a tab in the background, whose
    // frames stop, makes the last cost look long.)
    if (waiting ? now - std::max(last_drawn, waiting_since) < 1.0
                : now - last_drawn < std::clamp(3 * frame_cost, 0.25, 2.0))
      return false;
    return draw();
  }
  if (input || mark != last_mark || state.scale.playing || !state.outbox.empty()) {
    last_active = now;
    last_mark = mark;
  }
  if (now - last_active > 1.0 && now - last_drawn < 0.25) return false;
  return draw();
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
  load_fonts(dpr > 0 ? dpr : 1.0f, state.ui_scale);

  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  ImGuiIO& io = ImGui::GetIO();
  if (!(io.DeltaTime > 0)) io.DeltaTime = 1.0f / 1000.0f;  // the 1.86 SDL backend can report 0 (docs/toolchain.md)
  ImGui::NewFrame();
  render::begin_frame();

  // The current entry's selected head (or the streaming analysis'), worked out before any view draws it.
  const std::shared_ptr<const WorkspaceEntry> entry = state.shown_entry();
  const HeadDetails& head =
      current_head.update(entry, state.model.grid_rows, state.model.grid_cols, state.model.cls,
                          {state.selection.layer, state.selection.head, state.scale.epsilon, state.selection.bar,
                           views().wants_force_layout(), views().wants_triangles()});
  settle_scale(state, head, io.DeltaTime, settled_head);

  Intents intents;
  // The keyboard, once the canvas has it: ← and → move ε by a hundredth of
  // the head's scale, Space plays or stops the sweep.
  if (head.ready && !io.WantTextInput && !ImGui::IsAnyItemActive()) {
    const double step = head.scale_limit / 100;
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow)))
      intents.raise({.kind = IntentKind::SetEpsilon, .epsilon = std::max(0.0, state.scale.epsilon - step)});
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow)))
      intents.raise({.kind = IntentKind::SetEpsilon, .epsilon = std::min(head.scale_limit, state.scale.epsilon + step)});
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false))
      intents.raise({.kind = IntentKind::Play, .flag = !state.scale.playing});
  }
  arrange_and_show({state, entry.get(), head}, intents);
  // What the mouse is over this frame is the shared hover of the next: none
  // unless a view said so.
  apply(state, {.kind = IntentKind::Hover});
  for (const Intent& intent : intents.take()) apply(state, intent);

  ImGui::Render();
  int fb_w = 0, fb_h = 0;
  SDL_GL_GetDrawableSize(window, &fb_w, &fb_h);
  glViewport(0, 0, fb_w, fb_h);
  const ImVec4 clear = ImGui::ColorConvertU32ToFloat4(colours::background);
  glClearColor(clear.x, clear.y, clear.z, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  note_frame_drawn(state, entry.get(), emscripten_get_now());
}

}  // namespace

int main() {
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
  base_style = ImGui::GetStyle();
  ImGui_ImplSDL2_InitForOpenGL(window, context);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  const float dpr = float(emscripten_get_device_pixel_ratio());
  load_fonts(dpr > 0 ? dpr : 1.0f);

  emscripten_set_main_loop(frame, 0, true);
  return 0;
}
