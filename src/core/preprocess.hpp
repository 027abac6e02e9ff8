// Image preprocessing: any RGBA image -> the `pixels` tensor a vitopo model takes.
//
// The default model was trained on Fashion-MNIST, whose items were made by
// trimming product photos, resizing their longest side to 28 pixels, centring
// them on a 28x28 canvas and negating them (Xiao, Rasul & Vollgraf 2017,
// "Fashion-MNIST", section 2). An upload goes through the same steps, so a photo
// of a shirt on a white table looks to the model like the shirts it has seen:
//   1. RGBA -> grayscale (Rec. 601 luma), alpha composited over a matte that
//      makes a transparent background background;
//   2. the background level is the median of the border pixels; a background
//      of the wrong polarity for the model is inverted, and the background level
//      is subtracted so the background becomes exactly 0 ("ink" in [0, 1]);
//   3. crop to the bounding box of the pixels whose ink exceeds a threshold;
//   4. scale the box so its longest side fills the input (aspect preserved,
//      area-averaging resampling) and centre it.
// Measured on the Fashion-MNIST test set: every item's longest side is 28 pixels
// (no margin) and its bounding box is centred (an odd margin pixel goes first),
// so step 4 uses no margin.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace vitopo {

// What the model expects its background to be after preprocessing.
//   dark:  light items on a dark background (Fashion-MNIST, MNIST);
//   light: dark items on a light background;
//   none:  no inversion, no crop: the whole image is resampled to the input size
//          (for models trained on uncropped natural images).
enum class Background { dark, light, none };

// How the whole image is resampled when the background is `none`:
//   area:     area averaging (the first contract's only way);
//   bilinear, bicubic: the convolution filters of PIL's Image.resize and of
//             torchvision's resize with antialias (a triangle, and Keys' cubic
//             with a = -0.5, widened by the scale when shrinking), as
//             Hugging Face's image processors and torchvision's presets use them.
enum class Interpolation { area, bilinear, bicubic };

// The model's image input, as its metadata describes it (see onnx_model.hpp).
struct ImageInputSpec {
  int channels = 1;  // 1 (grayscale) or 3 (RGB)
  int height = 28;
  int width = 28;
  Background background = Background::dark;
  // Per-channel normalisation applied here; empty when the model normalises
  // inside its graph (vitopo's default model does).
  std::vector<float> mean;
  std::vector<float> std;
  // Ink (distance from the background, in [0, 1]) a pixel needs to count as content.
  float content_threshold = 0.1f;
  // Background `none` only. resize > 0: the shorter side is resized to `resize`
  // pixels (the longer to floor(resize * longer / shorter)), then the centre
  // height x width is cut out, as torchvision's Resize(resize) + CenterCrop and
  // Hugging Face's processors with do_center_crop do; resize >= max(height,
  // width). 0: the whole image is resampled to height x width.
  int resize = 0;
  Interpolation interpolation = Interpolation::area;
};

// Limits checked before anything is allocated: a 16384-pixel side and 50 megapixels
// cover any camera photo, and keep the wasm heap small.
inline constexpr int max_image_side = 16384;
inline constexpr std::int64_t max_image_pixels = 50'000'000;
// The largest model input produced (ImageInputSpec's height and width): 4096 pixels
// on a side and 4 megapixels, 48 MiB of float32 for 3 channels.
inline constexpr int max_input_side = 4096;
inline constexpr std::int64_t max_input_pixels = 4'194'304;

// Where the centre crop starts on a side of `resized` pixels, cutting `crop`:
// round((resized - crop) / 2), halves to even, as torchvision's center_crop.
int centre_crop_offset(std::int64_t resized, int crop);

// The resized size (width, height) of a width x height image whose shorter
// side becomes `resize`: the longer side is floor(resize * longer / shorter),
// computed in 64-bit arithmetic (it is never allocated: only the crop is made).
struct ResizedSize {
  std::int64_t width = 0, height = 0;
};
ResizedSize shorter_side_resized(int width, int height, int resize);

// A rectangle in source-image pixels.
struct PixelBox {
  int x = 0, y = 0, width = 0, height = 0;
};

// The model's input for one image, and what preprocessing found.
struct ModelImage {
  int channels = 0, height = 0, width = 0;
  std::vector<float> pixels;  // [channels][height][width] row-major: batch 1 of `pixels`
  PixelBox content;           // the cropped content box in the source image
  PixelBox placed;            // where the content landed in the model image
  bool inverted = false;      // the source's background had the opposite polarity
  bool transparent_background = false;  // most border pixels were transparent
  float background_level = 0.f;         // source background gray level in [0, 1] (border median)
};

class ImageError : public std::runtime_error {
 public:
  enum class Kind { empty, too_large, buffer_size, blank, unsupported };
  ImageError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// rgba: width*height*4 bytes, row-major, straight (not premultiplied) alpha, as
// a canvas's ImageData or stb_image with 4 channels gives them.
// Throws ImageError: empty (a zero side), too_large (checked before any
// allocation), buffer_size, unsupported (channels not 1 or 3, or a model input
// size over the limits above, also checked before any allocation), blank (no pixel
// differs from the background: there is nothing to centre, and the model would
// classify an empty canvas, so the caller gets a clear message instead).
ModelImage preprocess_image(std::span<const std::uint8_t> rgba, int width, int height,
                            const ImageInputSpec& spec = {});

}  // namespace vitopo
