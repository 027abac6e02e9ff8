// The model-contract validator (src/core/onnx_model.hpp) on the committed model and
// on broken variants of it that python3-onnx wrote (make_broken_models.py): each
// variant must be reported with exactly the problems it has, all of them.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/onnx_model.hpp"
#include "largest_allocation.hpp"

using vitopo::check_model;
using vitopo::ModelCheck;
using Problems = std::vector<std::string>;

namespace {

std::vector<std::uint8_t> read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  REQUIRE_MESSAGE(f, "cannot open " << path);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

ModelCheck check_variant(const std::string& name) {
  return check_model(read_bytes(std::string(VITOPO_BROKEN_MODELS) + "/" + name + ".onnx"));
}

// The problems of a variant, checked for what every problem must be: a short
// sentence of valid UTF-8 (the page sends it on as JSON text).
Problems sentences(const std::string& name) {
  Problems problems;
  CHECK_NOTHROW(problems = check_variant(name).problems);
  for (const auto& p : problems) {
    CHECK_MESSAGE(p.size() < 300, name, ": ", p);
    CHECK_NOTHROW(nlohmann::json(p).dump());
  }
  return problems;
}

const std::string labels_text =
    "[\"T-shirt/top\",\"Trouser\",\"Pullover\",\"Dress\",\"Coat\",\"Sandal\",\"Shirt\",\"Sneaker\",\"Bag\"]";

}  // namespace

TEST_CASE("the committed model follows the contract and describes itself") {
  const ModelCheck check = check_model(read_bytes(VITOPO_DEFAULT_MODEL));
  CHECK(check.problems == Problems{});
  const vitopo::ModelSpec& spec = check.spec;
  CHECK(spec.id == "vitopo-fmnist-vit-d64-l4-h4-p4");
  CHECK(spec.dataset == "Fashion-MNIST");
  CHECK(spec.input.channels == 1);
  CHECK(spec.input.height == 28);
  CHECK(spec.input.width == 28);
  CHECK(spec.input.background == vitopo::Background::dark);
  CHECK(spec.input.mean.empty());  // normalisation is inside the graph
  CHECK(spec.patch == 4);
  CHECK(spec.grid_rows == 7);
  CHECK(spec.grid_cols == 7);
  CHECK(spec.cls);
  CHECK(spec.tokens == 50);
  CHECK(spec.layers == 4);
  CHECK(spec.heads == 4);
  REQUIRE(spec.labels.size() == 10);
  CHECK(spec.labels[0] == "T-shirt/top");
  CHECK(spec.labels[9] == "Ankle boot");
  // The accuracy in the metadata is the one training recorded.
  std::ifstream record_file(std::string(VITOPO_SOURCE_DIR) + "/models/training_record.json");
  REQUIRE(record_file);
  const auto record = nlohmann::json::parse(record_file);
  REQUIRE(spec.test_accuracy.has_value());
  CHECK(*spec.test_accuracy == doctest::Approx(record["test_accuracy"].get<double>()).epsilon(1e-4));
  CHECK(vitopo::read_model_spec(read_bytes(VITOPO_DEFAULT_MODEL)).tokens == 50);
}

TEST_CASE("a model without attentions is refused, saying what it must return") {
  CHECK(check_variant("no_attentions").problems ==
        Problems{"output 'attentions' is missing: the model must return the attention of every layer as "
                 "[L,B,heads,T,T] (outputs found: 'logits')"});
}

TEST_CASE("outputs and inputs of the wrong rank, name or type are reported") {
  CHECK(check_variant("attentions_rank4").problems ==
        Problems{"output 'attentions' has rank 4 [batch,4,50,50]; it must have rank 5, [L,B,heads,T,T]"});
  CHECK(check_variant("pixels_renamed").problems ==
        Problems{"input 'pixels' is missing: the model must take the image as [B,C,H,W] float32 in [0,1] "
                 "(inputs found: 'image')",
                 "input 'image' is not part of the contract: the only input is 'pixels'"});
  CHECK(check_variant("logits_int64").problems ==
        Problems{"output 'logits' has element type int64; it must be float32"});
}

