// Preprocessing of uploads into the default model's 28x28 input (src/core/preprocess.hpp),
// on generated images whose expected tensor follows from the geometry by hand.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb/stb_image.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include "core/preprocess.hpp"
#include "largest_allocation.hpp"

using vitopo::Background;
using vitopo::ImageError;
using vitopo::ImageInputSpec;
using vitopo::ModelImage;
using vitopo::preprocess_image;

namespace {

struct Rgba {
  std::uint8_t r, g, b, a;
};
constexpr Rgba white{255, 255, 255, 255}, black{0, 0, 0, 255};

struct Canvas {
  int width, height;
  std::vector<std::uint8_t> rgba;
  Canvas(int w, int h, Rgba fill) : width(w), height(h), rgba(static_cast<std::size_t>(w) * h * 4) {
    rect(0, 0, w, h, fill);
  }
  void set(int x, int y, Rgba c) {
    std::uint8_t* p = &rgba[(static_cast<std::size_t>(y) * width + x) * 4];
    p[0] = c.r, p[1] = c.g, p[2] = c.b, p[3] = c.a;
  }
  void rect(int x0, int y0, int w, int h, Rgba c) {
    for (int y = y0; y < y0 + h; ++y)
      for (int x = x0; x < x0 + w; ++x) set(x, y, c);
  }
  ModelImage preprocess(const ImageInputSpec& spec = {}) const { return preprocess_image(rgba, width, height, spec); }
};

float at(const ModelImage& m, int row, int col) { return m.pixels[static_cast<std::size_t>(row) * m.width + col]; }

float total(const ModelImage& m) { return std::accumulate(m.pixels.begin(), m.pixels.end(), 0.f); }

// Centre of mass (x, y) of the model image in pixel-index coordinates.
std::pair<double, double> centre_of_mass(const ModelImage& m) {
  double sx = 0, sy = 0, s = 0;
  for (int r = 0; r < m.height; ++r)
    for (int c = 0; c < m.width; ++c) {
      sx += c * at(m, r, c), sy += r * at(m, r, c), s += at(m, r, c);
    }
  return {sx / s, sy / s};
}

// An item with varying gray levels: a diagonal ramp inside an ellipse.
Canvas ramp_ellipse(bool light_background) {
  Canvas c(90, 70, light_background ? white : black);
  for (int y = 0; y < 70; ++y)
    for (int x = 0; x < 90; ++x) {
      const double u = (x - 45) / 30.0, v = (y - 35) / 25.0;
      if (u * u + v * v > 1) continue;
      const auto ink = static_cast<std::uint8_t>(60 + (x + y) % 190);  // 60..249
      const std::uint8_t g = light_background ? 255 - ink : ink;
      c.set(x, y, {g, g, g, 255});
    }
  return c;
}

std::string error_message(const Canvas& c) {
  try {
    c.preprocess();
  } catch (const ImageError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a dark item on a light background is inverted, cropped, fitted by its longest side and centred") {
  Canvas c(100, 60, white);
  c.rect(20, 10, 30, 40, black);  // 30 wide, 40 tall
  const ModelImage m = c.preprocess();
  CHECK(m.inverted);
  CHECK_FALSE(m.transparent_background);
  CHECK(m.background_level == doctest::Approx(1.0));
  CHECK(m.content.x == 20);
  CHECK(m.content.y == 10);
  CHECK(m.content.width == 30);
  CHECK(m.content.height == 40);
  // 40 tall -> 28 rows, so 30 wide -> 21 columns, centred with the odd pixel of
  // margin on the left as in Fashion-MNIST: columns 4..24.
  CHECK(m.placed.x == 4);
  CHECK(m.placed.y == 0);
  CHECK(m.placed.width == 21);
  CHECK(m.placed.height == 28);
  CHECK(m.pixels.size() == 784);
  for (int r = 0; r < 28; ++r)
    for (int col = 0; col < 28; ++col) CHECK(at(m, r, col) == (col >= 4 && col <= 24 ? 1.f : 0.f));
  const auto [cx, cy] = centre_of_mass(m);
  CHECK(cx == doctest::Approx(14.0));
  CHECK(cy == doctest::Approx(13.5));
}

TEST_CASE("a dark-on-light image and its inverse give the same tensor") {
  const ModelImage a = ramp_ellipse(true).preprocess(), b = ramp_ellipse(false).preprocess();
  CHECK(a.inverted);
  CHECK_FALSE(b.inverted);
  CHECK(a.content.x == b.content.x);
  CHECK(a.content.width == b.content.width);
  CHECK(a.content.height == b.content.height);
  REQUIRE(a.pixels.size() == b.pixels.size());
  float worst = 0;
  for (std::size_t i = 0; i < a.pixels.size(); ++i) worst = std::max(worst, std::abs(a.pixels[i] - b.pixels[i]));
  CHECK(worst < 1e-6f);
  CHECK(total(a) > 100.f);  // the ellipse is really there
}

TEST_CASE("a transparent background becomes background, whatever the item's colour") {
  // Hidden RGB under alpha 0 is garbage (red): it must not count.
  Canvas dark_item(80, 50, {255, 0, 0, 0}), light_item(80, 50, {255, 0, 0, 0});
  dark_item.rect(30, 5, 20, 40, black);
  light_item.rect(30, 5, 20, 40, white);
  Canvas on_white(80, 50, white), on_black(80, 50, black);
  on_white.rect(30, 5, 20, 40, black);
  on_black.rect(30, 5, 20, 40, white);

  const ModelImage d = dark_item.preprocess(), l = light_item.preprocess();
  CHECK(d.transparent_background);
  CHECK(l.transparent_background);
  CHECK(d.content.x == 30);
  CHECK(d.content.y == 5);
  CHECK(d.content.width == 20);
  CHECK(d.content.height == 40);
  CHECK(d.pixels == on_white.preprocess().pixels);
  CHECK(l.pixels == on_black.preprocess().pixels);
  CHECK(d.pixels == l.pixels);
  // 40 tall -> 28 rows, 20 wide -> 14 columns centred at 7..20: light on dark.
  CHECK(at(d, 14, 7) == 1.f);
  CHECK(at(d, 14, 20) == 1.f);
  CHECK(at(d, 14, 6) == 0.f);
  CHECK(at(d, 14, 21) == 0.f);
  CHECK(total(d) == doctest::Approx(14 * 28));
}

TEST_CASE("a very wide item becomes a one-row line across the middle") {
  Canvas c(12000, 40, white);
  c.rect(1000, 10, 10000, 20, black);
  const ModelImage m = c.preprocess();
  CHECK(m.content.x == 1000);
  CHECK(m.content.width == 10000);
  CHECK(m.content.height == 20);
  // 10000 -> 28 columns; 20 rows scale to 0.056 of a row, kept as one row, row 14.
  CHECK(m.placed.height == 1);
  CHECK(m.placed.y == 14);
  for (int col = 0; col < 28; ++col) CHECK(at(m, 14, col) == doctest::Approx(1.0));
  CHECK(total(m) == doctest::Approx(28.0));
  const auto [cx, cy] = centre_of_mass(m);
  CHECK(cx == doctest::Approx(13.5));
  CHECK(cy == doctest::Approx(14.0));
}

TEST_CASE("a blank image is refused with a clear message, not centred as nothing") {
  Canvas gray(50, 50, {128, 128, 128, 255});
  try {
    gray.preprocess();
    FAIL("a blank image was accepted");
  } catch (const ImageError& e) {
    CHECK(e.kind() == ImageError::Kind::blank);
    CHECK(std::string(e.what()) ==
          "the image is blank: no pixel of the 50x50 image differs from its background (gray level 0.501) by more "
          "than 0.10");
  }
  CHECK(error_message(Canvas(30, 20, {10, 200, 30, 0})) == "the image is blank: every pixel is transparent");
  // Faint noise below the content threshold (0.1 of the range) is still blank.
  Canvas faint(40, 40, white);
  faint.rect(10, 10, 5, 5, {240, 240, 240, 255});
  CHECK_THROWS_AS(faint.preprocess(), ImageError);
}

TEST_CASE("a one-pixel image is blank; a one-pixel item fills the input") {
  CHECK(error_message(Canvas(1, 1, black)).rfind("the image is blank", 0) == 0);
  Canvas dot(64, 64, white);
  dot.set(40, 7, black);
  const ModelImage m = dot.preprocess();
  CHECK(m.content.x == 40);
  CHECK(m.content.y == 7);
  CHECK(m.content.width == 1);
  CHECK(m.content.height == 1);
  CHECK(total(m) == doctest::Approx(784.0));
}

TEST_CASE("sizes are refused before anything is read or allocated") {
  using Kind = ImageError::Kind;
  // 20000x30000 would need 2.4 GB of RGBA: refused from the size alone (the buffer is empty).
  try {
    preprocess_image({}, 20000, 30000);
    FAIL("accepted");
  } catch (const ImageError& e) {
    CHECK(e.kind() == Kind::too_large);
    CHECK(std::string(e.what()) ==
          "the image is too large: 20000x30000 pixels; the limit is 16384 pixels on a side and 50 megapixels");
  }
  // Each side allowed, the area not: 10000x10000 = 100 megapixels.
  CHECK_THROWS_WITH(preprocess_image({}, 10000, 10000), doctest::Contains("10000x10000"));
  try {
    preprocess_image({}, 0, 10);
    FAIL("accepted");
  } catch (const ImageError& e) {
    CHECK(e.kind() == Kind::empty);
    CHECK(std::string(e.what()) == "the image is empty (0x10 pixels)");
  }
  std::vector<std::uint8_t> short_buffer(10 * 10 * 3);
  try {
    preprocess_image(short_buffer, 10, 10);
    FAIL("accepted");
  } catch (const ImageError& e) {
    CHECK(e.kind() == Kind::buffer_size);
    CHECK(std::string(e.what()) == "the RGBA buffer has 300 bytes; a 10x10 image needs 400");
  }
}

TEST_CASE("a model input size over preprocessing's limit is refused before anything is allocated") {
  // Found by fuzzing: a model declaring 65537x65536 pixels made height * width wrap
  // in 32 bits to 65536, and preprocessing wrote past that buffer.
  Canvas c(8, 8, black);
  c.rect(2, 2, 4, 4, white);
  for (auto [w, h] : {std::pair{65537, 65536}, {4097, 10}, {2049, 2048}}) {
    ImageInputSpec spec;
    spec.width = w, spec.height = h;
    largest_allocation::reset();
    try {
      c.preprocess(spec);
      FAIL("accepted");
    } catch (const ImageError& e) {
      CHECK(e.kind() == ImageError::Kind::unsupported);
      CHECK(std::string(e.what()) == "the model's input size " + std::to_string(w) + "x" + std::to_string(h) +
                                         " is over preprocessing's limit of 4096 pixels on a side and 4194304 "
                                         "pixels in all");
    }
    CHECK(largest_allocation::bytes < 4096);
  }
  // At the limit: 2048x2048, the square filling it.
  ImageInputSpec spec;
  spec.width = spec.height = 2048;
  const ModelImage m = c.preprocess(spec);
  REQUIRE(m.pixels.size() == std::size_t{2048} * 2048);
  CHECK(m.pixels.front() == doctest::Approx(1.f));
  CHECK(m.pixels.back() == doctest::Approx(1.f));
}

TEST_CASE("downscaling averages areas: a one-pixel checkerboard halved is uniform gray 0.5") {
  Canvas c(60, 60, black);
  for (int y = 0; y < 56; ++y)
    for (int x = 0; x < 56; ++x)
      if ((x + y) % 2 == 0) c.set(2 + x, 2 + y, white);
  const ModelImage m = c.preprocess();
  CHECK(m.content.width == 56);
  CHECK(m.content.height == 56);
  for (float v : m.pixels) CHECK(v == doctest::Approx(0.5f).epsilon(1e-6));
}

TEST_CASE("a gray background level is subtracted so the background becomes exactly 0") {
  Canvas c(40, 40, {77, 77, 77, 255});
  c.rect(15, 15, 10, 10, {230, 230, 230, 255});
  const ModelImage m = c.preprocess();
  CHECK_FALSE(m.inverted);
  const double level = 77 / 255.0, item = 230 / 255.0;
  CHECK(m.background_level == doctest::Approx(level));
  for (float v : m.pixels) CHECK(v == doctest::Approx((item - level) / (1 - level)));  // the square fills 28x28
}

TEST_CASE("a light-background model gets a dark item, normalised with the metadata's mean and std") {
  Canvas c(50, 50, black);
  c.rect(10, 10, 30, 30, white);
  ImageInputSpec spec;
  spec.background = Background::light;
  spec.mean = {0.5f};
  spec.std = {0.25f};
  const ModelImage m = c.preprocess(spec);
  CHECK(m.inverted);  // the source's background is dark, the model's light
  for (float v : m.pixels) CHECK(v == doctest::Approx((0.0 - 0.5) / 0.25));
}

TEST_CASE("an RGB model gets three planes; colour is kept, background subtracted per channel") {
  Canvas c(30, 30, black);
  c.rect(5, 5, 20, 20, {200, 100, 50, 255});
  ImageInputSpec spec;
  spec.channels = 3;
  const ModelImage m = c.preprocess(spec);
  REQUIRE(m.pixels.size() == 3 * 784);
  CHECK(m.pixels[0] == doctest::Approx(200 / 255.0));
  CHECK(m.pixels[784] == doctest::Approx(100 / 255.0));
  CHECK(m.pixels[2 * 784] == doctest::Approx(50 / 255.0));
}

TEST_CASE("Fashion-MNIST test images (web/samples) are fixed points of preprocessing") {
  // The dataset's items are already cropped, fitted and centred: preprocessing them
  // again must give them back, except for faint edge pixels under the content
  // threshold (ink 0.1). Those can shrink the box by a pixel (1 sample of the 20:
  // test image 30, whose top row is faint), which then rescales the item.
  const std::string dir = std::string(VITOPO_SOURCE_DIR) + "/web/samples/";
  std::ifstream index_file(dir + "samples.json");
  REQUIRE(index_file);
  const auto index = nlohmann::json::parse(index_file);
  REQUIRE(index["samples"].size() == 20);
  int unchanged = 0;
  for (const auto& sample : index["samples"]) {
    int w = 0, h = 0, n = 0;
    const std::string path = dir + sample["file"].get<std::string>();
    unsigned char* gray = stbi_load(path.c_str(), &w, &h, &n, 1);
    REQUIRE_MESSAGE(gray, path);
    REQUIRE(w == 28);
    REQUIRE(h == 28);
    Canvas c(28, 28, black);
    for (int i = 0; i < 784; ++i) c.set(i % 28, i / 28, {gray[i], gray[i], gray[i], 255});
    const ModelImage m = c.preprocess();
    CHECK_FALSE(m.inverted);
    const bool same_place = m.placed.x == m.content.x && m.placed.y == m.content.y &&
                            m.placed.width == m.content.width && m.placed.height == m.content.height;
    if (same_place) {
      ++unchanged;
      float worst = 0;
      for (int i = 0; i < 784; ++i) worst = std::max(worst, std::abs(m.pixels[i] - gray[i] / 255.f));
      CHECK_MESSAGE(worst <= 0.1f, path);
    } else {
      MESSAGE(path, ": content box ", m.content.x, ",", m.content.y, " ", m.content.width, "x", m.content.height,
              " refitted");
    }
    stbi_image_free(gray);
  }
  CHECK(unchanged >= 19);
}

TEST_CASE("an RGB channel whose background sits at an extreme has no ink, never NaN") {
  // Found by fuzzing: ink divided by the room between the background level and the
  // far extreme, 0/0 when a channel's level is 1 on a dark source (red's on a red
  // background) or 0 on a light one (blue's on a yellow background).
  ImageInputSpec spec;
  spec.channels = 3;
  const auto plane = [](const ModelImage& m, int channel, int row, int col) {
    return m.pixels[(static_cast<std::size_t>(channel) * m.height + row) * m.width + col];
  };
  struct Case {
    Rgba background, item;
    float ink[3];  // per channel, inside the item
  };
  // Red background (gray 0.299, dark), white item: red has no room (level 1), green and blue full ink.
  // Yellow background (gray 0.886, light), black item: red and green full ink, blue no room (level 0).
  for (const Case& k : {Case{{255, 0, 0, 255}, white, {0.f, 1.f, 1.f}}, Case{{255, 255, 0, 255}, black, {1.f, 1.f, 0.f}}}) {
    Canvas c(40, 30, k.background);
    c.rect(10, 10, 20, 10, k.item);  // 20 wide, 10 tall: 28 x 14 in the model, rows 7..20
    const ModelImage m = c.preprocess(spec);
    REQUIRE(m.pixels.size() == 3 * 784);
    for (float v : m.pixels) REQUIRE(std::isfinite(v));
    for (int ch = 0; ch < 3; ++ch)
      for (int r = 0; r < 28; ++r)
        for (int col = 0; col < 28; ++col) {
          CAPTURE(ch);
          CAPTURE(r);
          CHECK(plane(m, ch, r, col) == (r >= 7 && r <= 20 ? k.ink[ch] : 0.f));
        }
  }
}

// Photos (background "none"): the shorter side resized, the centre cropped.
TEST_CASE("the centre crop's offset rounds a half to even, as torchvision's center_crop") {
  CHECK(vitopo::centre_crop_offset(256, 224) == 16);
  CHECK(vitopo::centre_crop_offset(225, 224) == 0);  // 0.5 -> 0
  CHECK(vitopo::centre_crop_offset(227, 224) == 2);  // 1.5 -> 2 (Hugging Face floors it to 1)
  CHECK(vitopo::centre_crop_offset(229, 224) == 2);  // 2.5 -> 2
  CHECK(vitopo::centre_crop_offset(231, 224) == 4);  // 3.5 -> 4
  CHECK(vitopo::centre_crop_offset(224, 224) == 0);
}

TEST_CASE("the shorter side becomes resize, the longer floor(resize * longer / shorter), in 64 bits") {
  const auto landscape = vitopo::shorter_side_resized(640, 480, 256);
  CHECK(landscape.width == 341);
  CHECK(landscape.height == 256);
  const auto portrait = vitopo::shorter_side_resized(181, 257, 256);
  CHECK(portrait.width == 256);
  CHECK(portrait.height == 363);  // 256 * 257 / 181 = 363.5
  const auto thin = vitopo::shorter_side_resized(1, 16384, 4096);
  CHECK(thin.width == 4096);
  CHECK(thin.height == std::int64_t{4096} * 16384);
}

TEST_CASE("at scale 1 a bilinear or bicubic resize copies pixels, so the crop is the source's centre exactly") {
  // Every pixel's colour encodes where it is; the shorter side is already `resize`.
  Canvas c(10, 7, black);
  for (int y = 0; y < 7; ++y)
    for (int x = 0; x < 10; ++x) c.set(x, y, {std::uint8_t(20 * x), std::uint8_t(30 * y), 99, 255});
  for (auto kind : {vitopo::Interpolation::bilinear, vitopo::Interpolation::bicubic}) {
    ImageInputSpec spec;
    spec.channels = 3, spec.width = 4, spec.height = 5, spec.background = Background::none;
    spec.resize = 7, spec.interpolation = kind;
    const ModelImage m = c.preprocess(spec);
    // The crop starts at column round((10 - 4) / 2) = 3 and row round((7 - 5) / 2) = 1.
    for (int i = 0; i < 5; ++i)
      for (int j = 0; j < 4; ++j) {
        CHECK(m.pixels[static_cast<std::size_t>(i) * 4 + j] == 20.f * (3 + j) / 255.f);
        CHECK(m.pixels[20 + static_cast<std::size_t>(i) * 4 + j] == 30.f * (1 + i) / 255.f);
        CHECK(m.pixels[40 + static_cast<std::size_t>(i) * 4 + j] == 99.f / 255.f);
      }
    CHECK(m.content.x == 3);
    CHECK(m.content.y == 1);
    CHECK(m.content.width == 4);
    CHECK(m.content.height == 5);
  }
}

TEST_CASE("a uniform photo stays uniform through every filter, shrunk or enlarged") {
  for (int side : {3, 50, 700})
    for (auto kind : {vitopo::Interpolation::area, vitopo::Interpolation::bilinear, vitopo::Interpolation::bicubic}) {
      Canvas c(side * 3 / 2, side, {51, 102, 204, 255});
      ImageInputSpec spec;
      spec.channels = 3, spec.width = spec.height = 24, spec.background = Background::none;
      spec.resize = 28, spec.interpolation = kind;
      const ModelImage m = c.preprocess(spec);
      for (int ch = 0; ch < 3; ++ch)
        CHECK(m.pixels[ch * 576 + 300] == doctest::Approx((ch == 0 ? 51 : ch == 1 ? 102 : 204) / 255.f).epsilon(1e-6));
    }
}

TEST_CASE("a thin image resized by its shorter side allocates only the crop, never the resized image") {
  // 1 x 16384: its resize to 224 would be 224 x 3 670 016 pixels (2.4 GB of RGB floats).
  Canvas c(1, 16384, {200, 100, 50, 255});
  ImageInputSpec spec;
  spec.channels = 3, spec.width = spec.height = 224, spec.background = Background::none;
  spec.resize = 224, spec.interpolation = vitopo::Interpolation::bicubic;
  largest_allocation::reset();
  const ModelImage m = c.preprocess(spec);
  CHECK(largest_allocation::bytes <= std::size_t{3} * 224 * 224 * sizeof(float));
  CHECK(m.pixels[0] == doctest::Approx(200.f / 255.f).epsilon(1e-6));
}

TEST_CASE("a resize that cannot give the crop is refused with the range it must be in") {
  Canvas c(40, 30, white);
  ImageInputSpec spec;
  spec.channels = 3, spec.width = 24, spec.height = 32, spec.background = Background::none;
  spec.resize = 30;
  try {
    c.preprocess(spec);
    FAIL("no error");
  } catch (const ImageError& e) {
    CHECK(std::string(e.what()) == "the model's resize of the shorter side to 30 pixels cannot give its 24x32 centre "
                                   "crop (it must be from 32 to 4096)");
    CHECK(e.kind() == ImageError::Kind::unsupported);
  }
}
