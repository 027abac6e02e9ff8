// The perturbation oracle's side of vitopo: perturbs a C × H × W .npy.
//   perturb_tool IN.npy OUT.npy KIND STRENGTH SEED     KIND: noise, blur, ...
//   perturb_tool IN.npy OUT.npy occlusion PATCH ROW COL
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "core/npy.hpp"
#include "core/perturbation.hpp"

int main(int argc, char** argv) {
  const bool occlusion = argc == 7 && std::string(argv[3]) == "occlusion";
  if (argc != 6 && !occlusion) {
    std::cerr << "usage: perturb_tool IN.npy OUT.npy KIND STRENGTH SEED | occlusion PATCH ROW COL\n";
    return 2;
  }
  try {
    const vitopo::NpyArray in = vitopo::read_npy(argv[1]);
    if (in.shape.size() != 3) throw std::invalid_argument("the input must be C × H × W");
    vitopo::ModelInput input{int(in.shape[0]), int(in.shape[1]), int(in.shape[2]),
                             std::vector<float>(in.data.begin(), in.data.end())};
    const std::string kind = argv[3];
    const vitopo::ModelInput out =
        occlusion
            ? vitopo::occlude(input, std::stoi(argv[4]), std::stoi(argv[5]), std::stoi(argv[6]))
            : vitopo::perturb(input, vitopo::parse_perturbation(kind), std::stod(argv[4]), std::stoull(argv[5]));
    const std::vector<double> values(out.pixels.begin(), out.pixels.end());
    vitopo::write_npy(argv[2], values, in.shape);
  } catch (const std::exception& e) {
    std::cerr << "perturb_tool: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
