#include "core/preprocess.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace vitopo {
namespace {

// Rec. 601 luma, the weights PIL and most decoders use for "L" conversion.
constexpr float luma_r = 0.299f, luma_g = 0.587f, luma_b = 0.114f;

std::string size_text(int width, int height) {
  return std::to_string(width) + "x" + std::to_string(height);
}

// Reads the source image as composited gray or colour values in [0, 1]:
// value = alpha * colour + (1 - alpha) * matte.
struct Composite {
  const std::uint8_t* rgba;
  int width;
  float matte;

  // channel: 0, 1, 2 for R, G, B; -1 for luma.
  float operator()(int x, int y, int channel) const {
    const std::uint8_t* p = rgba + (static_cast<std::size_t>(y) * width + x) * 4;
    float colour = channel < 0 ? (luma_r * p[0] + luma_g * p[1] + luma_b * p[2]) / 255.f
                               : p[channel] / 255.f;
    float alpha = p[3] / 255.f;
    return alpha * colour + (1.f - alpha) * matte;
  }
};

// Visits each border pixel once (the outer one-pixel ring).
template <class F>
void for_each_border_pixel(int width, int height, F&& f) {
  for (int x = 0; x < width; ++x) {
    f(x, 0);
    if (height > 1) f(x, height - 1);
  }
  for (int y = 1; y + 1 < height; ++y) {
    f(0, y);
    if (width > 1) f(width - 1, y);
  }
}

float median(std::vector<float> values) {
  auto mid = values.begin() + values.size() / 2;
  std::nth_element(values.begin(), mid, values.end());
  return *mid;
}

// Area-averaging weights: target cell i of `target` cells covers the source
// interval [begin + i*s, begin + (i+1)*s) with s = length/target; each source
// pixel contributes its overlap with that interval, divided by s (so weights sum to 1).
struct Tap {
  int source;
  float weight;
};
std::vector<std::vector<Tap>> area_taps(int begin, int length, int target) {
  std::vector<std::vector<Tap>> taps(target);
  const double s = static_cast<double>(length) / target;
  for (int i = 0; i < target; ++i) {
    const double lo = i * s, hi = (i + 1) * s;
    for (int p = static_cast<int>(std::floor(lo)); p < length && p < hi; ++p) {
      const double overlap = std::min<double>(hi, p + 1) - std::max<double>(lo, p);
      if (overlap > 1e-12) taps[i].push_back({begin + p, static_cast<float>(overlap / s)});
    }
  }
  return taps;
}

// The convolution filters of PIL's resampling (Image.resize), which
// torchvision's antialiased resize and Hugging Face's processors share.
double bilinear_filter(double x) {
  x = std::abs(x);
  return x < 1 ? 1 - x : 0;
}
double bicubic_filter(double x) {  // Keys' cubic convolution, a = -0.5
  constexpr double a = -0.5;
  x = std::abs(x);
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

// Taps of `count` target pixels, starting at target pixel `first`, of a side of
// `length` source pixels resampled to `resized` pixels. Area: target cell i
// covers [i*s, (i+1)*s) with s = length/resized. Bilinear, bicubic: the filter
// centred on (i + 0.5)*s, widened by s when shrinking, and normalised to sum 1.
std::vector<std::vector<Tap>> resample_taps(Interpolation kind, int length, std::int64_t resized, std::int64_t first,
                                            int count) {
  std::vector<std::vector<Tap>> taps(count);
  const double s = static_cast<double>(length) / static_cast<double>(resized);
  if (kind == Interpolation::area) {
    for (int i = 0; i < count; ++i) {
      const double lo = static_cast<double>(first + i) * s, hi = static_cast<double>(first + i + 1) * s;
      for (int p = static_cast<int>(std::floor(lo)); p < length && p < hi; ++p) {
        const double overlap = std::min<double>(hi, p + 1) - std::max<double>(lo, p);
        if (overlap > 1e-12) taps[i].push_back({p, static_cast<float>(overlap / s)});
      }
    }
    return taps;
  }
  double (*filter)(double) = kind == Interpolation::bilinear ? bilinear_filter : bicubic_filter;
  const double support = (kind == Interpolation::bilinear ? 1.0 : 2.0) * std::max(s, 1.0);
  const double inverse = 1.0 / std::max(s, 1.0);
  std::vector<double> w;
  for (int i = 0; i < count; ++i) {
    const double centre = (static_cast<double>(first + i) + 0.5) * s;
    const int lo = std::max(static_cast<int>(centre - support + 0.5), 0);
    const int hi = std::min(static_cast<int>(centre + support + 0.5), length);
    w.clear();
    double total = 0;
    for (int p = lo; p < hi; ++p) {
      w.push_back(filter((p - centre + 0.5) * inverse));
      total += w.back();
    }
    for (int p = lo; p < hi; ++p)
      if (w[p - lo] != 0) taps[i].push_back({p, static_cast<float>(w[p - lo] / total)});
  }
  return taps;
}

// Bilinear and bicubic resampling in PIL's order: each source row a tap
// reaches is resampled horizontally, clamped to [0, 1] (PIL keeps that pass in
// 8 bits, so an overshoot of the cubic is cut there), then the rows are combined
// vertically and clamped again. The horizontal rows live in a ring of as many
// rows as one output row's taps span (taps move down monotonically), checked
// against a budget before it is allocated.
template <class Value>
void filter_resample(const Value& value, const std::vector<std::vector<Tap>>& rows,
                     const std::vector<std::vector<Tap>>& cols, const ImageInputSpec& spec, bool normalise,
                     std::vector<float>& pixels) {
  std::int64_t span = 1;
  for (const auto& taps : rows)
    if (!taps.empty()) span = std::max<std::int64_t>(span, taps.back().source - taps.front().source + 1);
  if (span * spec.width > max_input_pixels)
    throw ImageError(ImageError::Kind::too_large,
                     "the image is too tall to resample for the model: " + std::to_string(span) +
                         " source rows per input row at " + std::to_string(spec.width) + " columns is over " +
                         std::to_string(max_input_pixels) + " values");
  const std::size_t ring_rows = static_cast<std::size_t>(span), plane = static_cast<std::size_t>(spec.height) * spec.width;
  std::vector<float> ring(ring_rows * spec.width);
  for (int c = 0; c < spec.channels; ++c) {
    const int channel = spec.channels == 1 ? -1 : c;
    int next = 0;  // the next source row to resample horizontally
    for (int i = 0; i < spec.height; ++i) {
      if (rows[i].empty()) continue;
      for (int y = std::max(next, rows[i].front().source); y <= rows[i].back().source; ++y) {
        float* r = ring.data() + (static_cast<std::size_t>(y) % ring_rows) * spec.width;
        for (int j = 0; j < spec.width; ++j) {
          float v = 0;
          for (const Tap& t : cols[j]) v += t.weight * value(t.source, y, channel);
          r[j] = std::clamp(v, 0.f, 1.f);
        }
      }
      next = std::max(next, rows[i].back().source + 1);
      float* dst = pixels.data() + c * plane + static_cast<std::size_t>(i) * spec.width;
      for (int j = 0; j < spec.width; ++j) dst[j] = 0;
      for (const Tap& t : rows[i]) {
        const float* r = ring.data() + (static_cast<std::size_t>(t.source) % ring_rows) * spec.width;
        for (int j = 0; j < spec.width; ++j) dst[j] += t.weight * r[j];
      }
      for (int j = 0; j < spec.width; ++j) {
        const float v = std::clamp(dst[j], 0.f, 1.f);
        dst[j] = normalise ? (v - spec.mean[c]) / spec.std[c] : v;
      }
    }
  }
}

}  // namespace

int centre_crop_offset(std::int64_t resized, int crop) {
  const std::int64_t d = resized - crop;  // round(d / 2), a tie to the even neighbour
  const std::int64_t half = d / 2;
  return static_cast<int>(d % 2 == 0 ? half : half % 2 == 0 ? half : half + 1);
}

ResizedSize shorter_side_resized(int width, int height, int resize) {
  const std::int64_t shorter = std::min(width, height), longer = std::max(width, height);
  const std::int64_t resized_longer = static_cast<std::int64_t>(resize) * longer / shorter;
  return width <= height ? ResizedSize{resize, resized_longer} : ResizedSize{resized_longer, resize};
}

ModelImage preprocess_image(std::span<const std::uint8_t> rgba, int width, int height,
                            const ImageInputSpec& spec) {
  using Kind = ImageError::Kind;
  // Size checks first: nothing below allocates before they pass.
  if (width <= 0 || height <= 0)
    throw ImageError(Kind::empty, "the image is empty (" + size_text(width, height) + " pixels)");
  if (width > max_image_side || height > max_image_side ||
      static_cast<std::int64_t>(width) * height > max_image_pixels)
    throw ImageError(Kind::too_large,
                     "the image is too large: " + size_text(width, height) + " pixels; the limit is " +
                         std::to_string(max_image_side) + " pixels on a side and " +
                         std::to_string(max_image_pixels / 1'000'000) + " megapixels");
  const std::size_t expected = static_cast<std::size_t>(width) * height * 4;
  if (rgba.size() != expected)
    throw ImageError(Kind::buffer_size, "the RGBA buffer has " + std::to_string(rgba.size()) +
                                            " bytes; a " + size_text(width, height) +
                                            " image needs " + std::to_string(expected));
  if (spec.channels != 1 && spec.channels != 3)
    throw ImageError(Kind::unsupported, "the model takes " + std::to_string(spec.channels) +
                                            " channels; preprocessing supports 1 (gray) or 3 (RGB)");
  if (spec.height <= 0 || spec.width <= 0)
    throw ImageError(Kind::unsupported, "the model's input size " + size_text(spec.width, spec.height) +
                                            " is not positive");
  if (spec.width > max_input_side || spec.height > max_input_side ||
      static_cast<std::int64_t>(spec.width) * spec.height > max_input_pixels)
    throw ImageError(Kind::unsupported, "the model's input size " + size_text(spec.width, spec.height) +
                                            " is over preprocessing's limit of " + std::to_string(max_input_side) +
                                            " pixels on a side and " + std::to_string(max_input_pixels) +
                                            " pixels in all");
  const bool normalise = !spec.mean.empty() || !spec.std.empty();
  if (normalise && (spec.mean.size() != static_cast<std::size_t>(spec.channels) ||
                    spec.std.size() != static_cast<std::size_t>(spec.channels)))
    throw ImageError(Kind::unsupported, "normalisation needs one mean and one std per channel (" +
                                            std::to_string(spec.channels) + ")");

  if (spec.resize < 0 || spec.resize > max_input_side ||
      (spec.resize > 0 && spec.resize < std::max(spec.width, spec.height)))
    throw ImageError(Kind::unsupported, "the model's resize of the shorter side to " + std::to_string(spec.resize) +
                                            " pixels cannot give its " + size_text(spec.width, spec.height) +
                                            " centre crop (it must be from " +
                                            std::to_string(std::max(spec.width, spec.height)) + " to " +
                                            std::to_string(max_input_side) + ")");

  ModelImage out;
  out.channels = spec.channels;
  out.height = spec.height;
  out.width = spec.width;

  // 1. Matte. When most of the border is transparent the transparent area is the
  // background, whatever colour its hidden RGB has: composite over the opposite of
  // the content's brightness, so a light item stays visible and a dark one too.
  // Otherwise (opaque border) semi-transparent pixels sit on white, as on a page.
  std::size_t border = 0, transparent = 0;
  for_each_border_pixel(width, height, [&](int x, int y) {
    ++border;
    transparent += rgba[(static_cast<std::size_t>(y) * width + x) * 4 + 3] < 128;
  });
  float matte = 1.f;
  if (2 * transparent > border) {
    out.transparent_background = true;
    double sum = 0, weight = 0;
    const Composite colour{rgba.data(), width, 0.f};
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x) {
        const float alpha = rgba[(static_cast<std::size_t>(y) * width + x) * 4 + 3] / 255.f;
        if (alpha >= 0.5f) {
          // With matte 0, composite/alpha recovers the straight colour's luma.
          sum += colour(x, y, -1);
          weight += alpha;
        }
      }
    if (weight == 0)
      throw ImageError(Kind::blank, "the image is blank: every pixel is transparent");
    matte = sum / weight > 0.5 ? 0.f : 1.f;
  }
  const Composite value{rgba.data(), width, matte};

