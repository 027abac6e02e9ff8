#include "core/familiarity.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace vitopo {

InputStatistics input_statistics(std::span<const float> pixels) {
  InputStatistics s;
  if (pixels.empty()) return s;
  double sum = 0, dark = 0;
  for (float v : pixels) {
    sum += v;
    if (v < 0.05f) ++dark;
  }
  s.mean = sum / double(pixels.size());
  double squares = 0;
  for (float v : pixels) squares += (v - s.mean) * (v - s.mean);
  s.std = std::sqrt(squares / double(pixels.size()));
  s.dark_fraction = dark / double(pixels.size());
  return s;
}

namespace {

// Fashion-MNIST's 60 000 training images (Debian dataset-fashion-mnist),
// scaled to [0, 1]: percentiles 0.1 and 99.9 of each image's statistic.
constexpr TrainingRange ranges[] = {
    {"Fashion-MNIST", {0.0446, 0.6557}, {0.0991, 0.4571}, {0.1531, 0.8916}, true},
};

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", v);
  return text;
}

}  // namespace

const TrainingRange* training_range(std::string_view dataset) {
  for (const TrainingRange& r : ranges)
    if (r.dataset == dataset) return &r;
  return nullptr;
}

double mean_chroma(std::span<const std::uint8_t> rgba) {
  const std::size_t n = rgba.size() / 4;
  if (n == 0) return 0;
  double sum = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint8_t r = rgba[4 * k], g = rgba[4 * k + 1], b = rgba[4 * k + 2];
    sum += double(std::max({r, g, b}) - std::min({r, g, b}));
  }
  return sum / (255.0 * double(n));
}

Familiarity familiarity(std::span<const float> pixels, std::span<const float> probabilities, std::string_view dataset,
                        std::span<const std::uint8_t> rgba) {
  Familiarity f;
  f.statistics = input_statistics(pixels);
  f.chroma = mean_chroma(rgba);
  if (probabilities.size() > 1) {
    double h = 0;
    for (float p : probabilities)
      if (p > 0) h -= double(p) * std::log(double(p));
    f.entropy = h / std::log(double(probabilities.size()));
  }
  f.unsure = f.entropy > 0.5;
  if (f.unsure)
    f.reasons.push_back("the model is unsure: its prediction's entropy is " + number(100 * f.entropy) +
                        " % of the most it can be");
  if (const TrainingRange* r = training_range(dataset)) {
    f.colourful = r->grayscale && f.chroma > 0.04;
    if (f.colourful)
      f.reasons.push_back("it is in colour (mean chroma " + number(f.chroma) + "), and every training image is grayscale");
    const InputStatistics& s = f.statistics;
    auto outside = [](double v, const double (&range)[2]) { return v < range[0] || v > range[1]; };
    if (outside(s.mean, r->mean))
      f.reasons.push_back("its mean brightness " + number(s.mean) + " is outside the training images' " +
                          number(r->mean[0]) + " to " + number(r->mean[1]));
    if (outside(s.std, r->std))
      f.reasons.push_back("its contrast (standard deviation " + number(s.std) + ") is outside the training images' " +
                          number(r->std[0]) + " to " + number(r->std[1]));
    if (outside(s.dark_fraction, r->dark_fraction))
      f.reasons.push_back("its dark background covers " + number(100 * s.dark_fraction) + " % of the image; training images have " +
                          number(100 * r->dark_fraction[0]) + " to " + number(100 * r->dark_fraction[1]) + " %");
    f.unusual_input = outside(s.mean, r->mean) || outside(s.std, r->std) || outside(s.dark_fraction, r->dark_fraction);
  }
  return f;
}

}  // namespace vitopo
