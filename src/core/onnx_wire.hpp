// The part of an ONNX file vitopo reads, from the protobuf wire format
// (protobuf.dev/programming-guides/encoding) with no ONNX or protobuf library:
// ModelProto.graph and metadata_props; GraphProto.name, input, output and the
// names of its initializers; ValueInfoProto, TypeProto.tensor_type and
// TensorShapeProto. Field numbers are those of onnx.proto (ONNX 1.12).
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace vitopo {

// One graph input or output as declared in the file. A dimension is its static
// size, or -1 when symbolic (dim_param, e.g. the batch axis) or unknown.
struct TensorDeclaration {
  std::string name;
  int element_type = 0;   // onnx.TensorProto.DataType: 1 = float32
  bool has_shape = false;
  std::vector<std::int64_t> dims;
};

namespace onnx_wire {

// The bytes are not a well-formed protobuf message; what() gives the byte offset.
class WireError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A ValueInfoProto: the declaration, whether its type is a tensor at all, and
// each axis as written (dim_param, or the static size as text, or "?").
struct ValueInfo {
  TensorDeclaration tensor;
  bool is_tensor = false;
  std::vector<std::string> dim_names;
};

struct Graph {
  std::string name;
  std::vector<ValueInfo> inputs, outputs;
  std::set<std::string> initializers;  // initializer names (older exporters list them as inputs too)
};

struct ModelFile {
  bool has_graph = false;
  Graph graph;
  std::vector<std::pair<std::string, std::string>> metadata;  // metadata_props, in file order
};

// Throws WireError on malformed bytes.
ModelFile read_model_file(std::span<const std::uint8_t> bytes);

}  // namespace onnx_wire
}  // namespace vitopo