  const std::size_t out_plane = static_cast<std::size_t>(static_cast<std::int64_t>(spec.height) * spec.width);
  out.pixels.assign(static_cast<std::size_t>(spec.channels) * out_plane, 0.f);

  if (spec.background == Background::none) {
    // The whole image, resampled to the input size, no inversion; with
    // `resize`, the shorter side resized and the centre cut out.
    ResizedSize resized{spec.width, spec.height};
    int left = 0, top = 0;
    if (spec.resize > 0) {
      resized = shorter_side_resized(width, height, spec.resize);
      left = centre_crop_offset(resized.width, spec.width);
      top = centre_crop_offset(resized.height, spec.height);
    }
    // The crop in source pixels (rounded outwards), for the caller's display.
    const double sx = static_cast<double>(width) / resized.width, sy = static_cast<double>(height) / resized.height;
    const int cx = static_cast<int>(std::floor(left * sx)), cy = static_cast<int>(std::floor(top * sy));
    out.content = {cx, cy, std::min(width, static_cast<int>(std::ceil((left + spec.width) * sx))) - cx,
                   std::min(height, static_cast<int>(std::ceil((top + spec.height) * sy))) - cy};
    out.placed = {0, 0, spec.width, spec.height};
    out.background_level = 0.f;
    const auto rows = resample_taps(spec.interpolation, height, resized.height, top, spec.height);
    const auto cols = resample_taps(spec.interpolation, width, resized.width, left, spec.width);
    if (spec.interpolation != Interpolation::area) {
      filter_resample(value, rows, cols, spec, normalise, out.pixels);
      return out;
    }
    std::vector<float> row(width);
    for (int c = 0; c < spec.channels; ++c)
      for (int i = 0; i < spec.height; ++i) {
        std::fill(row.begin(), row.end(), 0.f);
        for (const Tap& t : rows[i])
          for (int x = 0; x < width; ++x) row[x] += t.weight * value(x, t.source, spec.channels == 1 ? -1 : c);
        for (int j = 0; j < spec.width; ++j) {
          float v = 0;
          for (const Tap& t : cols[j]) v += t.weight * row[t.source];
          // Weights that sum to 1 in float can carry an average of values in
          // [0, 1] a few ulps past 1: the model's input stays in [0, 1].
          v = std::clamp(v, 0.f, 1.f);
          out.pixels[c * out_plane + static_cast<std::size_t>(i) * spec.width + j] =
              normalise ? (v - spec.mean[c]) / spec.std[c] : v;
        }
      }
    return out;
  }

