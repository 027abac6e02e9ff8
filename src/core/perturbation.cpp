#include "core/perturbation.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace vitopo {

namespace {

constexpr std::array<const char*, 6> perturbation_names = {"noise", "blur", "brightness", "contrast", "rotation", "shift"};
constexpr int max_blur_radius = 1024;

// A strength as the user wrote it: the shortest text that reads back the same.
std::string number_text(double v) {
  char text[32];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, v);
    if (std::strtod(text, nullptr) == v) break;
  }
  return text;
}

float clip_unit(double v) { return float(std::clamp(v, 0.0, 1.0)); }

void check_input(const ModelInput& input) {
  if (input.channels <= 0 || input.height <= 0 || input.width <= 0)
    throw std::invalid_argument("the model input is empty");
  const std::uint64_t count = std::uint64_t(input.channels) * std::uint64_t(input.height) * std::uint64_t(input.width);
  if (count != input.pixels.size())
    throw std::invalid_argument("the model input holds " + std::to_string(input.pixels.size()) + " values, not " +
                                std::to_string(input.channels) + " × " + std::to_string(input.height) + " × " +
                                std::to_string(input.width));
}

template <typename F>
ModelInput map_values(const ModelInput& input, F f) {
  ModelInput out = input;
  for (float& v : out.pixels) v = clip_unit(f(double(v)));
  return out;
}

ModelInput add_noise(const ModelInput& input, double sigma, std::uint64_t seed) {
  NormalDeviates normal(seed);
  return map_values(input, [&](double x) { return x + sigma * normal.next(); });
}

// scipy.ndimage.gaussian_filter1d's kernel: exp(−x²/2σ²) normalised, radius ⌊3σ + 0.5⌋.
std::vector<double> gaussian_kernel(double sigma) {
  const int radius = int(3.0 * sigma + 0.5);
  std::vector<double> weights(std::size_t(2 * radius + 1), 1.0);
  if (radius == 0) return weights;
  double sum = 0;
  for (int k = -radius; k <= radius; ++k) sum += weights[std::size_t(k + radius)] = std::exp(-0.5 * k * k / (sigma * sigma));
  for (double& w : weights) w /= sum;
  return weights;
}

// One pass of the kernel along rows (step 1) or columns (step width) of
// every channel, edges extended with their nearest value; each pass rounds
// to float, as scipy does for a float32 image.
void blur_pass(std::vector<float>& values, int channels, int height, int width, const std::vector<double>& kernel,
               bool along_rows) {
  const int radius = int(kernel.size() / 2);
  const int length = along_rows ? width : height, lines = along_rows ? height : width;
  const std::size_t step = along_rows ? 1 : std::size_t(width);
  std::vector<double> line(static_cast<std::size_t>(length));
  for (int c = 0; c < channels; ++c)
    for (int l = 0; l < lines; ++l) {
      float* start = values.data() + std::size_t(c) * height * width + (along_rows ? std::size_t(l) * width : std::size_t(l));
      for (int k = 0; k < length; ++k) line[std::size_t(k)] = start[k * step];
      for (int k = 0; k < length; ++k) {
        double sum = 0;
        for (int t = -radius; t <= radius; ++t)
          sum += kernel[std::size_t(t + radius)] * line[std::size_t(std::clamp(k + t, 0, length - 1))];
        start[k * step] = float(sum);
      }
    }
}

ModelInput blur(const ModelInput& input, double radius) {
  if (radius < 0) throw std::invalid_argument("a blur radius must be at least 0, not " + number_text(radius));
  if (radius > max_blur_radius)
    throw std::invalid_argument("a blur radius of " + number_text(radius) + " pixels is more than the " +
                                std::to_string(max_blur_radius) + " allowed");
  ModelInput out = input;
  const std::vector<double> kernel = gaussian_kernel(radius);
  blur_pass(out.pixels, out.channels, out.height, out.width, kernel, true);
  blur_pass(out.pixels, out.channels, out.height, out.width, kernel, false);
  for (float& v : out.pixels) v = clip_unit(v);
  return out;
}

// Bilinear resampling: output pixel (i, j) takes the input at source(i, j),
// a pixel outside the image counting as 0.
template <typename Source>
ModelInput resample(const ModelInput& input, Source source) {
  ModelInput out = input;
  const int h = input.height, w = input.width;
  for (int c = 0; c < input.channels; ++c) {
    const float* plane = input.pixels.data() + std::size_t(c) * h * w;
    const auto at = [&](int y, int x) { return y >= 0 && y < h && x >= 0 && x < w ? double(plane[std::size_t(y) * w + x]) : 0.0; };
    for (int i = 0; i < h; ++i)
      for (int j = 0; j < w; ++j) {
        const auto [sy, sx] = source(i, j);
        const double y0 = std::floor(sy), x0 = std::floor(sx);
        const double fy = sy - y0, fx = sx - x0;
        const int y = int(y0), x = int(x0);
        const double v = (1 - fy) * ((1 - fx) * at(y, x) + fx * at(y, x + 1)) + fy * ((1 - fx) * at(y + 1, x) + fx * at(y + 1, x + 1));
        out.pixels[std::size_t(c) * h * w + std::size_t(i) * w + j] = clip_unit(v);
      }
  }
  return out;
}

