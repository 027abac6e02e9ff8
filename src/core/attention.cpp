#include "core/attention.hpp"

#include <cmath>

#include "core/npy.hpp"

namespace vitopo {
namespace {

std::string where(int layer, int head, int token) {
  return "attention layer " + std::to_string(layer) + ", head " + std::to_string(head) + ", token " +
         std::to_string(token);
}

}  // namespace

template <typename Value>
static void make_tensor(std::span<const Value> data, std::span<const std::int64_t> shape,
                                   int& layers, int& heads, int& tokens, std::vector<double>& out) {
  auto shape_text = [&] {
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
  };
  if (shape.size() != 4 && shape.size() != 5)
    throw AttentionError(AttentionError::Kind::BadShape,
                         "attention shape " + shape_text() + " has rank " + std::to_string(shape.size()) +
                             "; expected [L, H, T, T] or [L, 1, H, T, T]");
  if (shape.size() == 5 && shape[1] != 1)
    throw AttentionError(AttentionError::Kind::BadShape,
                         "attention shape " + shape_text() + " holds " + std::to_string(shape[1]) +
                             " images; expected [L, 1, H, T, T] (one image)");
  const std::int64_t L = shape[0], H = shape[shape.size() - 3], T = shape[shape.size() - 2];
  if (shape.back() != T)
    throw AttentionError(AttentionError::Kind::BadShape,
                         "attention shape " + shape_text() + ": the last two dimensions must be equal (T × T)");
  if (L < 1 || H < 1 || T < 2 || L > 1 << 16 || H > 1 << 16 || T > 1 << 16)
    throw AttentionError(AttentionError::Kind::BadShape,
                         "attention shape " + shape_text() + ": need at least 1 layer, 1 head and 2 tokens");
  const std::size_t count = std::size_t(L) * std::size_t(H) * std::size_t(T) * std::size_t(T);
  if (data.size() != count)
    throw AttentionError(AttentionError::Kind::BadShape,
                         "attention shape " + shape_text() + " needs " + std::to_string(count) + " values, got " +
                             std::to_string(data.size()));
  layers = int(L), heads = int(H), tokens = int(T);
  out.resize(count);
  for (int l = 0; l < layers; ++l)
    for (int h = 0; h < heads; ++h)
      for (int i = 0; i < tokens; ++i) {
        const std::size_t row = ((std::size_t(l) * std::size_t(H) + std::size_t(h)) * std::size_t(T) + std::size_t(i)) *
                                std::size_t(T);
        double sum = 0;
        for (int j = 0; j < tokens; ++j) {
          const double value = double(data[row + std::size_t(j)]);
          if (!std::isfinite(value))
            throw AttentionError(AttentionError::Kind::NotFinite,
                                 where(l, h, i) + ": entry " + std::to_string(j) + " is " + std::to_string(value) +
                                     " (attention must be finite)",
                                 l, h, i);
          if (value < 0)
            throw AttentionError(AttentionError::Kind::Negative,
                                 where(l, h, i) + ": entry " + std::to_string(j) + " is negative (" +
                                     std::to_string(value) + "); attention must be non-negative",
                                 l, h, i);
          out[row + std::size_t(j)] = value;
          sum += value;
        }
        // Every entry is finite, but float64 entries near the largest double
        // can add up past it; divided by that sum, the row would become zeros.
        if (!std::isfinite(sum))
          throw AttentionError(AttentionError::Kind::NotFinite,
                               where(l, h, i) + ": the row's entries are finite but their sum overflows "
                                                "(above 1.8e308); attention rows must have a finite sum",
                               l, h, i);
        if (!(sum > 0))
          throw AttentionError(AttentionError::Kind::ZeroRow,
                               where(l, h, i) + ": the row is all zeros, it is not a distribution", l, h, i);
      }
}

AttentionTensor AttentionTensor::from_buffer(std::span<const float> data, std::span<const std::int64_t> shape) {
  AttentionTensor tensor;
  make_tensor(data, shape, tensor.layers_, tensor.heads_, tensor.tokens_, tensor.data_);
  return tensor;
}

AttentionTensor AttentionTensor::from_buffer(std::span<const double> data, std::span<const std::int64_t> shape) {
  AttentionTensor tensor;
  make_tensor(data, shape, tensor.layers_, tensor.heads_, tensor.tokens_, tensor.data_);
  return tensor;
}

std::span<const double> AttentionTensor::matrix(int layer, int head) const {
  const std::size_t size = std::size_t(tokens_) * std::size_t(tokens_);
  return {data_.data() + (std::size_t(layer) * std::size_t(heads_) + std::size_t(head)) * size, size};
}

AttentionTensor read_attention_npy(const std::string& path) {
  NpyArray array = read_npy(path);
  if (array.shape.size() != 4 && array.shape.size() != 5)
    throw NpyError(NpyError::Kind::UnsupportedRank,
                   path + ": an attention array has rank 4 [L, H, T, T] or 5 [L, 1, H, T, T], this one has rank " +
                       std::to_string(array.shape.size()));
  try {
    return AttentionTensor::from_buffer(std::span<const double>(array.data), array.shape);
  } catch (const AttentionError& e) {
    throw AttentionError(e.kind, path + ": " + e.what(), e.layer, e.head, e.token);
  }
}

}  // namespace vitopo