  // 2. Background level per channel: the median of the border pixels (robust to
  // an item touching the border: on the Fashion-MNIST test set it finds a dark
  // background for all 10 000 items). Light means above mid-gray.
  std::vector<float> ring;
  ring.reserve(border);
  auto border_median = [&](int channel) {
    ring.clear();
    for_each_border_pixel(width, height, [&](int x, int y) { ring.push_back(value(x, y, channel)); });
    return median(ring);
  };
  const float gray_level = border_median(-1);
  const bool light_source = gray_level > 0.5f;
  out.background_level = gray_level;
  out.inverted = light_source != (spec.background == Background::light);

  // Ink: how far a value lies from the background, towards the content, scaled so
  // the background is 0 and the far extreme (black on light, white on dark) is 1.
  // A channel whose background is already at that extreme (a pure red background's
  // red on a dark source) leaves no room for ink on that side: its ink is 0.
  auto ink = [light_source](float v, float level) {
    const float room = light_source ? level : 1.f - level;
    if (!(room > 0.f)) return 0.f;
    return std::clamp((light_source ? level - v : v - level) / room, 0.f, 1.f);
  };

  // 3. Content box: pixels whose gray ink exceeds the threshold.
  int x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      if (ink(value(x, y, -1), gray_level) > spec.content_threshold) {
        x0 = std::min(x0, x), x1 = std::max(x1, x);
        y0 = std::min(y0, y), y1 = std::max(y1, y);
      }
  if (x1 < 0)
    throw ImageError(Kind::blank, "the image is blank: no pixel of the " + size_text(width, height) +
                                      " image differs from its background (gray level " +
                                      std::to_string(gray_level).substr(0, 5) + ") by more than " +
                                      std::to_string(spec.content_threshold).substr(0, 4));
  const int bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  out.content = {x0, y0, bw, bh};

