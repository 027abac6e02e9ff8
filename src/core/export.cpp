#include "core/export.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "core/analysis_json.hpp"
#include "core/layout.hpp"
#include "core/npy.hpp"
#include "core/skeleton.hpp"

namespace vitopo {
namespace {

using nlohmann::json;

// A double as the analysis JSON writes it (shortest text that reads back to
// the same double); NaN and ±∞ give an empty cell.
std::string number(double x) { return std::isfinite(x) ? json(x).dump() : std::string(); }

std::string max_digits(double x) {
  char text[40];
  std::snprintf(text, sizeof text, "%.17g", x);
  return text;
}

std::string vertices(const std::vector<index_t>& simplex) {
  std::string text;
  for (std::size_t i = 0; i < simplex.size(); ++i) {
    if (i) text += ' ';
    text += std::to_string(simplex[i]);
  }
  return text;
}

std::string head_list(const Analysis& analysis) {
  if (analysis.results.empty()) return "no head was analysed";
  if (analysis.results.size() == std::size_t(analysis.layers) * std::size_t(analysis.heads))
    return "the analysis has layers 0 to " + std::to_string(analysis.layers - 1) + " and heads 0 to " +
           std::to_string(analysis.heads - 1);
  std::string text = "the analysis has only";
  for (std::size_t i = 0; i < analysis.results.size() && i < 8; ++i)
    text += (i ? ", layer " : " layer ") + std::to_string(analysis.results[i].layer) + " head " +
            std::to_string(analysis.results[i].head);
  return text + (analysis.results.size() > 8 ? ", …" : "");
}

void check_attention_matches(const AttentionTensor& attention, const Analysis& analysis) {
  if (attention.layers() != analysis.layers || attention.heads() != analysis.heads ||
      attention.tokens() != analysis.tokens)
    throw std::invalid_argument("the attention tensor is not the one this analysis was made from");
}

std::string svg_escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

std::string fixed(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", x);
  return text;
}

const char* dim_colour(int dim) {
  static const char* colours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b"};
  return colours[std::size_t(dim) % std::size(colours)];
}

std::string svg_open(double width, double height, const std::string& title) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fixed(width) +
         "\" height=\"" + fixed(height) + "\" viewBox=\"0 0 " + fixed(width) + " " + fixed(height) +
         "\" font-family=\"sans-serif\" font-size=\"11\">\n<title>" + svg_escape(title) + "</title>\n" +
         "<rect id=\"background\" width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
}

// The plots' scale: the largest finite birth or death, 5 % more (the
// threshold when there is no finite bar).
double plot_extent(const HeadAnalysis& head) {
  double top = 0;
  for (const Barcode& barcode : head.persistence.barcodes)
    for (const Bar& bar : barcode.bars) top = std::max({top, bar.birth, std::isfinite(bar.death) ? bar.death : 0.0});
  if (!(top > 0) && std::isfinite(head.persistence.threshold)) top = head.persistence.threshold;
  return top > 0 ? top * 1.05 : 1;
}

// A number for a label, with 3 significant digits.
std::string label(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", x);
  return text;
}

std::string bar_data(const Bar& bar, int dim, std::size_t index) {
  return " data-dim=\"" + std::to_string(dim) + "\" data-index=\"" + std::to_string(index) + "\" data-birth=\"" +
         number(bar.birth) + "\" data-death=\"" + (std::isfinite(bar.death) ? number(bar.death) : "inf") + "\"";
}

}  // namespace

const HeadAnalysis& exported_head(const Analysis& analysis, int layer, int head) {
  const HeadAnalysis* found = analysis.find(layer, head);
  if (!found)
    throw std::out_of_range("layer " + std::to_string(layer) + ", head " + std::to_string(head) +
                            " is not in the analysis: " + head_list(analysis));
  return *found;
}

std::vector<std::uint8_t> attention_npy(const AttentionTensor& attention) {
  const std::int64_t shape[4] = {attention.layers(), attention.heads(), attention.tokens(), attention.tokens()};
  std::vector<double> values;
  values.reserve(std::size_t(shape[0] * shape[1] * shape[2] * shape[3]));
  bool single = true;
  for (int l = 0; l < attention.layers(); ++l)
    for (int h = 0; h < attention.heads(); ++h)
      for (const double x : attention.matrix(l, h)) {
        values.push_back(x);
        single = single && double(float(x)) == x;
      }
  if (!single) return npy_bytes(std::span<const double>(values), shape);
  const std::vector<float> narrow(values.begin(), values.end());
  return npy_bytes(std::span<const float>(narrow), shape);
}

