// libFuzzer harness: the analysis JSON import (src/core/analysis_json.hpp)
// on any text, read as `vitopo compare` reads a file: read_analysis_json.
//
// An AnalysisJsonError (not JSON, or JSON but not an analysis) is the
// expected answer; any other exception escaping is a finding. What is
// imported must export and import again to the same JSON.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/analysis_json.hpp"
#include "fuzz_check.hpp"

namespace {

// One file per process, rewritten for every input.
const std::string& input_path() {
  static const std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    std::string name = std::string(dir && *dir ? dir : "/tmp") + "/vitopo-fuzz-analysis-XXXXXX";
    const int fd = mkstemp(name.data());
    FUZZ_EXPECT(fd >= 0, "cannot create the harness's input file");
    close(fd);
    std::atexit([] { std::remove(input_path().c_str()); });
    return name;
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream file(input_path(), std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(data), std::streamsize(size));
    FUZZ_EXPECT(file.good(), "cannot write the harness's input file");
  }
  vitopo::Analysis analysis;
  try {
    analysis = vitopo::read_analysis_json(input_path());
  } catch (const vitopo::AnalysisJsonError&) {
    return 0;
  }
  const nlohmann::json exported = vitopo::to_json(analysis);
  vitopo::Analysis again;
  try {
    again = vitopo::analysis_from_json(exported);
  } catch (const vitopo::AnalysisJsonError&) {
    FUZZ_EXPECT(false, "an imported analysis, exported, is refused on import");
  }
  FUZZ_EXPECT(vitopo::to_json(again).dump() == exported.dump(), "export, import, export changed the JSON");
  return 0;
}
