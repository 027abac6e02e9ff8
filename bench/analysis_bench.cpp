// Times the analysis of one attention tensor: the distance matrices alone,
// then analyze() (distances + persistence + summaries) at maxdim 1, then the
// binary analysis of the result (encode, decode) that the page's worker hands
// to the views.
// Built natively and, by analysis_bench.sh, for wasm under node.
//
// usage: analysis_bench ATTN.npy [--threads N] [--repeat R]
// prints one line: key=value pairs (seconds, best of R): wall clock, and
// natively also process CPU time (std::clock), which is what a loaded shared
// machine distorts least. Under node, std::clock is wall time; the script
// measures node's CPU time from outside instead.
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/analysis.hpp"
#include "core/analysis_binary.hpp"

using namespace vitopo;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: analysis_bench ATTN.npy [--threads N] [--repeat R]\n");
    return 2;
  }
  unsigned threads = 1;
  int repeat = 3;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string option = argv[i];
    if (option == "--threads") threads = unsigned(std::atoi(argv[i + 1]));
    if (option == "--repeat") repeat = std::atoi(argv[i + 1]);
  }
  auto start = std::chrono::steady_clock::now();
  const AttentionTensor attention = read_attention_npy(argv[1]);
  const double load = seconds_since(start);
  const AnalysisSettings settings;  // js, maxdim 1, enclosing radius, Z/2

  double distances = 1e300, total = 1e300, distances_cpu = 1e300, total_cpu = 1e300;
  double encode = 1e300, decode = 1e300;
  std::size_t binary_bytes = 0;
  double checksum = 0;
  for (int r = 0; r < repeat; ++r) {
    start = std::chrono::steady_clock::now();
    std::clock_t cpu = std::clock();
    for (int l = 0; l < attention.layers(); ++l)
      for (int h = 0; h < attention.heads(); ++h) checksum += head_distance_matrix(attention, l, h, settings)(1, 0);
    distances = std::min(distances, seconds_since(start));
    distances_cpu = std::min(distances_cpu, double(std::clock() - cpu) / CLOCKS_PER_SEC);
    start = std::chrono::steady_clock::now();
    cpu = std::clock();
    const Analysis analysis = analyze(attention, settings, {}, threads);
    total = std::min(total, seconds_since(start));
    total_cpu = std::min(total_cpu, double(std::clock() - cpu) / CLOCKS_PER_SEC);
    checksum += analysis.results.back().summary[1].total_persistence_1;
    start = std::chrono::steady_clock::now();
    const std::vector<std::uint8_t> bytes = encode_analysis(analysis);
    encode = std::min(encode, seconds_since(start));
    start = std::chrono::steady_clock::now();
    const Analysis back = decode_analysis(bytes);
    decode = std::min(decode, seconds_since(start));
    binary_bytes = bytes.size();
    checksum += double(back.results.size());
  }
  std::printf(
      "heads=%d tokens=%d threads=%u simd=%s load_s=%.4f distances_1thread_s=%.4f analyze_s=%.4f "
      "distances_cpu_s=%.4f analyze_cpu_s=%.4f binary_bytes=%zu encode_s=%.5f decode_s=%.5f checksum=%.12g\n",
      attention.layers() * attention.heads(), attention.tokens(), threads, simd_width_in_use().c_str(), load, distances,
      total, distances_cpu, total_cpu, binary_bytes, encode, decode, checksum);
  return 0;
}