TEST_CASE("attention token count must match the metadata's grid and CLS") {
  CHECK(check_variant("attentions_49_tokens").problems ==
        Problems{"output 'attentions' has 49 tokens (axes 3 and 4) but the metadata's grid 7x7 plus CLS gives 50"});
}

TEST_CASE("missing or invalid metadata is reported") {
  CHECK(check_variant("no_metadata").problems ==
        Problems{"metadata_props has no 'vitopo' entry: the model must describe its input, patch, grid, CLS, "
                 "preprocessing and labels there as JSON (keys found: 'author')"});
  const Problems invalid = check_variant("invalid_json").problems;
  REQUIRE(invalid.size() == 1);
  CHECK(invalid[0].rfind("metadata 'vitopo' is not valid JSON: parse error at line 1, column 27", 0) == 0);
  CHECK(check_variant("missing_fields").problems ==
        Problems{"metadata 'vitopo' has no \"cls\" (true when token 0 is a CLS token)",
                 "metadata 'vitopo': \"preprocessing.background\" must be \"dark\" (light items on a dark "
                 "background), \"light\" or \"none\", not \"grey\"",
                 "metadata 'vitopo' has no \"labels\" (the class names, one per logit)"});
}

TEST_CASE("inconsistent metadata is reported against the graph and against itself") {
  CHECK(check_variant("inconsistent_grid").problems ==
        Problems{"metadata 'vitopo': grid 7x7 of 5-pixel patches covers 35x35 pixels, but the input is 28x28 "
                 "(height x width)"});
  CHECK(check_variant("wrong_label_count").problems ==
        Problems{"output 'logits' has 10 classes (axis 1) but the metadata's label count is 9"});
}

TEST_CASE("prefix_tokens: the tokens before the patches, 1 by default with CLS") {
  const ModelCheck plain = check_model(read_bytes(VITOPO_DEFAULT_MODEL));
  CHECK(plain.spec.prefix_tokens == 1);  // a model without the key: CLS alone
  const ModelCheck one = check_variant("prefix_tokens_1");
  CHECK(one.problems == Problems{});
  CHECK(one.spec.prefix_tokens == 1);
  CHECK(one.spec.tokens == 50);
  const ModelCheck two = check_variant("prefix_tokens_2");  // CLS and a distillation token, graph T = 51
  CHECK(two.problems == Problems{});
  CHECK(two.spec.prefix_tokens == 2);
  CHECK(two.spec.tokens == 51);
  CHECK(check_variant("prefix_tokens_2_graph_50").problems ==
        Problems{"output 'attentions' has 50 tokens (axes 3 and 4) but the metadata's grid 7x7 plus 2 prefix tokens "
                 "gives 51"});
  CHECK(check_variant("prefix_tokens_0_with_cls").problems ==
        Problems{"metadata 'vitopo': \"prefix_tokens\" is 0, but \"cls\" is true: CLS is token 0, a prefix token"});
  CHECK(check_variant("prefix_tokens_bad").problems ==
        Problems{"metadata 'vitopo': \"prefix_tokens\" must be an integer from 0 to 64 (the tokens before the "
                 "patches), not \"two\""});
  CHECK(check_variant("prefix_tokens_over_limit").problems ==
        Problems{"metadata 'vitopo': \"prefix_tokens\" must be an integer from 0 to 64 (the tokens before the "
                 "patches), not 65"});
}