std::vector<std::uint8_t> distances_npy(const AttentionTensor& attention, const AnalysisSettings& settings,
                                        std::optional<std::pair<int, int>> head) {
  const std::uint64_t n = std::uint64_t(attention.tokens() - (settings.drop_cls ? 1 : 0));
  if (head) {
    const Eigen::MatrixXd d = head_distance_matrix(attention, head->first, head->second, settings);
    const std::int64_t shape[2] = {std::int64_t(n), std::int64_t(n)};
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = d;
    return npy_bytes(std::span<const double>(rows.data(), std::size_t(rows.size())), shape);
  }
  const std::uint64_t bytes = std::uint64_t(attention.layers()) * std::uint64_t(attention.heads()) * n * n * 8;
  if (bytes > export_distances_budget)
    throw std::length_error("the distances of every head would take " + std::to_string(bytes >> 20) +
                            " MiB, more than the export's " + std::to_string(export_distances_budget >> 20) +
                            " MiB: export one head's distances instead");
  std::vector<double> values;
  values.reserve(std::size_t(bytes / 8));
  for (int l = 0; l < attention.layers(); ++l)
    for (int h = 0; h < attention.heads(); ++h) {
      const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> d =
          head_distance_matrix(attention, l, h, settings);
      values.insert(values.end(), d.data(), d.data() + d.size());
    }
  const std::int64_t shape[4] = {attention.layers(), attention.heads(), std::int64_t(n), std::int64_t(n)};
  return npy_bytes(std::span<const double>(values), shape);
}

std::string distance_ldm(const Eigen::MatrixXd& distances) {
  std::string text;
  for (Eigen::Index i = 1; i < distances.rows(); ++i) {
    for (Eigen::Index j = 0; j < i; ++j) {
      if (j) text += ',';
      text += max_digits(distances(i, j));
    }
    text += '\n';
  }
  return text;
}

std::string bars_csv(const Analysis& analysis) {
  std::string text = "layer,head,dim,index,birth,death,persistence,birth_simplex,death_simplex\n";
  for (const HeadAnalysis& head : analysis.results)
    for (const Barcode& barcode : head.persistence.barcodes)
      for (std::size_t i = 0; i < barcode.bars.size(); ++i) {
        const Bar& bar = barcode.bars[i];
        text += std::to_string(head.layer) + "," + std::to_string(head.head) + "," + std::to_string(barcode.dim) + "," +
                std::to_string(i) + "," + number(bar.birth) + "," + number(bar.death) + "," +
                number(bar.death - bar.birth) + "," + vertices(bar.birth_simplex) + "," + vertices(bar.death_simplex) +
                "\n";
      }
  return text;
}

std::vector<Edge> exported_cycle(const AttentionTensor& attention, const Analysis& analysis, int layer, int head,
                                 int bar) {
  check_attention_matches(attention, analysis);
  const HeadAnalysis& h = exported_head(analysis, layer, head);
  const auto& barcodes = h.persistence.barcodes;
  const std::size_t count = barcodes.size() > 1 ? barcodes[1].bars.size() : 0;
  if (bar < 0 || std::size_t(bar) >= count)
    throw std::out_of_range("layer " + std::to_string(layer) + ", head " + std::to_string(head) + " has " +
                            std::to_string(count) + " H1 bars; there is no bar " + std::to_string(bar));
  const Bar& b = barcodes[1].bars[std::size_t(bar)];
  if (!std::isfinite(b.death))
    throw std::invalid_argument("H1 bar " + std::to_string(bar) + " of layer " + std::to_string(layer) + ", head " +
                                std::to_string(head) + " never dies, so it has no representative cycle");
  return representative_cycle(to_distance_matrix(head_distance_matrix(attention, layer, head, analysis.settings)), b,
                              analysis.settings.persistence_options());
}

