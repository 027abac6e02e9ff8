#include "analysis_import.hpp"

#include <stdexcept>

namespace vitopo::app {

AnalysisSettings app_settings(const vitopo::AnalysisSettings& s) {
  AnalysisSettings out;
  out.metric = Metric(int(s.metric));  // same order by contract (app_state.hpp)
  out.columns = s.columns;
  out.drop_cls = s.drop_cls;
  out.seed_compatible = s.seed_compatible;
  out.max_dim = s.maxdim;
  out.threshold = s.threshold;
  out.modulus = s.modulus;
  return out;
}

Analysis import_analysis(const vitopo::Analysis& core, std::string json) {
  Analysis out;
  out.settings = app_settings(core.settings);
  out.layers = core.layers;
  out.heads = core.heads;
  out.tokens = core.tokens;
  out.json = std::move(json);
  out.heads_data.resize(std::size_t(core.layers) * std::size_t(core.heads));
  for (const vitopo::HeadAnalysis& head : core.results) {
    if (head.layer < 0 || head.head < 0 || head.layer >= core.layers || head.head >= core.heads)
      throw std::out_of_range("the analysis has a head (" + std::to_string(head.layer) + ", " + std::to_string(head.head) +
                              ") outside its shape");
    HeadAnalysis& h = out.heads_data[std::size_t(head.layer) * std::size_t(core.heads) + std::size_t(head.head)];
    h.layer = head.layer;
    h.head = head.head;
    h.threshold = head.persistence.threshold;
    for (const vitopo::Barcode& barcode : head.persistence.barcodes) {
      auto& diagram = h.diagrams.emplace_back();
      diagram.reserve(barcode.bars.size());
      for (const vitopo::Bar& bar : barcode.bars) diagram.push_back({bar.birth, bar.death});
    }
    for (const vitopo::DimensionSummary& s : head.summary)
      h.summary.push_back({s.bars, s.essential, s.total_persistence_1, s.entropy, s.longest_finite});
  }
  return out;
}

}  // namespace vitopo::app
