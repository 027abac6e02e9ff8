// `vitopo ripser`: a drop-in for Ripser 1.2.1's command line.
//
// Same options and defaults (format `distance`, the full matrix, whatever
// Ripser's --help says; dim 1; threshold = enclosing radius; modulus 2), the
// same header lines and the same interval lines, in the same order. Values
// are read and computed in float, as Ripser does, so ties break identically.
//
// Stricter than Ripser on bad input: a token that is not a number, a
// negative, NaN or infinite distance, ragged point clouds, a short matrix row,
// a wrong entry count, a malformed sparse line: each is reported with its line
// number, exit code 2.
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "command.hpp"
#include "core/numbers.hpp"
#include "core/persistence.hpp"
#include "core/quote.hpp"
#include "core/whole_file.hpp"
#include "ripser_input.hpp"

namespace {

using namespace vitopo;
using namespace vitopo::cli;

enum class Format { LowerDistance, UpperDistance, Distance, PointCloud, Sparse };

const char* usage_text =
    "usage: vitopo ripser [options] [FILE]\n"
    "\n"
    "Vietoris-Rips persistence barcodes, output as Ripser 1.2.1's. Reads FILE, or stdin.\n"
    "\n"
    "options:\n"
    "  --format F     lower-distance | upper-distance | distance (default, full matrix)\n"
    "                 | point-cloud | sparse (lines 'i j d')\n"
    "  --dim K        compute persistent homology up to dimension K (default 1)\n"
    "  --threshold T  Rips complexes up to diameter T (default: the enclosing radius)\n"
    "  --modulus P    coefficients in Z/P, P prime (default 2)\n"
    "  --ratio R      only show bars with death/birth ratio > R (default 1)\n";

// `ratio`: as Ripser's --ratio, a finite bar of positive degree is shown
// only if death > birth * ratio (1: every bar of positive length).
void print_barcodes(const Persistence& p, int dims, float ratio) {
  for (int d = 0; d <= dims; ++d) {
    std::cout << "persistence intervals in dim " << d << ":\n";
    for (const Bar& bar : p.barcodes[std::size_t(d)].bars) {
      if (d > 0 && bar.death != infinity && !(float(bar.death) > float(bar.birth) * ratio)) continue;
      if (d == 0) std::cout << " [0,";
      else std::cout << " [" << float(bar.birth) << ",";
      if (bar.death == infinity) std::cout << " )\n";
      else std::cout << float(bar.death) << ")\n";
    }
  }
}

int run(const vitopo::cli::Args& args) {
  Format format = Format::Distance;
  PersistenceOptions options;
  options.max_dim = 1;
  float ratio = 1;
  std::string file;
  auto usage_error = [](const std::string& problem) {
    std::cerr << "vitopo ripser: " << problem << "\n\n" << usage_text;
    return 2;
  };
  for (std::size_t a = 0; a < args.size(); ++a) {
    const std::string& arg = args[a];
    auto value = [&]() -> const std::string* { return a + 1 < args.size() ? &args[++a] : nullptr; };
    if (arg == "--help" || arg == "-h") {
      std::cout << usage_text;
      return 0;
    } else if (arg == "--format") {
      const std::string* f = value();
      if (!f) return usage_error("--format needs a value");
      if (f->rfind("lower", 0) == 0) format = Format::LowerDistance;
      else if (f->rfind("upper", 0) == 0) format = Format::UpperDistance;
      else if (f->rfind("dist", 0) == 0) format = Format::Distance;
      else if (f->rfind("point", 0) == 0) format = Format::PointCloud;
      else if (*f == "sparse") format = Format::Sparse;
      else return usage_error("unknown format " + quote(*f));
    } else if (arg == "--dim" || arg == "--modulus") {
      const std::string* v = value();
      const std::optional<int> k = v ? parse_int(*v) : std::nullopt;
      if (!k || *k < 0) return usage_error(arg + " needs a non-negative integer");
      if (arg == "--dim") options.max_dim = std::min(*k, 1000);
      else options.modulus = std::min(*k, 100000);
    } else if (arg == "--ratio") {
      const std::string* v = value();
      const std::optional<float> r = v ? parse_float(*v) : std::nullopt;
      if (!r || !(*r >= 0)) return usage_error("--ratio needs a number >= 0");
      ratio = *r;
    } else if (arg == "--threshold") {
      const std::string* v = value();
      const std::optional<float> t = v ? parse_float(*v) : std::nullopt;
      if (!t || !(*t >= 0)) return usage_error("--threshold needs a number >= 0");
      options.threshold = double(*t);
    } else if (!arg.empty() && arg[0] == '-' && arg != "-") {
      return usage_error("unknown option " + quote(arg));
    } else {
      if (!file.empty()) return usage_error("more than one input file");
      file = arg;
    }
  }

  std::ifstream stream;
  if (!file.empty() && file != "-") {
    try {
      check_not_directory(file);
    } catch (const FileError& e) {
      std::cerr << "vitopo ripser: " << e.what() << "\n";
      return 2;
    }
    stream.open(file);
    if (!stream) {
      std::cerr << "vitopo ripser: cannot open " << file << "\n";
      return 2;
    }
  }
  std::istream& in = stream.is_open() ? stream : std::cin;
  const std::string source = file.empty() ? "<stdin>" : file;

  try {
    // Ripser clips the dimension to n - 2 and prints dim 0 regardless.
    auto dims_for = [&](index_t n) { return int(std::max<index_t>(0, std::min<index_t>(options.max_dim, n - 2))); };
    if (format == Format::Sparse) {
      const SparseDistanceMatrixF m = read_sparse(read_lines(in), options);
      const index_t n = m.size();
      std::cout << "sparse distance matrix with " << n << " points and " << m.edge_count() << "/"
                << n * (n - 1) / 2 << " entries\n";
      print_barcodes(compute_persistence(m, options), dims_for(n), ratio);
      return 0;
    }
    // The text is dropped once the matrix is built: only the matrix stays.
    DistanceMatrixF m;
    if (format == Format::PointCloud) {
      std::size_t count = 0, dimension = 0;
      {
        const auto points = read_points(read_lines(in));
        count = points.size();
        dimension = points.empty() ? 0 : points[0].size();
        // n points of a few coordinates make n²/2 distances: check before.
        check_memory_budget(index_t(count), 0, options, DistanceMatrixF::bytes_for(index_t(count)),
                            "the distance matrix of the points");
        m = euclidean_distances(points);
      }
      std::cout << "point cloud with " << count << " points in dimension " << dimension << "\n";
      if (options.threshold != infinity) {
        print_barcodes(compute_persistence(m, options), dims_for(m.size()), ratio);
        return 0;
      }
    } else if (format == Format::LowerDistance) {
      m = read_lower(read_lines(in));
    } else if (format == Format::UpperDistance) {
      m = read_upper(read_lines(in));
    } else {
      m = read_full(read_lines(in));
    }
    float lo = std::numeric_limits<float>::infinity(), hi = -lo;
    std::size_t within = 0;
    for (float d : m.lower_triangle()) {
      lo = std::min(lo, d);
      hi = std::max(hi, d);
      if (double(d) <= options.threshold) ++within;
    }
    std::cout << "value range: [" << lo << "," << hi << "]\n";
    const std::size_t n = std::size_t(m.size());
    if (options.threshold == infinity)
      std::cout << "distance matrix with " << n << " points, using threshold at enclosing radius "
                << m.enclosing_radius() << "\n";
    else
      std::cout << "sparse distance matrix with " << n << " points and " << within << "/" << (n * n - 1) / 2
                << " entries\n";
    print_barcodes(compute_persistence(m, options), dims_for(m.size()), ratio);
    return 0;
  } catch (const InputError& e) {
    std::cerr << "vitopo ripser: " << source;
    if (e.line) std::cerr << ", line " << e.line;
    std::cerr << ": " << e.problem << "\n";
    return 2;
  } catch (const PersistenceError& e) {
    std::cerr << "vitopo ripser: " << source << ": " << e.what() << "\n";
    return 2;
  }
}

const vitopo::cli::Registration registration{"ripser", "Vietoris-Rips barcodes, Ripser 1.2.1 compatible", run};

}  // namespace
