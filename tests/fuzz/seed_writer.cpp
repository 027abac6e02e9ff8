// Writes the seeds of the share-link and preprocessing harnesses from the
// project's own data: the default model and the gallery's samples, through
// the core's own encoder (tests/fuzz/make_corpus.py runs it).
//
//   fuzz_seed_writer SOURCE_DIR OUT_DIR
//
// OUT_DIR/share_link/: links as the page makes them (mixed, uint8 and float32
// pixels; a whole URL), and records without their CRC-32 (the harness's
// second kind of input). OUT_DIR/preprocess/: samples in the harness's
// layout (see preprocess_fuzz.cpp) for the default model and for other inputs.
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb/stb_image.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "core/onnx_model.hpp"
#include "core/preprocess.hpp"
#include "core/share_link.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const std::filesystem::path& path, const void* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary);
  out.write(static_cast<const char*>(data), std::streamsize(size));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

struct Rgba {
  int width = 0, height = 0;
  Bytes pixels;
};

Rgba sample(const std::string& source_dir, const std::string& name) {
  const Bytes png = read_file(source_dir + "/web/samples/" + name);
  Rgba image;
  int n = 0;
  stbi_uc* rgba = stbi_load_from_memory(png.data(), int(png.size()), &image.width, &image.height, &n, 4);
  if (!rgba) throw std::runtime_error("cannot decode " + name);
  image.pixels.assign(rgba, rgba + std::size_t(image.width) * std::size_t(image.height) * 4);
  stbi_image_free(rgba);
  return image;
}

void put16(Bytes& out, int v) {
  out.push_back(std::uint8_t(v));
  out.push_back(std::uint8_t(v >> 8));
}

void putf32(Bytes& out, float x) {
  std::uint8_t b[4];
  std::memcpy(b, &x, 4);
  out.insert(out.end(), b, b + 4);
}

// preprocess_fuzz.cpp's layout.
Bytes preprocess_seed(const Rgba& image, const vitopo::ImageInputSpec& spec) {
  Bytes out;
  put16(out, image.width);
  put16(out, image.height);
  out.push_back(std::uint8_t(spec.channels));
  put16(out, spec.height);
  put16(out, spec.width);
  out.push_back(std::uint8_t(spec.background));
  out.push_back(std::uint8_t(spec.content_threshold * 255.f + 0.5f));
  out.push_back(spec.mean.empty() ? 0 : 2);
  if (!spec.mean.empty()) {
    out.push_back(std::uint8_t(spec.mean.size()));
    for (std::size_t c = 0; c < spec.mean.size(); ++c) putf32(out, spec.mean[c]), putf32(out, spec.std[c]);
  }
  out.insert(out.end(), image.pixels.begin(), image.pixels.end());
  return out;
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc != 3) {
    std::cerr << "usage: fuzz_seed_writer SOURCE_DIR OUT_DIR\n";
    return 2;
  }
  const std::string source_dir = argv[1];
  const std::filesystem::path out = argv[2];
  std::filesystem::create_directories(out / "share_link");
  std::filesystem::create_directories(out / "preprocess");

  const Bytes onnx = read_file(source_dir + "/models/vitopo-fmnist.onnx");
  const vitopo::ModelSpec spec = vitopo::read_model_spec(onnx);
  const Rgba coat = sample(source_dir, "coat-6.png"), bag = sample(source_dir, "bag-18.png");

  // Share links for the default model, as the page makes them.
  vitopo::SharedView view;
  view.model = vitopo::identify_model(onnx, spec.name);
  const vitopo::ModelImage image = vitopo::preprocess_image(coat.pixels, coat.width, coat.height, spec.input);
  view.image = {image.channels, image.height, image.width, image.pixels};
  view.settings.metric = vitopo::Metric::Hellinger;
  view.settings.maxdim = 2;
  view.settings.modulus = 3;
  view.settings.threshold = 0.75;
  view.selection = {3, 2, 0.25, vitopo::BarRef{1, 4}};
  auto link = [&](const std::string& name, const std::string& prefix = "") {
    const std::string text = prefix + vitopo::encode_share_link(view);
    write_file(out / "share_link" / (name + ".txt"), text.data(), text.size());
    Bytes record = vitopo::share_link_record(view);
    record.resize(record.size() - 4);  // the harness seals it
    write_file(out / "share_link" / (name + ".record"), record.data(), record.size());
  };
  link("coat-mixed");
  view.settings = {};
  view.selection = {0, 0, 0.0, std::nullopt};
  for (float& p : view.image.pixels) p = float(int(p * 255.f + 0.5f)) / 255.0f;  // every pixel a byte
  link("coat-uint8-defaults", "https://vitopo.example/#");
  for (std::size_t i = 0; i < view.image.pixels.size(); ++i) view.image.pixels[i] = float(i % 97) / 96.5f;
  view.settings.seed_compatible = true;
  view.settings.drop_cls = true;
  view.settings.columns = true;
  view.selection = {1, 3, 1.5, vitopo::BarRef{0, 0}};
  link("ramp-float32-seed");
  // A 3-channel model's image: the record's channel count and the harness's model follow it.
  view.image = {3, 8, 8, std::vector<float>(3 * 8 * 8, 0.5f)};
  view.model.name = "rgb";
  link("rgb-8x8");

  // Preprocessing: the default model's input, and other models' inputs.
  auto seed = [&](const std::string& name, const Rgba& rgba, const vitopo::ImageInputSpec& input) {
    const Bytes bytes = preprocess_seed(rgba, input);
    write_file(out / "preprocess" / (name + ".bin"), bytes.data(), bytes.size());
  };
  seed("coat-default", coat, spec.input);
  vitopo::ImageInputSpec light = spec.input;
  light.background = vitopo::Background::light;
  light.channels = 3;
  light.height = light.width = 32;
  light.mean = {0.485f, 0.456f, 0.406f};
  light.std = {0.229f, 0.224f, 0.225f};
  seed("bag-rgb-light-normalised", bag, light);
  vitopo::ImageInputSpec whole = spec.input;
  whole.background = vitopo::Background::none;
  whole.height = 12;
  whole.width = 20;
  seed("bag-none-12x20", bag, whole);
  Rgba transparent = coat;  // the item on a transparent background
  for (std::size_t i = 0; i < transparent.pixels.size(); i += 4)
    transparent.pixels[i + 3] = transparent.pixels[i] > 30 ? 255 : 0;
  seed("coat-transparent", transparent, spec.input);
  return 0;
} catch (const std::exception& e) {
  std::cerr << "fuzz_seed_writer: " << e.what() << "\n";
  return 1;
}
