// Perturbations of a model input, for robustness series: the page perturbs
// the `pixels` tensor the preprocessing produced (C × H × W floats in
// [0, 1], batch 1) and analyses each perturbed input as an image of its own.
// Every result is clipped to [0, 1], the model contract's input range.
//
// Each kind with strength 0 returns its input bit for bit. The definitions,
// exactly (x is one value, (i, j) its row and column):
//   noise σ        x + σ·z, z standard normal from splitmix64 (Steele, Lea &
//                  Flood 2014) through Marsaglia's polar method, one z per
//                  value in C × H × W order; the logarithm it needs is
//                  written out here (natural_log) so that every platform,
//                  native or wasm, draws the same bits for the same seed;
//   blur r         a Gaussian of standard deviation r along rows then columns
//                  of each channel, truncated at ⌊3r + 0.5⌋ pixels, edges
//                  extended with their nearest pixel (scipy.ndimage's
//                  gaussian_filter, mode 'nearest', truncate 3);
//   brightness b   x + b;
//   contrast c     x + c·(x − 0.5): c = 1 doubles every distance from mid-grey,
//                  c = −1 makes the image uniform grey;
//   rotation θ     degrees anticlockwise as the image is seen (rows down),
//                  about the centre ((W − 1)/2, (H − 1)/2), bilinear, points
//                  from outside the image are 0 (the background the default
//                  model was trained on);
//   shift s        the image moves s pixels to the right (negative: left),
//                  linear between pixels for a fraction, 0 coming in;
//   occlusion      the square of one patch, all channels, set to grey 0.5.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/share_link.hpp"  // ModelInput: C × H × W, as the model takes it

namespace vitopo {

enum class PerturbationKind { Noise, Blur, Brightness, Contrast, Rotation, Shift };

std::string perturbation_name(PerturbationKind kind);  // "noise", "blur", ...
// Throws std::invalid_argument naming the kinds there are.
PerturbationKind parse_perturbation(const std::string& name);

// `input` perturbed by `kind` of `strength` (σ, r, b, c, degrees or pixels
// as above); `seed` is used by noise only. Throws std::invalid_argument for
// an input whose size does not match its shape, a non-finite strength, or a
// negative σ or blur radius; blur radii are at most 1024 pixels.
ModelInput perturb(const ModelInput& input, PerturbationKind kind, double strength, std::uint64_t seed = 0);

// `input` with patch (row, col) of a grid of `patch` × `patch` squares set
// to 0.5. Throws std::out_of_range for a patch outside the image.
ModelInput occlude(const ModelInput& input, int patch, int row, int col);

// One fast-gradient-sign step (Goodfellow, Shlens & Szegedy 2015):
// x + ε·sign(g), clipped to [0, 1]; sign(0) = 0. `gradient` has one value
// per input value.
ModelInput gradient_sign_step(const ModelInput& input, std::span<const float> gradient, double epsilon);

// splitmix64: the state advances by the golden-ratio increment and each
// output is its finaliser (a bijection of the state), so one 64-bit seed
// gives a well-mixed, portable stream.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  // Uniform in (-1, 1): the top 53 bits, centred, never exactly ±1.
  double symmetric_unit();

 private:
  std::uint64_t state_;
};

// Standard normal deviates from a SplitMix64 by Marsaglia's polar method,
// in pairs (the second of each pair is kept for the next call).
class NormalDeviates {
 public:
  explicit NormalDeviates(std::uint64_t seed) : uniform_(seed) {}
  double next();

 private:
  SplitMix64 uniform_;
  double spare_ = 0;
  bool has_spare_ = false;
};

// ln x for finite x > 0, by exponent and an atanh series on the mantissa in
// [√½, √2): plain IEEE arithmetic only, so the same bits everywhere (it is
// within a few ulps of std::log).
double natural_log(double x);

}  // namespace vitopo
