// The core's preprocessing from the command line, for the tests that hold it
// against independent oracles (torchvision, PIL) and against the page:
//
//   preprocess_png IMAGE.png SPEC.json OUT.npy
//
// IMAGE.png is decoded to RGBA by stb_image; SPEC.json is a model spec (the
// page API's vitopo.model(), or `vitopo model`'s output); OUT.npy gets the
// model input, float32 [1, C, H, W]. Exit 2 with the core's message on bad input.
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb/stb_image.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "core/model_spec_json.hpp"
#include "core/npy.hpp"
#include "core/preprocess.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: preprocess_png IMAGE.png SPEC.json OUT.npy\n";
    return 2;
  }
  int width = 0, height = 0, channels = 0;
  stbi_uc* rgba = stbi_load(argv[1], &width, &height, &channels, 4);
  if (!rgba) {
    std::cerr << "preprocess_png: cannot decode " << argv[1] << ": " << stbi_failure_reason() << "\n";
    return 2;
  }
  try {
    std::ifstream in(argv[2]);
    const vitopo::ImageInputSpec spec = vitopo::model_spec_from_json(nlohmann::json::parse(in)).input;
    const vitopo::ModelImage image = vitopo::preprocess_image(
        std::span<const std::uint8_t>(rgba, static_cast<std::size_t>(width) * height * 4), width, height, spec);
    stbi_image_free(rgba);
    const std::vector<std::int64_t> shape{1, image.channels, image.height, image.width};
    const std::vector<std::uint8_t> bytes = vitopo::npy_bytes(std::span<const float>(image.pixels), shape);
    std::ofstream out(argv[3], std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::cerr << "preprocess_png: cannot write " << argv[3] << "\n";
      return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "preprocess_png: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
