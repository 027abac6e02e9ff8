#include "core/whole_file.hpp"

#include <sys/stat.h>

#include <fstream>

namespace vitopo {

void check_not_directory(const std::string& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) == 0 && S_ISDIR(status.st_mode))
    throw FileError(path + ": is a directory, not a file");
}

std::vector<std::uint8_t> read_whole_file(const std::string& path) {
  check_not_directory(path);
  std::ifstream file(path, std::ios::binary);
  if (!file) throw FileError(path + ": cannot open the file");
  std::vector<std::uint8_t> bytes;
  // istream::read turns the stream buffer's exceptions into badbit.
  char chunk[1 << 16];
  while (file.read(chunk, sizeof chunk) || file.gcount() > 0) {
    bytes.insert(bytes.end(), chunk, chunk + file.gcount());
    if (!file) break;
  }
  if (file.bad()) throw FileError(path + ": read error");
  return bytes;
}

}  // namespace vitopo
