// Research export: the files a researcher takes back to Python and into a
// paper (docs/contracts.md, "Research export"). Each writer takes the
// attention tensor as analysed and its analysis (with the bars' simplices, as
// analyze() or decode_analysis() give them) and returns a file's bytes or
// text; the CLI (`vitopo analyze --export DIR`) and the page's core module
// call the same functions, so both write the same files.
//
// Points and vertices are the distance matrix's indices: token i, or token
// i + 1 when CLS is dropped.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/analysis.hpp"
#include "core/attention.hpp"
#include "core/features.hpp"

namespace vitopo {

// distances.npy holds at most this many bytes; past it the export refuses
// (before allocating) and says to export one head.
inline constexpr std::uint64_t export_distances_budget = std::uint64_t(1) << 30;

// The analysed head (layer, head) of `analysis`; std::out_of_range, saying
// which heads there are, when it was not analysed.
const HeadAnalysis& exported_head(const Analysis& analysis, int layer, int head);

// attention.npy: [L, H, T, T], float32 when every value is a float32 (then
// bit for bit what the model gave), float64 otherwise.
std::vector<std::uint8_t> attention_npy(const AttentionTensor& attention);

// distances.npy: float64 [L, H, n, n] of every head under the analysis's
// settings, or [n, n] of one head. std::out_of_range for a head outside the
// tensor; std::length_error past export_distances_budget.
std::vector<std::uint8_t> distances_npy(const AttentionTensor& attention, const AnalysisSettings& settings,
                                        std::optional<std::pair<int, int>> head = std::nullopt);

// distance.ldm: Ripser's lower-distance text (the strict lower triangle row by
// row, rows 1 … n − 1, comma-separated) with max_digits10 digits.
std::string distance_ldm(const Eigen::MatrixXd& distances);

// bars.csv: layer,head,dim,index,birth,death,persistence,birth_simplex,death_simplex;
// death and persistence empty for +∞, simplices as space-separated vertices.
std::string bars_csv(const Analysis& analysis);

// cycles.json: {"schema": "vitopo.cycles/1", "heads": [{"layer", "head",
// "cycles": [{"index", "birth", "death", "edges": [[u, v], …]}]}]} with the
// representative cycle of every finite H1 bar (index: the bar's in its diagram).
nlohmann::json cycles_json(const AttentionTensor& attention, const Analysis& analysis);
// One head's finite H1 bar `bar`: its cycle's edges (u > v). std::out_of_range
// for a bar outside the H1 diagram, std::invalid_argument for an essential one.
std::vector<Edge> exported_cycle(const AttentionTensor& attention, const Analysis& analysis, int layer, int head, int bar);

// features.csv: one row per analysed head (columns: feature_columns()).
std::vector<std::string> feature_columns(const Analysis& analysis);
FeatureRow head_features(const AttentionTensor& attention, const Analysis& analysis, const HeadAnalysis& head);
std::string features_csv(const AttentionTensor& attention, const Analysis& analysis);

// analysis.json: the analysis JSON (vitopo.analysis/1) with one more key,
// "export": `provenance` (the image's name, the model, the runtime, …) plus
// "vitopo_version".
nlohmann::json export_analysis_json(const Analysis& analysis, nlohmann::json provenance);
inline constexpr const char* vitopo_version = "0.1";

// The figures, as SVG documents: one mark per bar (<line class="bar">), per
// diagram point (<circle class="point">), per skeleton edge and token
// (<line class="edge">, <circle class="token">), each with its values in data-
// attributes, in named groups (<g id="h0">…), so that they stay editable.
std::string barcode_svg(const HeadAnalysis& head, double epsilon, const std::string& title);
std::string diagram_svg(const HeadAnalysis& head, const std::string& title);
std::string skeleton_svg(const Eigen::MatrixXd& distances, double epsilon, const std::string& title);

// reproduce.py, the script that recomputes the export with scipy and Ripser
// or GUDHI (embedded from tools/reproduce.py at build time).
const std::string& reproduce_script();

// "<image>-<model>-<kind>": names reduced to letters, digits, '.', '_' and
// '-' (others become '_'), an empty one left out.
std::string export_file_name(const std::string& image, const std::string& model, const std::string& kind);

// The data kinds, as the page API names them (the figures are the page's).
inline constexpr const char* export_data_kinds[] = {"attention.npy", "distances.npy", "distance.ldm", "bars.csv",
                                                    "cycles.json",   "features.csv",  "analysis.json", "reproduce.py"};

// What one export needs besides the attention and its analysis.
struct ExportRequest {
  std::string image, model;           // for the file names ("" leaves a name out)
  std::optional<std::pair<int, int>> head;  // distances.npy: one head; distance.ldm, svg: the head (default: the first analysed)
  double epsilon = 0;                 // the figures' ε
  std::string panel;                  // svg: "barcode", "diagram" or "skeleton"
  nlohmann::json provenance = nlohmann::json::object();  // analysis.json's "export"
};

struct ExportedFile {
  std::string kind, name, type;  // type: the MIME type
  std::vector<std::uint8_t> bytes;
};

// One file of the export: a data kind, or "svg". std::invalid_argument for an
// unknown kind or panel, and the writers' errors.
ExportedFile export_file(const std::string& kind, const AttentionTensor& attention, const Analysis& analysis,
                         const ExportRequest& request);

// manifest.json of a set of files: {"schema": "vitopo.export/1", "files":
// [{"kind", "name", "type", "bytes"}], "export": provenance}.
nlohmann::json export_manifest(const nlohmann::json& files, const nlohmann::json& provenance);

}  // namespace vitopo
