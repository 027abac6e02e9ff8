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