json cycles_json(const AttentionTensor& attention, const Analysis& analysis) {
  check_attention_matches(attention, analysis);
  json heads = json::array();
  for (const HeadAnalysis& head : analysis.results) {
    json cycles = json::array();
    if (head.persistence.barcodes.size() > 1) {
      const auto& bars = head.persistence.barcodes[1].bars;
      std::optional<DistanceMatrix> distances;
      for (std::size_t i = 0; i < bars.size(); ++i) {
        if (!std::isfinite(bars[i].death)) continue;
        if (!distances)
          distances = to_distance_matrix(head_distance_matrix(attention, head.layer, head.head, analysis.settings));
        json edges = json::array();
        for (const Edge& e : representative_cycle(*distances, bars[i], analysis.settings.persistence_options()))
          edges.push_back({e.first, e.second});
        cycles.push_back({{"index", i}, {"birth", bars[i].birth}, {"death", bars[i].death}, {"edges", edges}});
      }
    }
    heads.push_back({{"layer", head.layer}, {"head", head.head}, {"cycles", cycles}});
  }
  return {{"schema", "vitopo.cycles/1"}, {"heads", heads}};
}

FeatureRow head_features(const AttentionTensor& attention, const Analysis& analysis, const HeadAnalysis& head) {
  FeatureRow row = {{"layer", double(head.layer), true}, {"head", double(head.head), true},
                    {"threshold", head.persistence.threshold, false}};
  for (const Barcode& barcode : head.persistence.barcodes) {
    const std::string h = "h" + std::to_string(barcode.dim) + "_";
    const DimensionSummary& s = head.summary.at(std::size_t(barcode.dim));
    row.insert(row.end(), {{h + "bars", double(s.bars), true},
                           {h + "essential", double(s.essential), true},
                           {h + "total_persistence_1", s.total_persistence_1},
                           {h + "total_persistence_2", s.total_persistence_2},
                           {h + "entropy", s.entropy},
                           {h + "longest_finite", s.longest_finite},
                           {h + "long_bars", double(s.long_bars), true}});
    const BarcodeFeatures f = barcode_features(barcode);
    row.insert(row.end(), {{h + "length_mean", f.length_mean}, {h + "length_std", f.length_std}});
    for (std::size_t t = 0; t < std::size(feature_bar_thresholds); ++t) {
      const std::string x = number(feature_bar_thresholds[t]);
      row.insert(row.end(), {{h + "births_above_" + x, double(f.births_above[t]), true},
                             {h + "births_below_" + x, double(f.births_below[t]), true},
                             {h + "deaths_above_" + x, double(f.deaths_above[t]), true},
                             {h + "deaths_below_" + x, double(f.deaths_below[t]), true}});
    }
    row.insert(row.end(), {{h + "longest_birth", f.longest_birth}, {h + "longest_death", f.longest_death}});
  }
  (void)analysis;
  for (const double tau : feature_graph_thresholds) {
    const GraphFeatures g = threshold_graph_features(attention.matrix(head.layer, head.head), attention.tokens(), tau);
    const std::string p = "graph_" + number(tau) + "_";
    row.insert(row.end(), {{p + "edges", double(g.edges), true},
                           {p + "components", double(g.components), true},
                           {p + "beta1", double(g.beta1), true},
                           {p + "average_degree", g.average_degree}});
  }
  return row;
}

std::vector<std::string> feature_columns(const Analysis& analysis) {
  HeadAnalysis empty;
  empty.persistence.barcodes.resize(std::size_t(analysis.settings.maxdim + 1));
  for (int d = 0; d <= analysis.settings.maxdim; ++d) empty.persistence.barcodes[std::size_t(d)].dim = d;
  empty.summary = summarize(empty.persistence, analysis.settings.long_bar_length);
  // The names do not depend on the values: take them from a head with no bars.
  const std::int64_t shape[4] = {1, 1, 2, 2};
  const std::vector<double> uniform = {0.5, 0.5, 0.5, 0.5};
  const AttentionTensor tiny = AttentionTensor::from_buffer(std::span<const double>(uniform), shape);
  std::vector<std::string> names;
  for (const Feature& f : head_features(tiny, analysis, empty)) names.push_back(f.name);
  return names;
}

std::string features_csv(const AttentionTensor& attention, const Analysis& analysis) {
  check_attention_matches(attention, analysis);
  std::string text;
  const std::vector<std::string> columns = feature_columns(analysis);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i) text += ',';
    text += columns[i];
  }
  text += '\n';
  for (const HeadAnalysis& head : analysis.results) {
    const FeatureRow row = head_features(attention, analysis, head);
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) text += ',';
      text += row[i].integer && std::isfinite(row[i].value) ? std::to_string((long long)row[i].value)
                                                             : number(row[i].value);
    }
    text += '\n';
  }
  return text;
}