ModelInput rotate(const ModelInput& input, double degrees) {
  const double pi = 3.14159265358979323846;
  const double angle = std::fmod(degrees, 360.0) * pi / 180.0;
  const double cos_a = std::cos(angle), sin_a = std::sin(angle);
  const double cy = (input.height - 1) / 2.0, cx = (input.width - 1) / 2.0;
  // Anticlockwise as seen: output (dy, dx) from the centre comes from the
  // source rotated back by the angle (rows point down).
  return resample(input, [&](int i, int j) {
    const double dy = i - cy, dx = j - cx;
    return std::pair{cy + dx * sin_a + dy * cos_a, cx + dx * cos_a - dy * sin_a};
  });
}

ModelInput shift(const ModelInput& input, double pixels) {
  if (std::abs(pixels) > double(input.width) + 1) pixels = std::copysign(double(input.width) + 1, pixels);
  return resample(input, [&](int i, int j) { return std::pair{double(i), j - pixels}; });
}

}  // namespace

std::string perturbation_name(PerturbationKind kind) { return perturbation_names.at(std::size_t(kind)); }

PerturbationKind parse_perturbation(const std::string& name) {
  for (std::size_t k = 0; k < perturbation_names.size(); ++k)
    if (name == perturbation_names[k]) return PerturbationKind(k);
  throw std::invalid_argument("unknown perturbation '" + name +
                              "'; choose noise, blur, brightness, contrast, rotation, shift, occlusion or adversarial");
}

ModelInput perturb(const ModelInput& input, PerturbationKind kind, double strength, std::uint64_t seed) {
  check_input(input);
  if (!std::isfinite(strength)) throw std::invalid_argument("a perturbation's strength must be a finite number");
  switch (kind) {
    case PerturbationKind::Noise:
      if (strength < 0) throw std::invalid_argument("noise needs σ ≥ 0, not " + number_text(strength));
      return add_noise(input, strength, seed);
    case PerturbationKind::Blur: return blur(input, strength);
    case PerturbationKind::Brightness: return map_values(input, [&](double x) { return x + strength; });
    case PerturbationKind::Contrast: return map_values(input, [&](double x) { return x + strength * (x - 0.5); });
    case PerturbationKind::Rotation: return rotate(input, strength);
    case PerturbationKind::Shift: return shift(input, strength);
  }
  throw std::invalid_argument("unknown perturbation kind " + std::to_string(int(kind)));
}

ModelInput occlude(const ModelInput& input, int patch, int row, int col) {
  check_input(input);
  if (patch <= 0 || patch > input.height || patch > input.width)
    throw std::invalid_argument("a patch of " + std::to_string(patch) + " pixels does not fit a " +
                                std::to_string(input.height) + " × " + std::to_string(input.width) + " input");
  const int rows = input.height / patch, cols = input.width / patch;
  if (row < 0 || row >= rows || col < 0 || col >= cols)
    throw std::out_of_range("patch (" + std::to_string(row) + ", " + std::to_string(col) + ") is outside the " +
                            std::to_string(rows) + " × " + std::to_string(cols) + " grid of patches");
  ModelInput out = input;
  for (int c = 0; c < out.channels; ++c)
    for (int i = row * patch; i < (row + 1) * patch; ++i)
      for (int j = col * patch; j < (col + 1) * patch; ++j)
        out.pixels[std::size_t(c) * out.height * out.width + std::size_t(i) * out.width + j] = 0.5f;
  return out;
}

ModelInput gradient_sign_step(const ModelInput& input, std::span<const float> gradient, double epsilon) {
  check_input(input);
  if (gradient.size() != input.pixels.size())
    throw std::invalid_argument("the gradient has " + std::to_string(gradient.size()) + " values, the input " +
                                std::to_string(input.pixels.size()));
  if (!std::isfinite(epsilon)) throw std::invalid_argument("the step ε must be a finite number");
  ModelInput out = input;
  for (std::size_t k = 0; k < out.pixels.size(); ++k) {
    const float g = gradient[k];
    const double sign = g > 0 ? 1.0 : g < 0 ? -1.0 : 0.0;
    out.pixels[k] = clip_unit(double(out.pixels[k]) + epsilon * sign);
  }
  return out;
}

std::uint64_t SplitMix64::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double SplitMix64::symmetric_unit() {
  // (k + 0.5) / 2^52 − 1 for the top 53 bits k: exact in a double.
  return (double(next() >> 11) + 0.5) * 0x1p-52 - 1.0;
}

double NormalDeviates::next() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u, v, s;
  do {
    u = uniform_.symmetric_unit();
    v = uniform_.symmetric_unit();
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double scale = std::sqrt(-2.0 * natural_log(s) / s);  // sqrt is correctly rounded (IEEE 754)
  spare_ = v * scale;
  has_spare_ = true;
  return u * scale;
}

double natural_log(double x) {
  if (!(x > 0) || !std::isfinite(x)) throw std::domain_error("natural_log needs a finite x > 0");
  int exponent = 0;
  double m = std::frexp(x, &exponent);  // x = m · 2^exponent, m in [0.5, 1): exact
  if (m < 0.70710678118654752440) {
    m *= 2;
    --exponent;
  }
  // ln m = 2 atanh(t) = 2 (t + t³/3 + t⁵/5 + …), |t| ≤ 0.172: 16 terms are past double precision.
  const double t = (m - 1) / (m + 1), t2 = t * t;
  double sum = 0;
  for (int k = 31; k >= 1; k -= 2) sum = sum * t2 + 1.0 / k;
  const double ln2_hi = 0.693147180369123816490, ln2_lo = 1.90821492927058770002e-10;
  return exponent * ln2_hi + (2 * t * sum + exponent * ln2_lo);
}

}  // namespace vitopo
