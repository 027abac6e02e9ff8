// The page's application state: the one plain struct every view reads and
// the bridge (src/app/bridge*.cpp, called from JS) fills.
//
// Data flows one way (docs/architecture.md): JS hands the model, the image, the attention
// tensor and the worker's analysis into this state through the bridge; the
// views draw from it every frame and raise Intents; the bridge drains
// `intents` each frame and turns them into JS calls (reanalyse in the worker,
// cancel, update the URL...).
//
// Rules of the contract:
// - The bridge writes only the "inputs" sections (model, image, attention,
//   analysis, prediction, progress, status) and bumps the matching
//   `revision`; the views never write them.
// - The views write the "user" sections (settings, selection, scale) and push
//   Intents; the bridge may also write them (e.g. when a share link is opened),
//   and then bumps `selection.revision` / `settings_revision`.
// - Everything is plain data: std::vector<float>, ints, doubles, strings.
//   All matrices are row-major.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace vitopo::app {

// ---------------------------------------------------------------- inputs ---

// What the app needs from the model's metadata (docs/contracts.md, "The model contract").
struct ModelInfo {
  std::string name;                 // e.g. "vit-fashion-mnist"
  int input_width = 0;              // pixels the model sees
  int input_height = 0;
  int channels = 1;                 // 1 (gray) or 3 (RGB)
  int patch = 0;                    // patch side in pixels
  int grid_rows = 0;                // patch grid
  int grid_cols = 0;
  bool has_cls = true;              // token 0 is CLS; patch (r, c) is token has_cls + r*cols + c
  std::vector<std::string> labels;  // class names, index = logit index
  std::string dataset;              // training data, for the model card line
  double test_accuracy = 0;         // in [0, 1], 0 when unknown

  int tokens() const { return grid_rows * grid_cols + (has_cls ? 1 : 0); }
  // The token of patch (row, col), or -1 outside the grid.
  int token_of_patch(int row, int col) const {
    if (row < 0 || col < 0 || row >= grid_rows || col >= grid_cols) return -1;
    return (has_cls ? 1 : 0) + row * grid_cols + col;
  }
  // The patch of a token as (row, col); (-1, -1) for CLS.
  std::pair<int, int> patch_of_token(int token) const {
    const int p = token - (has_cls ? 1 : 0);
    if (p < 0 || grid_cols <= 0 || p >= grid_rows * grid_cols) return {-1, -1};
    return {p / grid_cols, p % grid_cols};
  }
};

// The image as the model saw it, plus the user's original for display.
struct ImageInput {
  std::string name;                      // file name or sample name, for the title line
  int width = 0;                         // model resolution
  int height = 0;
  int channels = 0;                      // 1 or 3
  std::vector<float> pixels;             // channels × height × width, in [0, 1] (CHW, like `pixels`)
  int original_width = 0;                // the uploaded image, downscaled for display; 0 if none
  int original_height = 0;
  std::vector<std::uint8_t> original_rgba;  // original_height × original_width × 4
  int sample_label = -1;                 // the known class of a sample image, -1 for an upload
  std::uint64_t revision = 0;            // bumped by the bridge on every change

  bool empty() const { return width <= 0 || height <= 0 || pixels.empty(); }
};

// The attention probabilities of every layer and head: [L, H, T, T].
struct AttentionTensor {
  int layers = 0;
  int heads = 0;
  int tokens = 0;
  std::vector<float> data;      // layers × heads × tokens × tokens
  std::uint64_t revision = 0;   // bumped by the bridge on every change

  bool empty() const { return data.empty(); }
  const float* matrix(int layer, int head) const {
    return data.data() + (std::size_t(layer) * heads + head) * std::size_t(tokens) * tokens;
  }
  const float* row(int layer, int head, int token) const {
    return matrix(layer, head) + std::size_t(token) * tokens;
  }
};

// The distance between two tokens' distributions (docs/science.md, "Metrics").
enum class Metric : int {
  JensenShannon = 0,         // scipy.spatial.distance.jensenshannon, natural log (default)
  JensenShannonDivergence,   // JS distance squared
  SqrtJensenShannon,         // sqrt of the JS distance: the seed's main notebook
  Hellinger,
  TotalVariation,
  Cosine,
  Euclidean,
  AttentionGraph,            // 1 - max(A_ij, A_ji)
};
inline constexpr int metric_count = 8;
// The CLI / JSON spelling of each metric, indexed by int(Metric).
inline constexpr const char* metric_names[metric_count] = {
    "js", "js-divergence", "sqrt-js", "hellinger", "total-variation", "cosine", "euclidean", "attention-graph"};

// How the analysis was (or is to be) run. Mirrors the analysis JSON's settings.
struct AnalysisSettings {
  Metric metric = Metric::JensenShannon;
  bool columns = false;          // key-side (column) distributions
  bool drop_cls = false;         // drop CLS and renormalise
  bool seed_compatible = false;  // second softmax, as the seed notebooks did
  int max_dim = 1;               // 1 by default; 2 only when the user opts in
  double threshold = std::numeric_limits<double>::infinity();  // infinity: the enclosing radius
  int modulus = 2;

  friend bool operator==(const AnalysisSettings&, const AnalysisSettings&) = default;
};

// One persistence pair. death == +infinity for an essential class.
struct DiagramPoint {
  double birth = 0;
  double death = std::numeric_limits<double>::infinity();
  bool essential() const { return death == std::numeric_limits<double>::infinity(); }
};

