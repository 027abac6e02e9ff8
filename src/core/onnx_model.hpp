// The model contract (docs/contracts.md): reads an ONNX file's graph inputs,
// outputs and metadata, checks them against what vitopo needs, and returns the
// model's description, or every way in which the file breaks the contract.
//
// The contract:
//   input  `pixels`     [B, C, H, W] float32 in [0, 1], C = 1 (gray) or 3 (RGB)
//   output `logits`     [B, K]
//   output `attentions` [L, B, heads, T, T], T = prefix_tokens + grid rows * cols;
//                       token 0 is CLS, patch (r, c) is token prefix_tokens + r * cols + c
//   metadata_props "vitopo": JSON
//     { "input": {"channels": C, "height": H, "width": W},
//       "patch": P, "grid": [rows, cols], "cls": true,
//       "preprocessing": {"background": "dark" | "light" | "none",
//                         "normalization": "inside" | "outside",
//                         "mean": [..], "std": [..]},   (mean/std required when outside)
//       "labels": ["...", ...],
//       optional: "prefix_tokens" (the tokens before the patches: CLS, then e.g.
//                 DeiT's distillation token or registers; default 1 with CLS, 0 without),
//                 "id", "name", "dataset", "test_accuracy", "layers", "heads", "tokens",
//                 "samples": images the gallery offers with this model,
//                   [{"name": "...", "label": k (optional), "type": "image/png" | "image/jpeg",
//                     "data": the file's bytes in base64url (RFC 4648 section 5, no padding)}] }
//
// The file itself is read by onnx_wire.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/preprocess.hpp"

namespace vitopo {

// Limits on what a model may declare, checked before anything is sized from it, so
// that a hostile file is refused with a sentence instead of exhausting memory:
//   input sides and pixels: those preprocessing produces (preprocess.hpp);
//   tokens: a 64x64 grid plus CLS, whose T x T attention is 64 MiB of float32 per head;
//   layers and heads: 1024 each (the largest published ViTs have 48 of each);
//   labels: 100 000 class names of at most 256 bytes (ImageNet-21k has 21 843);
//   JSON nesting: 64 levels of arrays and objects (vitopo's metadata uses 3).
inline constexpr int max_model_input_side = max_input_side;
inline constexpr std::int64_t max_model_input_pixels = max_input_pixels;
inline constexpr std::int64_t max_model_tokens = 4097;
inline constexpr int max_model_layers = 1024;
inline constexpr int max_model_heads = 1024;
inline constexpr std::size_t max_model_labels = 100'000;
inline constexpr std::size_t max_model_label_bytes = 256;
inline constexpr int max_metadata_depth = 64;
inline constexpr int max_model_prefix_tokens = 64;  // CLS, distillation, registers (published ViTs use <= 17)
// Samples a model carries: at most 64, each at most 4 MB, 32 MB in all, named
// in at most 256 bytes.
inline constexpr std::size_t max_model_samples = 64;
inline constexpr std::uint64_t max_model_sample_bytes = 4'000'000;
inline constexpr std::uint64_t max_model_samples_bytes = 32'000'000;

// An image the model's metadata offers for the gallery.
struct ModelSample {
  std::string name;
  int label = -1;    // the class it shows, or -1
  std::string type;  // "image/png" or "image/jpeg", checked against the bytes' signature
  std::string data;  // the file, base64url without padding
};

// What the app needs to know about a model, from its metadata and graph.
struct ModelSpec {
  std::string id;    // metadata "id" (empty if absent)
  std::string name;  // metadata "name", else the graph's name
  std::string dataset;
  std::optional<double> test_accuracy;
  ImageInputSpec input;  // channels, height, width, background polarity, normalisation
  int patch = 0;
  int grid_rows = 0, grid_cols = 0;
  bool cls = false;
  int prefix_tokens = 0;  // tokens before the patches; CLS is the first of them
  int tokens = 0;         // prefix_tokens + grid_rows * grid_cols
  // The token of patch (row, col), or -1 outside the grid; the patch of a token
  // as (row, col), or (-1, -1) for a prefix token or outside the grid.
  int token_of_patch(int row, int col) const;
  std::pair<int, int> patch_of_token(int token) const;
  int layers = 0;  // from the graph's static attentions shape or the metadata; 0 if unknown
  int heads = 0;   // likewise
  std::vector<std::string> labels;
  std::vector<ModelSample> samples;
};

struct ModelCheck {
  ModelSpec spec;                     // filled as far as the file allows
  std::vector<std::string> problems;  // empty: the model follows the contract
  bool ok() const { return problems.empty(); }
};

// Every problem found, each a sentence saying what is wrong and what is expected.
// Throws nothing: a file it cannot read is a problem like any other.
ModelCheck check_model(std::span<const std::uint8_t> onnx_file);

class ModelContractError : public std::runtime_error {
 public:
  explicit ModelContractError(std::vector<std::string> problems);
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::vector<std::string> problems_;
};

// The spec of a model that follows the contract; throws ModelContractError
// (whose what() lists every problem, one per line) otherwise.
ModelSpec read_model_spec(std::span<const std::uint8_t> onnx_file);

}  // namespace vitopo