json export_analysis_json(const Analysis& analysis, json provenance) {
  json document = to_json(analysis);
  if (!provenance.is_object()) provenance = json::object();
  provenance["vitopo_version"] = vitopo_version;
  document["export"] = provenance;
  return document;
}

std::string barcode_svg(const HeadAnalysis& head, double epsilon, const std::string& title) {
  const double width = 640, left = 40, right = 20, top = 28, row = 6;
  std::size_t count = 0;
  for (const Barcode& b : head.persistence.barcodes) count += b.bars.size();
  const double groups = double(head.persistence.barcodes.size());
  const double height = top + row * double(count) + 14 * groups + 30;
  const double extent = plot_extent(head);
  auto x = [&](double v) { return left + (width - left - right) * std::min(v, extent) / extent; };
  std::string svg = svg_open(width, height, title);
  svg += "<text x=\"" + fixed(left) + "\" y=\"16\">" + svg_escape(title) + "</text>\n";
  double y = top;
  for (const Barcode& barcode : head.persistence.barcodes) {
    const std::string d = std::to_string(barcode.dim);
    svg += "<g id=\"h" + d + "\" stroke=\"" + dim_colour(barcode.dim) + "\" stroke-width=\"3\">\n";
    svg += "<text x=\"4\" y=\"" + fixed(y + 9) + "\" stroke=\"none\" fill=\"" + dim_colour(barcode.dim) + "\">H" + d +
           "</text>\n";
    for (std::size_t i = 0; i < barcode.bars.size(); ++i) {
      const Bar& bar = barcode.bars[i];
      y += row;
      const bool essential = !std::isfinite(bar.death);
      svg += "<line class=\"bar" + std::string(essential ? " essential" : "") + "\"" + bar_data(bar, barcode.dim, i) +
             " x1=\"" + fixed(x(bar.birth)) + "\" y1=\"" + fixed(y) + "\" x2=\"" +
             fixed(essential ? width - right : x(bar.death)) + "\" y2=\"" + fixed(y) + "\"/>\n";
    }
    svg += "</g>\n";
    y += 14;
  }
  const double axis = y + 6;
  svg += "<g id=\"axis\" stroke=\"#444444\"><line x1=\"" + fixed(left) + "\" y1=\"" + fixed(axis) + "\" x2=\"" +
         fixed(width - right) + "\" y2=\"" + fixed(axis) + "\"/>";
  svg += "<text x=\"" + fixed(left) + "\" y=\"" + fixed(axis + 14) + "\" stroke=\"none\">0</text>";
  svg += "<text x=\"" + fixed(width - right) + "\" y=\"" + fixed(axis + 14) + "\" stroke=\"none\" text-anchor=\"end\">" +
         label(extent) + "</text></g>\n";
  if (std::isfinite(epsilon) && epsilon >= 0)
    svg += "<line id=\"epsilon\" data-epsilon=\"" + number(epsilon) + "\" x1=\"" + fixed(x(epsilon)) + "\" y1=\"" +
           fixed(top) + "\" x2=\"" + fixed(x(epsilon)) + "\" y2=\"" + fixed(axis) +
           "\" stroke=\"#ff7f0e\" stroke-dasharray=\"4 3\"/>\n";
  return svg + "</svg>\n";
}

