// vitopo model MODEL.onnx: checks an ONNX file against the model contract (the
// same validator the page uses) and prints its spec as JSON, or every problem.
#include <iostream>

#include "cli/attention_options.hpp"
#include "core/model_spec_json.hpp"
#include "core/onnx_model.hpp"
#include "core/whole_file.hpp"

namespace vitopo::cli {
namespace {

const char* usage =
    "usage: vitopo model MODEL.onnx\n"
    "  checks MODEL.onnx against vitopo's model contract; prints its spec as JSON (exit 0),\n"
    "  or each problem on a line of its own (exit 2)\n";

int run(const Args& args) {
  std::string path;
  if (auto exit = read_command_line("model", usage, args, [&] {
        for (const std::string& arg : args) {
          if (!arg.empty() && arg[0] == '-') throw UsageError("unknown option " + quote(arg));
          if (!path.empty()) throw UsageError("more than one model file: " + quote(path) + " and " + quote(arg));
          path = arg;
        }
        if (path.empty()) throw UsageError("no model file given");
      }))
    return *exit;
  std::vector<std::uint8_t> bytes;
  try {
    bytes = read_whole_file(path);
  } catch (const FileError& e) {
    std::cerr << "vitopo model: " << e.what() << "\n";
    return 2;
  }
  const ModelCheck check = check_model(bytes);
  if (!check.ok()) {
    std::cerr << "vitopo model: " << path << " does not follow the model contract:\n";
    for (const std::string& problem : check.problems) std::cerr << "  " << problem << "\n";
    return 2;
  }
  std::cout << to_json(check.spec).dump() << "\n";
  return 0;
}

const Registration registration{"model", "check an ONNX model against the model contract; print its spec", run};

}  // namespace
}  // namespace vitopo::cli
