// vitopo distance ATTN.npy --layer L --head H --out D.npy: one head's token
// distance matrix, T×T float64 (T − 1 without CLS).
#include <iostream>

#include "cli/attention_options.hpp"
#include "core/npy.hpp"

namespace vitopo::cli {
namespace {

const char* usage =
    "usage: vitopo distance ATTN.npy --layer L --head H [--metric M] [--drop-cls] [--columns]\n"
    "                       [--seed-compatible] --out D.npy\n";

int run(const Args& args) {
  AttentionOptions options;
  if (auto exit = read_command_line("distance", usage, args, [&] {
        options.parse(args);
        if (options.selection.layer < 0 || options.selection.head < 0)
          throw UsageError("--layer and --head are required");
        if (options.out.empty()) throw UsageError("--out D.npy is required");
      }))
    return *exit;
  return run_reporting_bad_input("distance", [&] {
    const AttentionTensor attention = read_attention_npy(options.input);
    const Eigen::MatrixXd D =
        head_distance_matrix(attention, options.selection.layer, options.selection.head, options.settings);
    const std::int64_t shape[2] = {D.rows(), D.cols()};
    // Symmetric, so column-major data is also the row-major (C order) matrix.
    write_npy(options.out, std::span<const double>(D.data(), std::size_t(D.size())), shape);
    return 0;
  });
}

const Registration registration{"distance", "one attention head's token distance matrix, as float64 .npy", run};

}  // namespace
}  // namespace vitopo::cli