TEST_CASE("preprocessing.resize, crop and interpolation: a photo's shorter side resized and its centre cut out") {
  const ModelCheck plain = check_model(read_bytes(VITOPO_DEFAULT_MODEL));
  CHECK(plain.spec.input.resize == 0);  // without the keys: as before, area averaging
  CHECK(plain.spec.input.interpolation == vitopo::Interpolation::area);
  const ModelCheck photo = check_variant("photo_resize_crop");
  CHECK(photo.problems == Problems{});
  CHECK(photo.spec.input.background == vitopo::Background::none);
  CHECK(photo.spec.input.resize == 32);
  CHECK(photo.spec.input.interpolation == vitopo::Interpolation::bicubic);
  const ModelCheck straight = check_variant("photo_straight");
  CHECK(straight.problems == Problems{});
  CHECK(straight.spec.input.resize == 0);
  CHECK(straight.spec.input.interpolation == vitopo::Interpolation::bilinear);
  CHECK(check_variant("photo_resize_small").problems ==
        Problems{"metadata 'vitopo': \"preprocessing.resize\" (the shorter side's size before the centre crop) must be an "
                 "integer from 28 (the input's larger side) to 4096, or null, not 20"});
  CHECK(check_variant("photo_crop_other").problems ==
        Problems{"metadata 'vitopo': \"preprocessing.crop\" must be the input's size, 28 or [28, 28], not 24"});
  CHECK(check_variant("photo_interpolation_bad").problems ==
        Problems{"metadata 'vitopo': \"preprocessing.interpolation\" must be \"area\", \"bilinear\" or \"bicubic\", not "
                 "\"lanczos\""});
  CHECK(check_variant("resize_on_dark").problems ==
        Problems{"metadata 'vitopo': \"preprocessing.resize\" is for background \"none\" only (a photo resized and "
                 "centre-cropped); this model's background is \"dark\"",
                 "metadata 'vitopo': \"preprocessing.interpolation\" \"bilinear\" is for background \"none\" only; a "
                 "cropped item is fitted by area averaging"});
}

TEST_CASE("patches map to tokens after the prefix tokens") {
  vitopo::ModelSpec spec;
  spec.grid_rows = 14, spec.grid_cols = 14, spec.cls = true;
  for (int prefix : {0, 1, 2, 5}) {
    CAPTURE(prefix);
    spec.prefix_tokens = prefix;
    CHECK(spec.token_of_patch(0, 0) == prefix);
    CHECK(spec.token_of_patch(2, 3) == prefix + 2 * 14 + 3);
    CHECK(spec.token_of_patch(13, 13) == prefix + 195);
    CHECK(spec.token_of_patch(14, 0) == -1);
    CHECK(spec.token_of_patch(0, -1) == -1);
    for (int token = 0; token < prefix; ++token) CHECK(spec.patch_of_token(token) == std::pair{-1, -1});
    CHECK(spec.patch_of_token(prefix + 2 * 14 + 3) == std::pair{2, 3});
    CHECK(spec.patch_of_token(prefix + 196) == std::pair{-1, -1});
  }
}

TEST_CASE("every problem of a model is reported, not only the first") {
  CHECK(check_variant("several_problems").problems ==
        Problems{"output 'attentions' is missing: the model must return the attention of every layer as "
                 "[L,B,heads,T,T] (outputs found: 'logits')",
                 "metadata 'vitopo': \"tokens\" is 50 but grid 7x8 plus CLS gives 57",
                 "metadata 'vitopo': grid 7x8 of 4-pixel patches covers 28x32 pixels, but the input is 28x28 "
                 "(height x width)",
                 "input 'pixels' has 1 channels (axis 1) but the metadata says 3"});
  try {
    vitopo::read_model_spec(read_bytes(std::string(VITOPO_BROKEN_MODELS) + "/several_problems.onnx"));
    FAIL("a broken model was accepted");
  } catch (const vitopo::ModelContractError& e) {
    CHECK(e.problems().size() == 4);
    CHECK(std::string(e.what()).rfind("the model does not follow vitopo's model contract:\n  - output 'attentions'", 0) ==
          0);
  }
}

TEST_CASE("files that are not ONNX models are refused without crashing") {
  const Problems png = check_variant("not_onnx").problems;
  REQUIRE(png.size() == 1);
  CHECK(png[0].rfind("the file is not an ONNX model: ", 0) == 0);
  const Problems truncated = check_variant("truncated").problems;
  REQUIRE(truncated.size() == 1);
  CHECK(truncated[0].rfind("the file is not an ONNX model: malformed protobuf at byte ", 0) == 0);
  CHECK(check_model({}).problems == Problems{"the file is not an ONNX model: it has no graph (0 bytes read)"});
}

