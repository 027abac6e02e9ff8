#include "cli/export_files.hpp"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "core/export.hpp"

namespace vitopo::cli {
namespace {

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace

int write_export(const std::string& directory, const std::string& source, const AttentionTensor& attention,
                 const Analysis& analysis, unsigned threads) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::create_directories(directory, error);
  if (error || !fs::is_directory(directory)) {
    std::cerr << "vitopo analyze: cannot make the export folder " << directory << "\n";
    return 1;
  }
  ExportRequest request;
  request.image = fs::path(source).stem().string();
  request.provenance = {{"source", fs::path(source).filename().string()},
                        {"threads", threads ? threads : std::max(1u, std::thread::hardware_concurrency())},
                        {"created", utc_now()}};
  nlohmann::json files = nlohmann::json::array();
  auto write = [&](const std::string& name, const std::vector<std::uint8_t>& bytes) {
    const fs::path path = fs::path(directory) / name;
    std::ofstream file(path, std::ios::binary);
    file.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    if (!file) {
      std::cerr << "vitopo analyze: cannot write " << path.string() << "\n";
      return false;
    }
    std::cout << path.string() << "\n";
    return true;
  };
  for (const char* kind : export_data_kinds) {
    const ExportedFile file = export_file(kind, attention, analysis, request);
    if (!write(file.name, file.bytes)) return 1;
    files.push_back({{"kind", file.kind}, {"name", file.name}, {"type", file.type}, {"bytes", file.bytes.size()}});
  }
  const std::string manifest = export_manifest(files, request.provenance).dump(1) + "\n";
  return write("manifest.json", {manifest.begin(), manifest.end()}) ? 0 : 1;
}

}  // namespace vitopo::cli
