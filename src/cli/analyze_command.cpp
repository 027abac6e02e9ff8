// vitopo analyze ATTN.npy: persistence of every head's token distances,
// written as analysis JSON (schema vitopo.analysis/1).
#include <fstream>
#include <iostream>

#include "cli/attention_options.hpp"
#include "cli/export_files.hpp"
#include "core/analysis_json.hpp"
#include "core/npy.hpp"

namespace vitopo::cli {
namespace {

const char* usage =
    "usage: vitopo analyze ATTN.npy [--metric M] [--maxdim K] [--threshold T] [--modulus P]\n"
    "                      [--layer L] [--head H] [--drop-cls] [--columns] [--seed-compatible]\n"
    "                      [--threads N] [--out FILE.json] [--export DIR]\n"
    "  ATTN.npy: float32/float64, shape [L, H, T, T] or [L, 1, H, T, T]\n"
    "  metrics: js (default), js-divergence, sqrt-js, hellinger, total-variation, cosine, euclidean,\n"
    "           attention-graph\n"
    "  --export DIR: also write the research export (attention.npy, distances.npy, distance.ldm,\n"
    "           bars.csv, cycles.json, features.csv, analysis.json, reproduce.py, manifest.json)\n";

int run(const Args& args) {
  AttentionOptions options;
  std::string export_dir;
  auto export_option = [&](const std::string& option, const std::function<const std::string&()>& value) {
    if (option != "--export") return false;
    export_dir = value();
    if (export_dir.empty()) throw UsageError("--export needs a folder");
    return true;
  };
  if (auto exit = read_command_line("analyze", usage, args, [&] { options.parse(args, export_option); })) return *exit;
  return run_reporting_bad_input("analyze", [&] {
    const AttentionTensor attention = read_attention_npy(options.input);
    const Analysis analysis = analyze(attention, options.settings, options.selection, options.threads);
    if (!export_dir.empty()) {
      if (const int failed = write_export(export_dir, options.input, attention, analysis, options.threads)) return failed;
      if (options.out.empty()) return 0;
    }
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