TEST_CASE("a model declaring 65536x65537 pixels, patch 1 and a matching grid is refused from its sizes alone") {
  // Found by fuzzing: the 32-bit products wrapped (65536 * 65537 = 2^32 + 65536) and
  // preprocessing then wrote past a 65536-float buffer. The graph's H, W and T are
  // symbolic, so only the limits stand between this file and an allocation.
  const auto bytes = read_bytes(std::string(VITOPO_BROKEN_MODELS) + "/huge_input.onnx");
  largest_allocation::reset();
  const ModelCheck check = check_model(bytes);
  CHECK(largest_allocation::bytes < 64 * 1024);  // nothing sized from the declared 17 GB of pixels
  CHECK(check.problems ==
        Problems{"metadata 'vitopo': \"input.height\" is 65536, over the limit of 4096 (input height in pixels)",
                 "metadata 'vitopo': \"input.width\" is 65537, over the limit of 4096 (input width in pixels)",
                 "metadata 'vitopo': grid 65536x65537 plus CLS is over the limit of 4097 tokens per image"});
  CHECK(check.spec.input.height == 0);
  CHECK(check.spec.input.width == 0);
  CHECK(check.spec.tokens == 0);
  CHECK_THROWS_AS(vitopo::read_model_spec(bytes), vitopo::ModelContractError);
}

TEST_CASE("token, pixel and integer limits are named, and a model at every limit is accepted") {
  CHECK(vitopo::max_model_input_side == 4096);
  CHECK(vitopo::max_model_tokens == 4097);
  // 46341^2 + 1 does not fit in a 32-bit int.
  CHECK(sentences("huge_grid") ==
        Problems{"metadata 'vitopo': grid 46341x46341 plus CLS is over the limit of 4097 tokens per image"});
  CHECK(sentences("grid_over_tokens") ==
        Problems{"metadata 'vitopo': grid 65x64 plus CLS is over the limit of 4097 tokens per image"});
  CHECK(sentences("too_many_pixels") ==
        Problems{"metadata 'vitopo': the input is 2048x2049 = 4196352 pixels, over the limit of 4194304 pixels"});
  CHECK(sentences("huge_integers") ==
        Problems{"metadata 'vitopo': \"layers\" must be a positive integer (the number of layers), not 1e+20",
                 "metadata 'vitopo': \"heads\" is 18446744073709551615, over the limit of 1024 (the number of heads)"});
  CHECK(sentences("graph_heads_over_limit") ==
        Problems{"output 'attentions' has 5000 heads (axis 2), over the limit of 1024"});
  // Preprocessing makes gray or RGB input: a model taking 2 channels could not be fed.
  CHECK(sentences("two_channels") ==
        Problems{"metadata 'vitopo': \"input.channels\" is 2, but preprocessing makes 1 (gray) or 3 (RGB) channels"});
  CHECK(sentences("normalization_beyond_float") ==
        Problems{"metadata 'vitopo': normalization \"outside\" needs \"preprocessing.mean\" as one number per "
                 "channel, not [1e+300]",
                 "metadata 'vitopo': normalization \"outside\" needs \"preprocessing.std\" as one number per "
                 "channel (positive), not [1e-50]"});
  const ModelCheck largest = check_variant("largest_accepted");
  CHECK(largest.problems == Problems{});
  CHECK(largest.spec.tokens == 4097);
  CHECK(largest.spec.input.height == 64);
  CHECK(largest.spec.patch == 1);
}

TEST_CASE("labels are limited in number and length, and a message shows only an excerpt of a long value") {
  CHECK(sentences("labels_over_limit") ==
        Problems{"metadata 'vitopo': \"labels\" has 100001 class names, over the limit of 100000"});
  CHECK(sentences("label_too_long") ==
        Problems{"metadata 'vitopo': label 3 (\"" + std::string(59, 'x') +
                 "...) is 300 bytes long, over the limit of 256 bytes"});
  // 100 000 numbers: the message quotes the list's first 60 characters, not its 600 kB.
  const Problems numbers = sentences("labels_long_list");
  REQUIRE(numbers.size() == 1);
  const std::string start = "metadata 'vitopo': \"labels\" must be a non-empty list of class names, not ";
  CHECK(numbers[0] == start + "[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,...");
}

