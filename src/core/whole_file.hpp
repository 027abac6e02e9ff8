// A whole file read into memory, with a sentence for each way it can fail,
// for the readers of .npy and analysis JSON files.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace vitopo {

struct FileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws FileError "PATH: is a directory, not a file", "PATH: cannot open
// the file" or "PATH: read error".
std::vector<std::uint8_t> read_whole_file(const std::string& path);

// Throws FileError "PATH: is a directory, not a file"; any other path passes
// (opening it says what else is wrong). For readers that stream a file.
void check_not_directory(const std::string& path);

}  // namespace vitopo
