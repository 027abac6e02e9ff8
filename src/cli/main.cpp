#include <exception>
#include <iostream>

#include "command.hpp"

int main(int argc, char** argv) {
  using namespace vitopo::cli;
  auto usage = [](std::ostream& out) {
    out << "usage: vitopo <command> [options]\n\ncommands:\n";
    for (const auto& [name, command] : commands()) out << "  " << name << "  " << command.summary << "\n";
  };
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    usage(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? 2 : 0;
  }
  auto it = commands().find(argv[1]);
  if (it == commands().end()) {
    std::cerr << "vitopo: unknown command '" << argv[1] << "'\n";
    usage(std::cerr);
    return 2;
  }
  try {
    return it->second.run(Args(argv + 2, argv + argc));
  } catch (const std::exception& e) {
    std::cerr << "vitopo " << argv[1] << ": " << e.what() << "\n";
    return 1;
  }
}
