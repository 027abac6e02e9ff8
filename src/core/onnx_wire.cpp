#include "core/onnx_wire.hpp"

namespace vitopo::onnx_wire {
namespace {

// A message is a sequence of (tag, value); tag = field_number << 3 | wire_type, a varint.

struct Field {
  std::uint32_t number = 0;
  int wire_type = 0;           // 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32
  std::uint64_t varint = 0;    // wire type 0
  std::span<const std::uint8_t> bytes;  // wire type 2
};

class WireReader {
 public:
  WireReader(std::span<const std::uint8_t> message, std::size_t base) : data_(message), base_(base) {}

  bool next(Field& field) {
    if (pos_ == data_.size()) return false;
    const std::uint64_t tag = varint();
    field = {};
    field.number = static_cast<std::uint32_t>(tag >> 3);
    field.wire_type = static_cast<int>(tag & 7);
    if (field.number == 0) fail("field number 0");
    switch (field.wire_type) {
      case 0: field.varint = varint(); break;
      case 1: skip(8); break;
      case 5: skip(4); break;
      case 2: {
        const std::uint64_t length = varint();
        if (length > data_.size() - pos_) fail("a length-delimited field runs past the end");
        field.bytes = data_.subspan(pos_, static_cast<std::size_t>(length));
        field_offset_ = base_ + pos_;
        pos_ += static_cast<std::size_t>(length);
        break;
      }
      default: fail("unsupported wire type " + std::to_string(field.wire_type));
    }
    return true;
  }

  // Absolute byte offset of the last length-delimited field's payload.
  std::size_t field_offset() const { return field_offset_; }

 private:
  std::uint64_t varint() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (pos_ == data_.size()) fail("a varint runs past the end");
      const std::uint8_t byte = data_[pos_++];
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return value;
    }
    fail("a varint is longer than 10 bytes");
  }
  void skip(std::size_t n) {
    if (n > data_.size() - pos_) fail("a fixed-size field runs past the end");
    pos_ += n;
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw WireError("malformed protobuf at byte " + std::to_string(base_ + pos_) + ": " + what);
  }

  std::span<const std::uint8_t> data_;
  std::size_t base_;
  std::size_t pos_ = 0;
  std::size_t field_offset_ = 0;
};

std::string text(std::span<const std::uint8_t> bytes) { return {bytes.begin(), bytes.end()}; }

// onnx.proto field numbers (ONNX 1.12).
namespace field {
constexpr std::uint32_t model_graph = 7, model_metadata_props = 14;
constexpr std::uint32_t entry_key = 1, entry_value = 2;
constexpr std::uint32_t graph_name = 2, graph_initializer = 5, graph_input = 11, graph_output = 12;
constexpr std::uint32_t tensor_name = 8;
constexpr std::uint32_t value_info_name = 1, value_info_type = 2;
constexpr std::uint32_t type_tensor = 1, type_tensor_elem_type = 1, type_tensor_shape = 2;
constexpr std::uint32_t shape_dim = 1, dim_value = 1, dim_param = 2;
}  // namespace field

ValueInfo read_value_info(std::span<const std::uint8_t> bytes, std::size_t base) {
  ValueInfo d;
  WireReader info(bytes, base);
  Field f;
  while (info.next(f)) {
    if (f.number == field::value_info_name && f.wire_type == 2) d.tensor.name = text(f.bytes);
    if (f.number != field::value_info_type || f.wire_type != 2) continue;
    WireReader type(f.bytes, info.field_offset());
    Field t;
    while (type.next(t)) {
      if (t.number != field::type_tensor || t.wire_type != 2) continue;
      d.is_tensor = true;
      WireReader tensor(t.bytes, type.field_offset());
      Field e;
      while (tensor.next(e)) {
        if (e.number == field::type_tensor_elem_type && e.wire_type == 0)
          d.tensor.element_type = static_cast<int>(e.varint);
        if (e.number != field::type_tensor_shape || e.wire_type != 2) continue;
        d.tensor.has_shape = true;
        WireReader shape(e.bytes, tensor.field_offset());
        Field s;
        while (shape.next(s)) {
          if (s.number != field::shape_dim || s.wire_type != 2) continue;
          std::int64_t size = -1;
          std::string name = "?";
          WireReader dim(s.bytes, shape.field_offset());
          Field v;
          while (dim.next(v)) {
            if (v.number == field::dim_value && v.wire_type == 0) {
              size = static_cast<std::int64_t>(v.varint);
              name = std::to_string(size);
            }
            if (v.number == field::dim_param && v.wire_type == 2) name = text(v.bytes);
          }
          d.tensor.dims.push_back(size);
          d.dim_names.push_back(name);
        }
      }
    }
  }
  return d;
}

}  // namespace

ModelFile read_model_file(std::span<const std::uint8_t> bytes) {
  ModelFile file;
  WireReader model(bytes, 0);
  Field f;
  while (model.next(f)) {
    if (f.wire_type != 2) continue;
    if (f.number == field::model_metadata_props) {
      std::string key, value;
      WireReader entry(f.bytes, model.field_offset());
      Field e;
      while (entry.next(e)) {
        if (e.number == field::entry_key && e.wire_type == 2) key = text(e.bytes);
        if (e.number == field::entry_value && e.wire_type == 2) value = text(e.bytes);
      }
      file.metadata.emplace_back(key, value);
    } else if (f.number == field::model_graph) {
      file.has_graph = true;
      WireReader graph(f.bytes, model.field_offset());
      Field g;
      while (graph.next(g)) {
        if (g.wire_type != 2) continue;
        if (g.number == field::graph_name) file.graph.name = text(g.bytes);
        if (g.number == field::graph_input) file.graph.inputs.push_back(read_value_info(g.bytes, graph.field_offset()));
        if (g.number == field::graph_output) file.graph.outputs.push_back(read_value_info(g.bytes, graph.field_offset()));
        if (g.number == field::graph_initializer) {
          WireReader tensor(g.bytes, graph.field_offset());
          Field t;
          while (tensor.next(t))
            if (t.number == field::tensor_name && t.wire_type == 2) file.graph.initializers.insert(text(t.bytes));
        }
      }
    }
  }
  return file;
}

}  // namespace vitopo::onnx_wire