  // 4. Fit: the longest side fills the input, aspect preserved, centred.
  const double scale = std::min(static_cast<double>(spec.width) / bw, static_cast<double>(spec.height) / bh);
  const int tw = std::clamp(static_cast<int>(std::lround(bw * scale)), 1, spec.width);
  const int th = std::clamp(static_cast<int>(std::lround(bh * scale)), 1, spec.height);
  // An odd margin puts the extra pixel before the item, as the dataset does (a
  // 21-pixel-wide item starts at column 4, an 11-pixel-tall one at row 9).
  const int ox = (spec.width - tw + 1) / 2, oy = (spec.height - th + 1) / 2;
  out.placed = {ox, oy, tw, th};

  const auto rows = area_taps(y0, bh, th), cols = area_taps(x0, bw, tw);
  std::vector<float> row(bw);
  for (int c = 0; c < spec.channels; ++c) {
    const int channel = spec.channels == 1 ? -1 : c;
    const float level = spec.channels == 1 ? gray_level : border_median(c);
    float* plane = out.pixels.data() + static_cast<std::size_t>(c) * out_plane;
    for (int i = 0; i < th; ++i) {
      std::fill(row.begin(), row.end(), 0.f);
      for (const Tap& t : rows[i])
        for (int x = 0; x < bw; ++x) row[x] += t.weight * ink(value(x0 + x, t.source, channel), level);
      for (int j = 0; j < tw; ++j) {
        float v = 0;
        for (const Tap& t : cols[j]) v += t.weight * row[t.source - x0];
        plane[static_cast<std::size_t>(oy + i) * spec.width + ox + j] = std::min(v, 1.f);
      }
    }
    // The model sees ink as light-on-dark or its complement, then normalised.
    for (std::size_t k = 0; k < out_plane; ++k) {
      float v = spec.background == Background::light ? 1.f - plane[k] : plane[k];
      plane[k] = normalise ? (v - spec.mean[c]) / spec.std[c] : v;
    }
  }
  return out;
}

}  // namespace vitopo
