// The research export's writers, on inputs small enough to check by hand.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "core/analysis.hpp"
#include "core/export.hpp"
#include "core/features.hpp"
#include "core/npy.hpp"

using namespace vitopo;

namespace {

std::string text_of(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// One layer, two heads of 6 tokens: rows with a peak that moves.
AttentionTensor small_attention() {
  std::vector<float> data;
  for (int h = 0; h < 2; ++h)
    for (int i = 0; i < 6; ++i)
      for (int j = 0; j < 6; ++j) data.push_back(j == (i + h) % 6 ? 0.5f : j == (i * 5 + 1) % 6 ? 0.3f : 0.05f);
  const std::int64_t shape[4] = {1, 2, 6, 6};
  return AttentionTensor::from_buffer(std::span<const float>(data), shape);
}

}  // namespace

TEST_CASE("npy_bytes writes what parse_npy reads, float32 and float64") {
  const std::vector<float> f = {1.5f, -0.0f, 3.25f, 1e-30f, 7, 8};
  const std::int64_t shape[2] = {2, 3};
  const std::vector<std::uint8_t> bytes = npy_bytes(std::span<const float>(f), shape);
  CHECK((bytes.size() - 6 * 4) % 64 == 0);  // the data starts at a multiple of 64
  const NpyArray back = parse_npy(bytes);
  CHECK(back.float32);
  CHECK(back.shape == std::vector<std::int64_t>{2, 3});
  for (std::size_t i = 0; i < f.size(); ++i) CHECK(std::signbit(back.data[i]) == std::signbit(f[i]));
  CHECK(back.data[3] == double(1e-30f));
  const std::vector<double> d = {0.1, 0.2};
  const std::int64_t one[1] = {2};
  const NpyArray dback = parse_npy(npy_bytes(std::span<const double>(d), one));
  CHECK(!dback.float32);
  CHECK(dback.data == d);
  CHECK_THROWS_WITH_AS(npy_bytes(std::span<const double>(d), shape), "a .npy file of shape (2, 3) holds 6 values, not 2",
                       std::invalid_argument);
}

TEST_CASE("barcode features: lengths, counts above and below the thresholds, the longest bar") {
  Barcode b;
  b.dim = 1;
  b.bars = {{0.1, 0.3, {}, {}}, {0.2, 0.9, {}, {}}, {0.6, infinity, {}, {}}, {0.3, 0.4, {}, {}}};
  const BarcodeFeatures f = barcode_features(b);
  CHECK(f.bars == 4);
  CHECK(f.length_sum == doctest::Approx(0.2 + 0.7 + 0.1));
  CHECK(f.length_mean == doctest::Approx(1.0 / 3));
  const double m = 1.0 / 3;
  CHECK(f.length_std == doctest::Approx(std::sqrt(((0.2 - m) * (0.2 - m) + (0.7 - m) * (0.7 - m) + (0.1 - m) * (0.1 - m)) / 3)));
  // thresholds 0.25, 0.5, 0.75; births 0.1 0.2 0.6 0.3; deaths 0.3 0.9 ∞ 0.4
  CHECK(f.births_above == std::vector<int>{2, 1, 0});
  CHECK(f.births_below == std::vector<int>{2, 3, 4});
  CHECK(f.deaths_above == std::vector<int>{4, 2, 2});
  CHECK(f.deaths_below == std::vector<int>{0, 2, 2});
  CHECK(f.longest_birth == 0.2);
  CHECK(f.longest_death == 0.9);
  const BarcodeFeatures none = barcode_features(Barcode{});
  CHECK(none.bars == 0);
  CHECK(none.length_mean == 0);
  CHECK(std::isnan(none.longest_birth));
}

TEST_CASE("threshold graph: edges where max(A_ij, A_ji) >= τ, components, β1 and degree") {
  // 4 tokens: a triangle 0-1-2 (by one direction each) and token 3 alone.
  const std::vector<double> a = {0.4, 0.3, 0,   0.3,  //
                                 0,   0.5, 0.5, 0,    //
                                 0.3, 0,   0.7, 0,    //
                                 0,   0,   0.1, 0.9};
  const GraphFeatures g = threshold_graph_features(a, 4, 0.3);
  CHECK(g.edges == 4);  // {0,1}, {0,2}, {1,2}, {0,3}
  CHECK(g.components == 1);
  CHECK(g.beta1 == 1);
  CHECK(g.average_degree == 2.0);
  const GraphFeatures high = threshold_graph_features(a, 4, 0.5);
  CHECK(high.edges == 1);
  CHECK(high.components == 3);
  CHECK(high.beta1 == 0);
  CHECK_THROWS_AS(threshold_graph_features(a, 3, 0.5), std::invalid_argument);
}

TEST_CASE("the writers: .ldm rows, bars.csv, features.csv and cycles of a small analysis") {
  const AttentionTensor attention = small_attention();
  const Analysis analysis = analyze(attention, AnalysisSettings{});
  const std::string ldm = distance_ldm(head_distance_matrix(attention, 0, 0, analysis.settings));
  CHECK(count(ldm, "\n") == 5);
  CHECK(count(ldm, ",") == 15 - 5);
  const std::string bars = bars_csv(analysis);
  CHECK(bars.rfind("layer,head,dim,index,birth,death,persistence,birth_simplex,death_simplex\n", 0) == 0);
  std::size_t rows = 0;
  for (const HeadAnalysis& h : analysis.results)
    for (const Barcode& b : h.persistence.barcodes) rows += b.bars.size();
  CHECK(std::size_t(count(bars, "\n")) == rows + 1);
  CHECK(count(bars, "0,0,0,5,0.0,,,") == 1);  // H0's essential bar: no death, no persistence, no death simplex

  const std::string features = features_csv(attention, analysis);
  const std::vector<std::string> columns = feature_columns(analysis);
  CHECK(columns.front() == "layer");
  CHECK(std::find(columns.begin(), columns.end(), "h1_deaths_above_0.5") != columns.end());
  CHECK(std::find(columns.begin(), columns.end(), "graph_0.025_beta1") != columns.end());
  CHECK(count(features, "\n") == 3);
  CHECK(count(features.substr(0, features.find('\n')), ",") == int(columns.size()) - 1);
  CHECK(features.find("\n0,1,") != std::string::npos);

  const nlohmann::json cycles = cycles_json(attention, analysis);
  CHECK(cycles["heads"].size() == 2);
  CHECK_THROWS_WITH_AS(exported_cycle(attention, analysis, 0, 7, 0),
                       "layer 0, head 7 is not in the analysis: the analysis has layers 0 to 0 and heads 0 to 1",
                       std::out_of_range);
  const std::size_t h1 = analysis.results[0].persistence.barcodes[1].bars.size();
  CHECK_THROWS_WITH_AS(exported_cycle(attention, analysis, 0, 0, int(h1)),
                       ("layer 0, head 0 has " + std::to_string(h1) + " H1 bars; there is no bar " + std::to_string(h1)).c_str(),
                       std::out_of_range);
}

TEST_CASE("export_file: kinds, names, SVG marks and refusals") {
  const AttentionTensor attention = small_attention();
  const Analysis analysis = analyze(attention, AnalysisSettings{});
  ExportRequest request;
  request.image = "digit 7.png";
  request.model = "vit/mnist";
  request.provenance = {{"image", "digit 7.png"}};
  const ExportedFile bars = export_file("bars.csv", attention, analysis, request);
  CHECK(bars.name == "digit_7-vit_mnist-bars.csv");
  CHECK(bars.type == "text/csv");
  const ExportedFile att = export_file("attention.npy", attention, analysis, request);
  CHECK(parse_npy(att.bytes).float32);
  const nlohmann::json json = nlohmann::json::parse(text_of(export_file("analysis.json", attention, analysis, request).bytes));
  CHECK(json["schema"] == "vitopo.analysis/1");
  CHECK(json["export"]["image"] == "digit 7.png");
  CHECK(json["export"]["vitopo_version"] == vitopo_version);
  const std::string script = text_of(export_file("reproduce.py", attention, analysis, request).bytes);
  CHECK(script.rfind("#!/usr/bin/env python3", 0) == 0);

  request.head = std::pair{0, 1};
  const NpyArray one = parse_npy(export_file("distances.npy", attention, analysis, request).bytes);
  CHECK(one.shape == std::vector<std::int64_t>{6, 6});
  request.epsilon = 0.3;
  std::size_t bar_count = 0;
  for (const Barcode& b : analysis.results[1].persistence.barcodes) bar_count += b.bars.size();
  request.panel = "barcode";
  const ExportedFile barcode = export_file("svg", attention, analysis, request);
  CHECK(barcode.name == "digit_7-vit_mnist-l0h1-barcode.svg");
  CHECK(count(text_of(barcode.bytes), "<line class=\"bar") == int(bar_count));
  request.panel = "diagram";
  CHECK(count(text_of(export_file("svg", attention, analysis, request).bytes), "<circle class=\"point") == int(bar_count));
  request.panel = "skeleton";
  const std::string skeleton = text_of(export_file("svg", attention, analysis, request).bytes);
  CHECK(count(skeleton, "<circle class=\"token\"") == 6);
  const Eigen::MatrixXd d = head_distance_matrix(attention, 0, 1, analysis.settings);
  int edges = 0;
  for (int i = 0; i < 6; ++i)
    for (int j = i + 1; j < 6; ++j) edges += d(i, j) <= 0.3;
  CHECK(count(skeleton, "<line class=\"edge\"") == edges);

  request.panel = "heatmap";
  CHECK_THROWS_WITH_AS(export_file("svg", attention, analysis, request),
                       "there is no SVG of the panel \"heatmap\": vitopo draws the barcode, the diagram and the skeleton as SVG",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(export_file("bars.xlsx", attention, analysis, request),
                       "vitopo cannot export \"bars.xlsx\": the kinds are attention.npy, distances.npy, distance.ldm, "
                       "bars.csv, cycles.json, features.csv, analysis.json, reproduce.py, svg, png and bundle.zip",
                       std::invalid_argument);
  request.head = std::pair{1, 0};
  CHECK_THROWS_AS(export_file("distance.ldm", attention, analysis, request), std::out_of_range);
  CHECK(export_file_name("", "", "bars.csv") == "bars.csv");
  CHECK(export_file_name("../../etc/passwd", "m", "x") == "etc_passwd-m-x");
}
