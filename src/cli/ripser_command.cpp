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
#include <sstream>
#include <string>
#include <vector>

#include "command.hpp"
#include "core/persistence.hpp"
#include "core/quote.hpp"
#include "core/whole_file.hpp"

namespace {

using namespace vitopo;

struct InputError {
  std::size_t line;  // 0: the input as a whole
  std::string problem;
};

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

// The numbers of one line: separated by whitespace, commas or semicolons
// (Ripser skips one non-numeric character after each number).
std::vector<float> numbers_of(const std::string& text, std::size_t line) {
  std::vector<float> values;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (std::isspace((unsigned char)text[i]) || text[i] == ',' || text[i] == ';')) ++i;
    if (i == text.size()) break;
    std::size_t j = i;
    while (j < text.size() && !std::isspace((unsigned char)text[j]) && text[j] != ',' && text[j] != ';') ++j;
    const std::string token = text.substr(i, j - i);
    char* end = nullptr;
    const float value = std::strtof(token.c_str(), &end);
    if (end != token.c_str() + token.size()) throw InputError{line, quote(token) + " is not a number"};
    if (!std::isfinite(value)) throw InputError{line, quote(token) + " is not a finite number"};
    values.push_back(value);
    i = j;
  }
  return values;
}

struct Lines {
  std::vector<std::vector<float>> values;  // numbers of each non-blank line
  std::vector<std::size_t> number;         // its 1-based line number
};

Lines read_lines(std::istream& in) {
  Lines lines;
  std::string text;
  for (std::size_t line = 1; std::getline(in, text); ++line) {
    auto values = numbers_of(text, line);
    if (values.empty()) continue;
    lines.values.push_back(std::move(values));
    lines.number.push_back(line);
  }
  return lines;
}

void check_distances(const Lines& lines) {
  for (std::size_t r = 0; r < lines.values.size(); ++r)
    for (float v : lines.values[r])
      if (v < 0) throw InputError{lines.number[r], "distance " + std::to_string(v) + " is negative"};
}

std::size_t points_for(std::size_t entries, const Lines& lines, const char* what) {
  const std::size_t n = std::size_t(std::llround((1 + std::sqrt(1 + 8.0 * double(entries))) / 2));
  if (n * (n - 1) / 2 != entries)
    throw InputError{lines.number.empty() ? 0 : lines.number.back(),
                     std::string("a ") + what + " matrix of n points has n(n-1)/2 entries, but the input has " +
                         std::to_string(entries)};
  return n;
}

DistanceMatrixF read_lower(const Lines& lines) {
  check_distances(lines);
  std::vector<float> all;
  for (const auto& row : lines.values) all.insert(all.end(), row.begin(), row.end());
  points_for(all.size(), lines, "lower-triangular");
  return DistanceMatrixF(std::move(all));
}

DistanceMatrixF read_upper(const Lines& lines) {
  check_distances(lines);
  std::vector<float> all;
  for (const auto& row : lines.values) all.insert(all.end(), row.begin(), row.end());
  const std::size_t n = points_for(all.size(), lines, "upper-triangular");
  // entry (i, j), i < j, sits at i(2n - i - 1)/2 + (j - i - 1) in row-major upper order
  std::vector<float> lower;
  lower.reserve(all.size());
  for (std::size_t i = 1; i < n; ++i)
    for (std::size_t j = 0; j < i; ++j) lower.push_back(all[j * (2 * n - j - 1) / 2 + (i - j - 1)]);
  return DistanceMatrixF(std::move(lower));
}

// One line per row; as in Ripser only the entries below the diagonal are
// read, so a lower-triangular file with a leading empty row also works. When
// every row is complete the matrix must be symmetric.
DistanceMatrixF read_full(const Lines& lines) {
  check_distances(lines);
  const std::size_t n = lines.values.size();
  bool complete = true;
  std::vector<float> lower;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& row = lines.values[i];
    complete &= row.size() == n;
    if (row.size() < i)
      throw InputError{lines.number[i], "row " + std::to_string(i) + " of the distance matrix has " +
                                            std::to_string(row.size()) + " entries, needs at least " +
                                            std::to_string(i)};
    lower.insert(lower.end(), row.begin(), row.begin() + std::ptrdiff_t(i));
  }
  if (complete && n > 1) {
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (lines.values[i][j] != lines.values[j][i])
          throw InputError{lines.number[i], "the distance matrix is not symmetric: d(" + std::to_string(i) + "," +
                                                std::to_string(j) + ") = " + std::to_string(lines.values[i][j]) +
                                                " but d(" + std::to_string(j) + "," + std::to_string(i) +
                                                ") = " + std::to_string(lines.values[j][i])};
  }
  if (n == 0) return DistanceMatrixF(std::vector<float>{});
  return DistanceMatrixF(std::move(lower));
}

