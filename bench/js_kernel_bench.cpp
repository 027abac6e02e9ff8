// Times the distance matrices alone, metric by metric, over every head of an
// attention tensor, on one thread (bench/js_kernel_bench.sh runs it).
//
// usage: js_kernel_bench ATTN.npy [--repeat R] METRIC...
// prints one line per metric: metric=M distances_s=S (best of R, wall clock)
// cpu_s=C checksum=X
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "core/analysis.hpp"

using namespace vitopo;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: js_kernel_bench ATTN.npy [--repeat R] METRIC...\n");
    return 2;
  }
  int repeat = 3;
  std::vector<std::string> metrics;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--repeat" && i + 1 < argc) repeat = std::atoi(argv[++i]);
    else metrics.push_back(arg);
  }
  const AttentionTensor attention = read_attention_npy(argv[1]);
  for (const std::string& name : metrics) {
    AnalysisSettings settings;
    settings.metric = parse_metric(name);
    double best = 1e300, best_cpu = 1e300, checksum = 0;
    for (int r = 0; r < repeat; ++r) {
      const auto start = std::chrono::steady_clock::now();
      const std::clock_t cpu = std::clock();
      for (int l = 0; l < attention.layers(); ++l)
        for (int h = 0; h < attention.heads(); ++h) checksum += head_distance_matrix(attention, l, h, settings).sum();
      best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      best_cpu = std::min(best_cpu, double(std::clock() - cpu) / CLOCKS_PER_SEC);
    }
    std::printf("metric=%s simd=%s distances_s=%.4f cpu_s=%.4f checksum=%.12g\n", name.c_str(),
                simd_width_in_use().c_str(), best, best_cpu, checksum / repeat);
  }
  return 0;
}
