// The attention of one image: for each layer and head a T×T row-stochastic
// matrix A = softmax(QKᵀ/√d). Token 0 is CLS; patch (r, c) is token
// 1 + r·cols + c (docs/science.md, "Attention").
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace vitopo {

// A bad attention tensor. The message names the layer, head and token
// (row) when one is at fault; those fields are -1 otherwise.
struct AttentionError : std::runtime_error {
  enum class Kind { BadShape, NotFinite, Negative, ZeroRow };
  Kind kind;
  int layer = -1, head = -1, token = -1;
  AttentionError(Kind k, const std::string& message, int l = -1, int h = -1, int t = -1)
      : std::runtime_error(message), kind(k), layer(l), head(h), token(t) {}
};

class AttentionTensor {
 public:
  AttentionTensor() = default;

  // `shape` is [L, H, T, T] or [L, 1, H, T, T] (the model's [L, B, H, T, T]
  // with one image). The data is C-ordered. Every entry must be finite and
  // non-negative and every row must have a positive, finite sum: otherwise an
  // AttentionError names the first offending layer, head and token. Rows need
  // not sum to 1; the distributions renormalise them.
  static AttentionTensor from_buffer(std::span<const float> data, std::span<const std::int64_t> shape);
  static AttentionTensor from_buffer(std::span<const double> data, std::span<const std::int64_t> shape);

  int layers() const { return layers_; }
  int heads() const { return heads_; }
  int tokens() const { return tokens_; }

  // Row-major T×T matrix of one head.
  std::span<const double> matrix(int layer, int head) const;
  double at(int layer, int head, int row, int column) const {
    return matrix(layer, head)[std::size_t(row) * std::size_t(tokens_) + std::size_t(column)];
  }

 private:
  int layers_ = 0, heads_ = 0, tokens_ = 0;
  std::vector<double> data_;
};

// Reads a float32/float64 .npy file of rank 4 or 5 (NpyError for a bad file,
// AttentionError for bad contents).
AttentionTensor read_attention_npy(const std::string& path);

}  // namespace vitopo
