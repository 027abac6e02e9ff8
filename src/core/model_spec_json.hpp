// The model spec as JSON: how the page passes a checked model's description
// between its modules (the core module that checked it, the page's JS, the
// views). The names follow the model contract's metadata (docs/contracts.md).
#pragma once

#include <nlohmann/json.hpp>

#include "core/onnx_model.hpp"

namespace vitopo {

nlohmann::json to_json(const ModelSpec& spec);
// Throws std::invalid_argument naming the field that is missing or ill-typed.
ModelSpec model_spec_from_json(const nlohmann::json& spec);

const char* background_name(Background background);
const char* interpolation_name(Interpolation interpolation);

}  // namespace vitopo