std::vector<std::vector<float>> read_points(const Lines& lines) {
  for (std::size_t r = 1; r < lines.values.size(); ++r)
    if (lines.values[r].size() != lines.values[0].size())
      throw InputError{lines.number[r], "point has " + std::to_string(lines.values[r].size()) +
                                            " coordinates, the first point (line " + std::to_string(lines.number[0]) +
                                            ") has " + std::to_string(lines.values[0].size())};
  return lines.values;
}

// The vertex count is the largest vertex number plus one, however few the
// lines: the budget is checked before the matrix (offsets per vertex) is built.
SparseDistanceMatrixF read_sparse(const Lines& lines, const PersistenceOptions& options) {
  std::vector<std::tuple<index_t, index_t, float>> edges;
  index_t n = 0;
  std::vector<std::pair<index_t, index_t>> seen;
  for (std::size_t r = 0; r < lines.values.size(); ++r) {
    const auto& v = lines.values[r];
    if (v.size() != 3)
      throw InputError{lines.number[r], "a sparse entry is 'i j d', this line has " + std::to_string(v.size()) +
                                            " numbers"};
    for (int k = 0; k < 2; ++k)
      if (v[k] < 0 || v[k] != std::floor(v[k]) || v[k] > 1e8)
        throw InputError{lines.number[r], "vertex " + std::to_string(v[k]) + " is not a non-negative integer"};
    if (v[2] < 0) throw InputError{lines.number[r], "distance " + std::to_string(v[2]) + " is negative"};
    const index_t i = index_t(v[0]), j = index_t(v[1]);
    n = std::max({n, i + 1, j + 1});
    if (i == j) continue;  // Ripser ignores the diagonal
    edges.emplace_back(i, j, v[2]);
    seen.emplace_back(std::max(i, j), std::min(i, j));
  }
  std::vector<std::size_t> order(seen.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return seen[a] < seen[b]; });
  for (std::size_t k = 1; k < order.size(); ++k)
    if (seen[order[k]] == seen[order[k - 1]]) {
      // find the line of the second occurrence
      std::size_t count = 0, line = 0;
      for (std::size_t r = 0, e = 0; r < lines.values.size(); ++r) {
        if (lines.values[r][0] == lines.values[r][1]) continue;
        if (e++ == order[k]) line = lines.number[r];
        ++count;
      }
      throw InputError{line, "the pair (" + std::to_string(seen[order[k]].first) + ", " +
                                 std::to_string(seen[order[k]].second) + ") is given twice"};
    }
  std::uint64_t within = 0;
  for (const auto& e : edges) within += double(std::get<2>(e)) <= options.threshold;
  check_memory_budget(n, within, options, SparseDistanceMatrixF::bytes_to_build(n, edges.size()),
                      "the sparse matrix itself");
  return SparseDistanceMatrixF(n, edges);
}

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
      char* end = nullptr;
      const long k = v ? std::strtol(v->c_str(), &end, 10) : -1;
      if (!v || v->empty() || *end || k < 0) return usage_error(arg + " needs a non-negative integer");
      if (arg == "--dim") options.max_dim = int(std::min(k, 1000L));
      else options.modulus = int(std::min(k, 100000L));
    } else if (arg == "--ratio") {
      const std::string* v = value();
      char* end = nullptr;
      ratio = v ? std::strtof(v->c_str(), &end) : -1;
      if (!v || v->empty() || *end || !(ratio >= 0)) return usage_error("--ratio needs a number >= 0");
    } else if (arg == "--threshold") {
      const std::string* v = value();
      char* end = nullptr;
      const float t = v ? std::strtof(v->c_str(), &end) : -1;
      if (!v || v->empty() || *end || !(t >= 0)) return usage_error("--threshold needs a number >= 0");
      options.threshold = double(t);
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
