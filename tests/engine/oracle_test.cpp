// The engine's barcodes equal Debian's Ripser 1.2.1 on generated inputs and on
// Ripser's own examples. The expected barcodes come from the ctest fixture
// ripser_oracle.py, which ran /usr/bin/ripser(-coeff) on the same files.
//
// Ripser prints 6 significant digits, so each engine value is rounded the way
// Ripser prints it (a float through ostream's default %g) before comparing;
// then values must agree within 1e-6 relative, as multisets per dimension.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/persistence.hpp"
#include "engine_inputs.hpp"

using namespace vitopo;

namespace {

struct Case {
  std::string name, format;
  int dim = 1, modulus = 2;
  std::string threshold, input, expected;
};

std::vector<Case> manifest() {
  std::ifstream in(std::string(VITOPO_BINARY_DIR) + "/engine-oracle/manifest.tsv");
  REQUIRE_MESSAGE(in.good(), "no oracle manifest: the ctest fixture engine_oracle_fixture must run first");
  std::vector<Case> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream s(line);
    Case c;
    std::string dim, modulus;
    std::getline(s, c.name, '\t');
    std::getline(s, c.format, '\t');
    std::getline(s, dim, '\t');
    std::getline(s, modulus, '\t');
    std::getline(s, c.threshold, '\t');
    std::getline(s, c.input, '\t');
    std::getline(s, c.expected, '\t');
    c.dim = std::stoi(dim);
    c.modulus = std::stoi(modulus);
    cases.push_back(c);
  }
  return cases;
}

using Interval = std::pair<double, double>;
using Intervals = std::map<int, std::vector<Interval>>;

double parse_value(const std::string& s) { return s == "inf" ? infinity : std::strtod(s.c_str(), nullptr); }

Intervals expected_intervals(const std::string& path) {
  std::ifstream in(path);
  Intervals bars;
  int dim;
  std::string birth, death;
  while (in >> dim >> birth >> death) bars[dim].push_back({parse_value(birth), parse_value(death)});
  return bars;
}

// As Ripser prints it: the float value with 6 significant digits.
double as_printed(double x) {
  if (x == infinity) return x;
  char text[64];
  std::snprintf(text, sizeof text, "%g", double(float(x)));
  return std::strtod(text, nullptr);
}

Intervals engine_intervals(const Persistence& p, int dims) {
  Intervals bars;
  for (int d = 0; d <= dims && d < int(p.barcodes.size()); ++d)
    for (const Bar& b : p.barcodes[std::size_t(d)].bars) bars[d].push_back({as_printed(b.birth), as_printed(b.death)});
  return bars;
}

bool close(double a, double b) {
  if (a == b) return true;
  return std::abs(a - b) <= 1e-6 * std::max(std::abs(a), std::abs(b));
}

// Equal as multisets within the tolerance: sorted, then pairwise.
std::string compare(Intervals got, Intervals want) {
  std::ostringstream diff;
  for (int d = 0; d <= 8; ++d) {
    auto& g = got[d];
    auto& w = want[d];
    std::sort(g.begin(), g.end());
    std::sort(w.begin(), w.end());
    if (g.size() != w.size()) {
      diff << "dim " << d << ": " << g.size() << " intervals, Ripser has " << w.size() << "; ";
      continue;
    }
    for (std::size_t k = 0; k < g.size(); ++k)
      if (!close(g[k].first, w[k].first) || !close(g[k].second, w[k].second)) {
        diff << "dim " << d << ": [" << g[k].first << "," << g[k].second << ") but Ripser has [" << w[k].first << ","
             << w[k].second << "); ";
        break;
      }
  }
  return diff.str();
}

Persistence run_case(const Case& c) {
  PersistenceOptions options;
  options.max_dim = c.dim;
  options.modulus = c.modulus;
  if (c.threshold != "-") options.threshold = double(std::strtof(c.threshold.c_str(), nullptr));
  const DistanceMatrixF m = c.format == "point-cloud" ? euclidean_distances(test_inputs::read_points(c.input))
                                                      : DistanceMatrixF(test_inputs::read_numbers(c.input));
  return compute_persistence(m, options);
}

}  // namespace

TEST_CASE("barcodes equal Ripser 1.2.1's on at least 200 generated inputs (points, tied matrices, tiny, attention)") {
  int compared = 0, by_modulus[6] = {};
  for (const Case& c : manifest()) {
    if (c.name.rfind("example_", 0) == 0) continue;
    CAPTURE(c.name);
    const std::string diff = compare(engine_intervals(run_case(c), c.dim), expected_intervals(c.expected));
    CHECK_MESSAGE(diff.empty(), c.name << " (dim " << c.dim << ", Z/" << c.modulus << "): " << diff);
    ++compared;
    ++by_modulus[c.modulus];
  }
  CHECK(compared >= 200);
  CHECK(by_modulus[2] > 0);
  CHECK(by_modulus[3] > 0);
  CHECK(by_modulus[5] > 0);
}

TEST_CASE("barcodes equal Ripser's on its own examples") {
  const auto cases = manifest();
  for (const char* name : {"example_sphere_3_192", "example_random16", "example_projective_plane_mod2",
                           "example_projective_plane_mod3", "example_o3_1024"}) {
    auto c = std::find_if(cases.begin(), cases.end(), [&](const Case& k) { return k.name == name; });
    REQUIRE_MESSAGE(c != cases.end(), name);
    CAPTURE(c->name);
    const Intervals want = expected_intervals(c->expected);
    CHECK(!want.empty());
    const std::string diff = compare(engine_intervals(run_case(*c), c->dim), want);
    CHECK_MESSAGE(diff.empty(), c->name << ": " << diff);
  }
}

TEST_CASE("in double precision, barcodes equal GUDHI's on attention inputs (the analysis path)") {
  std::ifstream in(std::string(VITOPO_BINARY_DIR) + "/engine-oracle/gudhi.tsv");
  REQUIRE(in.good());
  std::string line;
  int compared = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream s(line);
    std::string name, dim, modulus, input, expected;
    std::getline(s, name, '\t');
    std::getline(s, dim, '\t');
    std::getline(s, modulus, '\t');
    std::getline(s, input, '\t');
    std::getline(s, expected, '\t');
    CAPTURE(name);
    std::vector<double> lower;
    std::ifstream text(input);
    for (std::string row; std::getline(text, row);) {
      for (char& ch : row)
        if (ch == ',') ch = ' ';
      std::istringstream values(row);
      for (std::string token; values >> token;) lower.push_back(std::strtod(token.c_str(), nullptr));
    }
    PersistenceOptions options;
    options.max_dim = std::stoi(dim);
    options.modulus = std::stoi(modulus);
    const Persistence p = compute_persistence(DistanceMatrix(lower), options);
    Intervals got;
    for (int d = 0; d <= options.max_dim; ++d)
      for (const Bar& b : p.barcodes[std::size_t(d)].bars) got[d].push_back({b.birth, b.death});
    const std::string diff = compare(got, expected_intervals(expected));
    CHECK_MESSAGE(diff.empty(), name << ": " << diff);
    ++compared;
  }
  CHECK(compared >= 20);
}

TEST_CASE("the projective plane's barcodes differ over Z/2 and Z/3, each as Ripser says") {
  const auto cases = manifest();
  auto path = [&](const char* name) {
    return std::find_if(cases.begin(), cases.end(), [&](const Case& k) { return k.name == name; })->expected;
  };
  const Intervals mod2 = expected_intervals(path("example_projective_plane_mod2"));
  const Intervals mod3 = expected_intervals(path("example_projective_plane_mod3"));
  CHECK(compare(mod2, mod3) != "");
}