std::string diagram_svg(const HeadAnalysis& head, const std::string& title) {
  const double size = 480, margin = 40, top = 44;
  const double extent = plot_extent(head);
  const double span = size - margin - 20;
  auto x = [&](double v) { return margin + span * std::min(v, extent) / extent; };
  auto y = [&](double v) { return top + span - span * std::min(v, extent) / extent; };
  std::string svg = svg_open(size, size + 26, title);
  svg += "<text x=\"" + fixed(margin) + "\" y=\"16\">" + svg_escape(title) + "</text>\n";
  svg += "<g id=\"axes\" stroke=\"#444444\" fill=\"none\"><line id=\"diagonal\" x1=\"" + fixed(x(0)) + "\" y1=\"" +
         fixed(y(0)) + "\" x2=\"" + fixed(x(extent)) + "\" y2=\"" + fixed(y(extent)) + "\"/>";
  svg += "<line x1=\"" + fixed(x(0)) + "\" y1=\"" + fixed(y(0)) + "\" x2=\"" + fixed(x(extent)) + "\" y2=\"" +
         fixed(y(0)) + "\"/><line x1=\"" + fixed(x(0)) + "\" y1=\"" + fixed(y(0)) + "\" x2=\"" + fixed(x(0)) +
         "\" y2=\"" + fixed(y(extent)) + "\"/>";
  svg += "<text x=\"" + fixed(x(extent)) + "\" y=\"" + fixed(y(0) + 14) +
         "\" stroke=\"none\" fill=\"#444444\" text-anchor=\"end\">birth " + label(extent) + "</text>";
  svg += "<text x=\"" + fixed(x(0) + 4) + "\" y=\"" + fixed(y(extent) + 12) +
         "\" stroke=\"none\" fill=\"#444444\">death (top row: +∞)</text></g>\n";
  for (const Barcode& barcode : head.persistence.barcodes) {
    const std::string d = std::to_string(barcode.dim);
    svg += "<g id=\"h" + d + "\" fill=\"" + dim_colour(barcode.dim) + "\" fill-opacity=\"0.7\">\n";
    for (std::size_t i = 0; i < barcode.bars.size(); ++i) {
      const Bar& bar = barcode.bars[i];
      const bool essential = !std::isfinite(bar.death);
      svg += "<circle class=\"point" + std::string(essential ? " essential" : "") + "\"" + bar_data(bar, barcode.dim, i) +
             " cx=\"" + fixed(x(bar.birth)) + "\" cy=\"" + fixed(essential ? top - 4 : y(bar.death)) + "\" r=\"3\"/>\n";
    }
    svg += "</g>\n";
  }
  return svg + "</svg>\n";
}

std::string skeleton_svg(const Eigen::MatrixXd& distances, double epsilon, const std::string& title) {
  const double size = 480, margin = 24, top = 40;
  const Layout layout = mds_layout(distances);
  const Eigen::Index n = layout.rows();
  double lo_x = 0, hi_x = 0, lo_y = 0, hi_y = 0;
  if (n > 0) {
    lo_x = layout.col(0).minCoeff(), hi_x = layout.col(0).maxCoeff();
    lo_y = layout.col(1).minCoeff(), hi_y = layout.col(1).maxCoeff();
  }
  const double scale = (size - 2 * margin) / std::max({hi_x - lo_x, hi_y - lo_y, 1e-12});
  auto px = [&](Eigen::Index i) { return margin + (layout(i, 0) - lo_x) * scale; };
  auto py = [&](Eigen::Index i) { return top + (layout(i, 1) - lo_y) * scale; };
  PatchGrid grid;  // one row of points: only the components are used
  grid.rows = 1, grid.cols = int(n), grid.cls = false;
  const Skeleton skeleton = skeleton_at(distances, epsilon, grid);
  std::string svg = svg_open(size, size + top - margin + 10, title);
  svg += "<text x=\"" + fixed(margin) + "\" y=\"16\">" + svg_escape(title) + "</text>\n<text x=\"" + fixed(margin) +
         "\" y=\"30\" fill=\"#444444\">edges with d ≤ ε = " + label(epsilon) + ", classical MDS layout</text>\n";
  svg += "<g id=\"edges\" data-epsilon=\"" + number(epsilon) + "\" stroke=\"#888888\" stroke-width=\"1\">\n";
  for (const auto& [i, j] : skeleton.edges)
    svg += "<line class=\"edge\" data-u=\"" + std::to_string(i) + "\" data-v=\"" + std::to_string(j) +
           "\" data-distance=\"" + number(distances(i, j)) + "\" x1=\"" + fixed(px(i)) + "\" y1=\"" + fixed(py(i)) +
           "\" x2=\"" + fixed(px(j)) + "\" y2=\"" + fixed(py(j)) + "\"/>\n";
  svg += "</g>\n<g id=\"tokens\" stroke=\"#ffffff\" stroke-width=\"0.5\">\n";
  for (Eigen::Index i = 0; i < n; ++i) {
    const int component = skeleton.component_of.empty() ? 0 : skeleton.component_of[std::size_t(i)];
    svg += "<circle class=\"token\" data-point=\"" + std::to_string(i) + "\" data-component=\"" +
           std::to_string(component) + "\" cx=\"" + fixed(px(i)) + "\" cy=\"" + fixed(py(i)) + "\" r=\"4\" fill=\"" +
           dim_colour(component) + "\"/>\n";
  }
  return svg + "</g>\n</svg>\n";
}