// Per-dimension summary of one head's diagram (the analysis JSON's "summary").
struct DimensionSummary {
  int bars = 0;                    // all bars, essential included
  int essential = 0;               // bars with death = +infinity
  double total_persistence = 0;    // sum of finite (death - birth), order 1
  double entropy = 0;              // persistence entropy of the finite bars
  double longest = 0;              // longest finite bar
};

// One head of the worker's analysis.
struct HeadAnalysis {
  int layer = 0;
  int head = 0;
  std::vector<std::vector<DiagramPoint>> diagrams;  // diagrams[dim], dim = 0..max_dim
  std::vector<DimensionSummary> summary;            // summary[dim], same length as diagrams
  double threshold = std::numeric_limits<double>::infinity();  // the threshold actually used
};

// The worker's analysis of every head (schema vitopo.analysis/1).
struct Analysis {
  AnalysisSettings settings;             // the settings it was computed with
  int layers = 0;
  int heads = 0;
  int tokens = 0;
  std::vector<HeadAnalysis> heads_data;  // index layer * heads + head
  std::string json;                      // the analysis JSON as the worker produced it (for export)
  std::uint64_t revision = 0;            // bumped by the bridge on every change

  bool empty() const { return heads_data.empty(); }
  const HeadAnalysis* find(int layer, int head) const {
    if (layer < 0 || head < 0 || layer >= layers || head >= heads) return nullptr;
    const std::size_t i = std::size_t(layer) * heads + head;
    return i < heads_data.size() ? &heads_data[i] : nullptr;
  }
};

struct Prediction {
  int label = -1;                     // argmax of the logits, -1 when none
  double probability = 0;             // softmax probability of `label`
  std::vector<float> probabilities;   // all classes, softmax of the logits
};

// The worker's progress; filled by the bridge from the worker's messages.
struct Progress {
  bool running = false;
  int done = 0;                  // heads finished
  int total = 0;                 // heads to do
  std::string stage;             // "running the model", "analysing heads"...
  bool cancel_requested = false; // set by the views when the user presses Cancel
};

// One line of status under the views. `error` wins over `message` when set;
// the previous analysis stays on screen either way.
struct Status {
  std::string message;   // e.g. "analysed 16 heads in 0.4 s"
  std::string error;     // e.g. "photo.heic is not an image the browser can decode"
  std::uint64_t revision = 0;
};

// ------------------------------------------------------------------ user ---

// The bar the user clicked: barcode `dim` of the selected head, bar `index`
// in the order of HeadAnalysis::diagrams[dim]. index = -1: none.
struct BarSelection {
  int dim = -1;
  int index = -1;
  bool valid() const { return dim >= 0 && index >= 0; }
  friend bool operator==(const BarSelection&, const BarSelection&) = default;
};

// The selection shared by every view.
struct Selection {
  int layer = 0;
  int head = 0;
  BarSelection bar;            // clicked bar
  BarSelection hovered_bar;    // bar under the mouse in the barcode or diagram (transient)
  int hovered_token = -1;      // token under the mouse in any view (transient), -1 none
  std::uint64_t revision = 0;  // bumped when layer/head/bar change
};

// The scale ε shared by every view, and the sweep of the play button.
struct Scale {
  double epsilon = 0;
  bool chosen = false;         // ε was set (by a view, a link or the page API), not yet defaulted
  bool playing = false;
  double play_seconds = 6;     // one sweep from 0 to the largest finite death
};

// What a view asks the outside world (the bridge, hence JS) to do.
enum class IntentKind : int {
  Reanalyse = 0,      // run the analysis again with `settings`
  Cancel,             // stop the running analysis
  SelectionChanged,   // layer/head/bar/ε changed (for the URL / share link)
  OpenImage,          // open the browser's file picker
  LoadSample,         // load gallery sample `sample`
  ExportAnalysis,     // download the analysis JSON
  CopyShareLink,      // copy the share link to the clipboard
};

struct Intent {
  IntentKind kind = IntentKind::Reanalyse;
  AnalysisSettings settings;   // Reanalyse: the settings to use
  int layer = 0;               // SelectionChanged
  int head = 0;
  BarSelection bar;
  double epsilon = 0;
  int sample = -1;             // LoadSample
};

// A sample of the gallery, as the web side announces it (for the app's menu).
struct Sample {
  std::string name;
  int label = -1;
};

// ------------------------------------------------------------------ state ---

struct AppState {
  // inputs (bridge)
  ModelInfo model;
  std::uint64_t model_revision = 0;
  ImageInput image;
  AttentionTensor attention;
  Analysis analysis;
  Prediction prediction;
  Progress progress;
  Status status;
  std::vector<Sample> samples;

  // user (views; the bridge may set them too)
  AnalysisSettings settings;       // what the settings view shows; applied by a Reanalyse intent
  std::uint64_t settings_revision = 0;
  Selection selection;
  Scale scale;

  // out (views push, the bridge drains each frame)
  std::vector<Intent> intents;

  void raise(const Intent& intent) { intents.push_back(intent); }
  std::vector<Intent> take_intents() {
    std::vector<Intent> out;
    out.swap(intents);
    return out;
  }
};

// The one application state of the page.
AppState& app_state();

}  // namespace vitopo::app
