// The workspace: the analyses the page holds side by side (image A, image B,
// the frames of a series). Each entry is complete and immutable once added:
// the image as the model saw it, its attention, the worker's analysis, the
// prediction and the model that made them. One entry is current; the views
// show it, and comparisons read the others.
//
// The page (web/workspace.mjs) decides what the workspace holds, within its
// byte budget, and tells the views' copy here to add, drop or select entries;
// entries are shared pointers, so a view drawing an entry that was just
// dropped still holds it until its next frame.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/analysis.hpp"

namespace vitopo::app {

// The attention probabilities of every layer and head, [L, H, T, T], as the
// model gave them (float32).
struct Attention {
  int layers = 0, heads = 0, tokens = 0;
  std::vector<float> data;

  bool empty() const { return data.empty(); }
  std::span<const float> matrix(int layer, int head) const {
    const std::size_t t = std::size_t(tokens);
    return {data.data() + (std::size_t(layer) * std::size_t(heads) + std::size_t(head)) * t * t, t * t};
  }
  std::span<const float> row(int layer, int head, int token) const {
    return matrix(layer, head).subspan(std::size_t(token) * std::size_t(tokens), std::size_t(tokens));
  }
};

// The model's input for the image (C×H×W in [0, 1]) and, for display, the
// image as loaded (downscaled RGBA; may be empty).
struct ModelInput {
  int channels = 0, height = 0, width = 0;
  std::vector<float> pixels;
  int original_width = 0, original_height = 0;
  std::vector<std::uint8_t> original_rgba;
  bool empty() const { return pixels.empty(); }
};

struct Prediction {
  int label = -1;                    // the page's argmax of the probabilities, -1 when none
  double probability = 0;
  std::vector<float> probabilities;  // softmax of the logits
};

struct WorkspaceEntry {
  int id = 0;
  std::string name;         // file name or sample name
  std::string model;        // the model's fingerprint (first 16 bytes of its SHA-256, hex)
  int sample_label = -1;    // the known class of a sample, -1 for an upload
  ModelInput input;
  Attention attention;
  vitopo::Analysis analysis;  // the worker's, decoded once
  Prediction prediction;
  bool partial = false;       // an analysis still streaming in (AppState::partial), never in the workspace

  // What the entry holds in memory, for the budget.
  std::uint64_t bytes() const;
};

class Workspace {
 public:
  // Adds (or replaces, by id) an entry and makes it current, or image B
  // (compared with the current image) with `as_b`.
  void add(std::shared_ptr<const WorkspaceEntry> entry, bool as_b = false);
  // Image B becomes current and the current image B; false without a B.
  bool swap_images();
  // Removes an entry; false if there was none with that id.
  bool remove(int id);
  // Makes an entry current; false if there is none with that id.
  bool make_current(int id);

  const WorkspaceEntry* current() const { return find(current_); }
  const WorkspaceEntry* image_b() const { return find(b_); }
  std::shared_ptr<const WorkspaceEntry> current_shared() const;
  const WorkspaceEntry* find(int id) const;
  const std::vector<std::shared_ptr<const WorkspaceEntry>>& entries() const { return entries_; }  // oldest first
  std::uint64_t bytes() const;

 private:
  std::vector<std::shared_ptr<const WorkspaceEntry>> entries_;
  int current_ = 0;
  int b_ = 0;
};

}  // namespace vitopo::app