std::string export_file_name(const std::string& image, const std::string& model, const std::string& kind) {
  auto clean = [](const std::string& name) {
    std::string out;
    for (const char c : name) {
      const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '_' || c == '-';
      out += keep ? c : '_';
    }
    while (!out.empty() && (out.front() == '.' || out.front() == '_')) out.erase(out.begin());
    return out.substr(0, 64);
  };
  // The image's extension is left out: "digit.png" gives "digit".
  std::string stem = image;
  const std::size_t dot = stem.find_last_of('.');
  if (dot != std::string::npos && dot > 0 && stem.size() - dot <= 5) stem.erase(dot);
  std::string name;
  for (const std::string& part : {clean(stem), clean(model)})
    if (!part.empty()) name += part + "-";
  return name + kind;
}

ExportedFile export_file(const std::string& kind, const AttentionTensor& attention, const Analysis& analysis,
                         const ExportRequest& request) {
  check_attention_matches(attention, analysis);
  ExportedFile file{kind, export_file_name(request.image, request.model, kind), "application/octet-stream", {}};
  auto text = [&](const std::string& content, const char* type) {
    file.bytes.assign(content.begin(), content.end());
    file.type = type;
  };
  auto selected = [&]() -> const HeadAnalysis& {
    if (request.head) return exported_head(analysis, request.head->first, request.head->second);
    if (analysis.results.empty()) throw std::out_of_range("no head was analysed");
    return analysis.results.front();
  };
  auto title = [&](const HeadAnalysis& h, const char* what) {
    std::string t = request.image.empty() ? std::string() : request.image + ", ";
    return t + "layer " + std::to_string(h.layer) + ", head " + std::to_string(h.head) + ": " + what;
  };
  if (kind == "attention.npy") {
    file.bytes = attention_npy(attention);
  } else if (kind == "distances.npy") {
    if (request.head) exported_head(analysis, request.head->first, request.head->second);
    file.bytes = distances_npy(attention, analysis.settings, request.head);
  } else if (kind == "distance.ldm") {
    const HeadAnalysis& h = selected();
    text(distance_ldm(head_distance_matrix(attention, h.layer, h.head, analysis.settings)), "text/plain");
  } else if (kind == "bars.csv") {
    text(bars_csv(analysis), "text/csv");
  } else if (kind == "cycles.json") {
    text(cycles_json(attention, analysis).dump() + "\n", "application/json");
  } else if (kind == "features.csv") {
    text(features_csv(attention, analysis), "text/csv");
  } else if (kind == "analysis.json") {
    text(export_analysis_json(analysis, request.provenance).dump() + "\n", "application/json");
  } else if (kind == "reproduce.py") {
    text(reproduce_script(), "text/x-python");
  } else if (kind == "svg") {
    const HeadAnalysis& h = selected();
    if (request.panel == "barcode") {
      text(barcode_svg(h, request.epsilon, title(h, "barcode")), "image/svg+xml");
    } else if (request.panel == "diagram") {
      text(diagram_svg(h, title(h, "persistence diagram")), "image/svg+xml");
    } else if (request.panel == "skeleton") {
      text(skeleton_svg(head_distance_matrix(attention, h.layer, h.head, analysis.settings), request.epsilon,
                        title(h, "skeleton")),
           "image/svg+xml");
    } else {
      throw std::invalid_argument("there is no SVG of the panel \"" + request.panel +
                                  "\": vitopo draws the barcode, the diagram and the skeleton as SVG");
    }
    file.name = export_file_name(request.image, request.model,
                                 "l" + std::to_string(h.layer) + "h" + std::to_string(h.head) + "-" + request.panel + ".svg");
  } else {
    std::string kinds;
    for (const char* k : export_data_kinds) kinds += std::string(kinds.empty() ? "" : ", ") + k;
    throw std::invalid_argument("vitopo cannot export \"" + kind + "\": the kinds are " + kinds + ", svg, png and bundle.zip");
  }
  return file;
}

json export_manifest(const json& files, const json& provenance) {
  return {{"schema", "vitopo.export/1"}, {"files", files}, {"export", provenance}};
}

}  // namespace vitopo
