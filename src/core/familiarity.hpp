// How far an image is from what a model knows, for the page's notice.
//
// Two signs, each defensible on its own:
//   - the input's statistics (per-image mean, standard deviation and fraction
//     of dark pixels < 0.05 of the model input) fall outside the central
//     99.8 % of the training images' (the 0.1st to 99.9th percentiles, for
//     the datasets listed in training_ranges(), e.g. Fashion-MNIST's 60 000
//     training images, computed as docs/science.md says);
//   - for a grayscale dataset, the image as loaded is in colour: its mean
//     chroma (max − min of R, G, B, over 255) is above 0.04 (a grayscale
//     image has 0; JPEG noise stays far below);
//   - the prediction is unsure: its entropy is more than half of log(classes).
// A notice is due when any holds. The model input alone cannot tell a photo
// from a training image: preprocessing (fit, background, contrast) makes
// most images look statistically like the training set, so the colour of the
// original carries the most weight; a grayscale photo can pass unnoticed.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vitopo {

struct InputStatistics {
  double mean = 0, std = 0, dark_fraction = 0;  // over every value of the model input
};
InputStatistics input_statistics(std::span<const float> pixels);

struct TrainingRange {
  std::string_view dataset;  // as model metadata names it ("dataset")
  double mean[2], std[2], dark_fraction[2];  // [0.1st, 99.9th] percentiles over training images
  bool grayscale = false;                    // the training images have no colour
};
// The training ranges vitopo knows, or null for another dataset.
const TrainingRange* training_range(std::string_view dataset);

struct Familiarity {
  InputStatistics statistics;
  double entropy = 0;           // of the prediction, over log(classes): 0 certain, 1 uniform
  double chroma = 0;            // of the image as loaded (0 when absent)
  bool colourful = false;       // in colour, for a grayscale dataset
  bool unusual_input = false;   // outside the training range (false when none is known)
  bool unsure = false;          // entropy > 0.5
  std::vector<std::string> reasons;  // plain sentences, one per sign
  bool far() const { return colourful || unusual_input || unsure; }
};

// Mean chroma of RGBA pixels: (max − min of R, G, B) / 255, averaged.
double mean_chroma(std::span<const std::uint8_t> rgba);

Familiarity familiarity(std::span<const float> pixels, std::span<const float> probabilities, std::string_view dataset,
                        std::span<const std::uint8_t> rgba = {});

}  // namespace vitopo