TEST_CASE("metadata nested 7000 deep is refused before anything recurses over it") {
  // Found by fuzzing: the message dumped the value, and nlohmann's serializer
  // recursed 7000 deep ("Maximum call stack size exceeded" in wasm).
  CHECK(vitopo::max_metadata_depth == 64);
  CHECK(sentences("deep_metadata") ==
        Problems{"metadata 'vitopo' nests arrays and objects 7002 deep, over the limit of 64 levels"});
}

TEST_CASE("numbers beyond a double's range are refused in vitopo's words, not nlohmann's") {
  // Found by fuzzing: 1e400 made nlohmann's out_of_range escape check_model.
  const std::string tail = "), too large for a double: every number must be finite, at most about 1.8e308";
  CHECK(sentences("overflow_exponent") == Problems{"metadata 'vitopo' has the number 1e400 (at byte 8" + tail});
  CHECK(sentences("overflow_negative") == Problems{"metadata 'vitopo' has the number -1.5e309 (at byte 8" + tail});
  CHECK(sentences("overflow_digits") ==
        Problems{"metadata 'vitopo' has the number " + std::string(60, '9') + "... (at byte 8" + tail});
}

TEST_CASE("a byte that is not UTF-8 in the metadata gives a message that is itself valid UTF-8") {
  const Problems problems = sentences("label_not_utf8");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].rfind("metadata 'vitopo' is not valid JSON: parse error at line 1, column ", 0) == 0);
}

TEST_CASE("names from the file are quoted with their control characters escaped") {
  CHECK(sentences("input_name_escape") ==
        Problems{"input 'pixels' is missing: the model must take the image as [B,C,H,W] float32 in [0,1] "
                 "(inputs found: 'im\\u001b[31mage')",
                 "input 'im\\u001b[31mage' is not part of the contract: the only input is 'pixels'"});
}

TEST_CASE("no variant makes the check throw, and every problem is a short sentence") {
  for (const char* name :
       {"no_attentions", "attentions_rank4", "attentions_49_tokens", "pixels_renamed", "logits_int64", "no_metadata",
        "invalid_json", "inconsistent_grid", "wrong_label_count", "missing_fields", "several_problems", "not_onnx",
        "truncated", "huge_input", "huge_grid", "grid_over_tokens", "too_many_pixels", "huge_integers",
        "graph_heads_over_limit", "labels_over_limit", "label_too_long", "labels_long_list", "deep_metadata",
        "overflow_exponent", "overflow_negative", "overflow_digits", "label_not_utf8", "input_name_escape",
        "two_channels", "normalization_beyond_float"}) {
    CAPTURE(name);
    CHECK_FALSE(sentences(name).empty());
  }
}

TEST_CASE("samples: images a model offers, PNG or JPEG by their first bytes, base64url, within limits") {
  const ModelCheck good = check_variant("samples");
  CHECK(good.problems == Problems{});
  REQUIRE(good.spec.samples.size() == 2);
  CHECK(good.spec.samples[0].name == "Coat, a sample");
  CHECK(good.spec.samples[0].label == 4);
  CHECK(good.spec.samples[0].type == "image/png");
  CHECK(good.spec.samples[1].label == -1);
  CHECK(good.spec.samples[1].type == "image/jpeg");
  CHECK(check_model(read_bytes(VITOPO_DEFAULT_MODEL)).spec.samples.empty());
  const std::string meta = "metadata 'vitopo': ";
  CHECK(sentences("samples_bad") ==
        Problems{meta + "sample 0 (\"gif\"): \"type\" must be \"image/png\" or \"image/jpeg\", not \"image/gif\"",
                 meta + "sample 1 (\"not a png\"): its data does not start as a PNG file does",
                 meta + "sample 2 (\"padded\"): \"data\" is not base64url (RFC 4648 section 5, letters, digits, - and _, "
                        "no padding)",
                 meta + "sample 3 (\"label 10\"): \"label\" must be a class index from 0 to 9, not 10",
                 meta + "sample 4 needs \"name\", a string",
                 meta + "sample 5 must be an object {name, label, type, data}, not \"coat.png\""});
  CHECK(sentences("samples_too_many") == Problems{meta + "\"samples\" has 65 images, over the limit of 64"});
}
