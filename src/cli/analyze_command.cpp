// vitopo analyze ATTN.npy: persistence of every head's token distances,
// written as analysis JSON (schema vitopo.analysis/1).
#include <fstream>
#include <iostream>

#include "cli/attention_options.hpp"
#include "core/analysis_json.hpp"
#include "core/npy.hpp"

namespace vitopo::cli {
namespace {

const char* usage =
    "usage: vitopo analyze ATTN.npy [--metric M] [--maxdim K] [--threshold T] [--modulus P]\n"
    "                      [--layer L] [--head H] [--drop-cls] [--columns] [--seed-compatible]\n"
    "                      [--threads N] [--out FILE.json]\n"
    "  ATTN.npy: float32/float64, shape [L, H, T, T] or [L, 1, H, T, T]\n"
    "  metrics: js (default), js-divergence, sqrt-js, hellinger, total-variation, cosine, euclidean,\n"
    "           attention-graph\n";

int run(const Args& args) {
  AttentionOptions options;
  if (auto exit = read_command_line("analyze", usage, args, [&] { options.parse(args); })) return *exit;
  return run_reporting_bad_input("analyze", [&] {
    const AttentionTensor attention = read_attention_npy(options.input);
    const Analysis analysis = analyze(attention, options.settings, options.selection, options.threads);
    const std::string text = to_json_text(analysis) + "\n";
    if (options.out.empty()) {
      std::cout << text;
    } else {
      std::ofstream file(options.out);
      file << text;
      if (!file) {
        std::cerr << "vitopo analyze: cannot write " << options.out << "\n";
        return 1;
      }
    }
    return 0;
  });
}

const Registration registration{"analyze", "persistence of every attention head of an .npy tensor, as JSON", run};

}  // namespace
}  // namespace vitopo::cli
