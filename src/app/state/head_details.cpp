#include "head_details.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <span>
#include <stdexcept>

#include "core/attention.hpp"
#include "core/onnx_model.hpp"

namespace vitopo::app {

namespace {

const vitopo::Persistence no_persistence;

// The main thread works out one head at a time, within a fixed budget
// whatever the platform's size_t (wasm32 included).
vitopo::PersistenceOptions main_thread_options(const vitopo::AnalysisSettings& settings) {
  vitopo::PersistenceOptions options = settings.persistence_options();
  options.memory_budget = std::uint64_t(512) << 20;
  return options;
}

}  // namespace

const vitopo::Persistence& HeadDetails::persistence() const { return analysis ? analysis->persistence : no_persistence; }

const vitopo::Bar* HeadDetails::bar(const BarSelection& b) const {
  const auto& barcodes = persistence().barcodes;
  if (!b.valid() || b.dim >= int(barcodes.size())) return nullptr;
  const auto& bars = barcodes[std::size_t(b.dim)].bars;
  return b.index < int(bars.size()) ? &bars[std::size_t(b.index)] : nullptr;
}

vitopo::PatchGrid patch_grid(int rows, int cols, bool model_cls, const vitopo::AnalysisSettings& settings, int points) {
  const bool cls = model_cls && !settings.drop_cls;
  vitopo::PatchGrid grid{rows, cols, cls};
  // The model's other prefix tokens (after CLS, before the patches) are the
  // points the grid and CLS leave: T = prefix_tokens + rows · cols.
  const int more_prefix = points - grid.points();
  if (more_prefix > 0 && more_prefix <= vitopo::max_model_prefix_tokens) grid.more_prefix = more_prefix;
  return grid.points() == points ? grid : vitopo::PatchGrid::square(points, cls);
}

void HeadFocus::work_out(const WorkspaceEntry& entry, int grid_rows, int grid_cols, bool model_cls, int layer,
                         int head) {
  HeadDetails next;
  next.revision = details_.revision + 1;
  next.entry = entry.id;
  next.layer = layer;
  next.head = head;
  next.settings = entry.analysis.settings;
  try {
    const Attention& attention = entry.attention;
    next.analysis = entry.analysis.find(layer, head);
    next.pending = !next.analysis && entry.partial && layer < attention.layers && head < attention.heads;
    if (next.pending)
      throw std::out_of_range("layer " + std::to_string(layer) + ", head " + std::to_string(head) +
                              " is still being analysed");
    if (!next.analysis || layer >= attention.layers || head >= attention.heads)
      throw std::out_of_range("layer " + std::to_string(layer) + ", head " + std::to_string(head) +
                              " is not in the analysis of " + entry.name);
    // One head as a [1, 1, T, T] tensor: the core validates it and builds the
    // distributions exactly as the worker did for the whole tensor.
    const std::int64_t shape[] = {1, 1, attention.tokens, attention.tokens};
    const auto one = vitopo::AttentionTensor::from_buffer(attention.matrix(layer, head), shape);
    next.distances = vitopo::head_distance_matrix(one, 0, 0, next.settings);
    next.points = int(next.distances.rows());
    next.first_token = next.settings.drop_cls ? 1 : 0;
    next.grid = patch_grid(grid_rows, grid_cols, model_cls, next.settings, next.points);

    const std::size_t n = std::size_t(next.points);
    next.distances_f.resize(n * n);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) {
        const double d = next.distances(Eigen::Index(i), Eigen::Index(j));
        next.distances_f[i * n + j] = float(d);
        next.largest_distance = std::max(next.largest_distance, d);
      }

    // The sliders reach a little past the last finite death: beyond it the
    // diagram no longer changes. Without finite bars, the threshold or the
    // largest distance.
    const vitopo::Persistence& persistence = next.analysis->persistence;
    double last_death = 0;
    for (const auto& barcode : persistence.barcodes)
      for (const auto& bar : barcode.bars)
        if (std::isfinite(bar.death)) last_death = std::max(last_death, bar.death);
    double limit = last_death * 1.15;
    if (!(limit > 0)) limit = std::isfinite(persistence.threshold) ? persistence.threshold : next.largest_distance;
    next.scale_limit = std::min(std::max(limit, 1e-9), std::max(next.largest_distance, 1e-9));

    next.grid_layout = vitopo::patch_grid_layout(next.grid);
    next.mds = vitopo::mds_layout(next.distances);
    next.ready = true;
  } catch (const std::exception& e) {
    next.ready = false;
    next.analysis = nullptr;
    next.error = e.what();
  }
  details_ = std::move(next);
}

const HeadDetails& HeadFocus::update(std::shared_ptr<const WorkspaceEntry> entry, int grid_rows, int grid_cols,
                                     bool model_cls, const Want& want) {
  if (!entry) {
    if (entry_ || details_.ready) {
      HeadDetails nothing;
      nothing.revision = details_.revision + 1;
      details_ = std::move(nothing);
    }
    entry_ = nullptr;
    return details_;
  }
  // A head not analysed yet is worked out again once its entry has more heads.
  const bool arrived = !details_.ready && entry->analysis.results.size() != entry_heads_;
  if (entry != entry_ || details_.layer != want.layer || details_.head != want.head || arrived) {
    entry_ = std::move(entry);
    entry_heads_ = entry_->analysis.results.size();
    work_out(*entry_, grid_rows, grid_cols, model_cls, want.layer, want.head);
  }
  HeadDetails& d = details_;
  if (!d.ready) return d;
  try {
    if (d.skeleton_epsilon != want.epsilon) {
      d.skeleton = vitopo::skeleton_at(d.distances, want.epsilon, d.grid);
      d.skeleton_epsilon = want.epsilon;
    }
    if (want.force_layout && d.force_epsilon != want.epsilon) {
      d.force = vitopo::force_layout(d.distances, want.epsilon, d.mds);
      d.force_epsilon = want.epsilon;
    }
    if (want.triangles && d.triangles_epsilon != want.epsilon) {
      d.triangles = vitopo::triangles_at(d.distances, want.epsilon);
      d.triangles_epsilon = want.epsilon;
    }
  } catch (const std::exception& e) {
    d.error = e.what();
  }
  if (!(d.cycle_bar == want.bar)) {
    d.cycle_bar = want.bar;
    d.cycle.clear();
    d.cycle_error.clear();
    const vitopo::Bar* b = d.bar(want.bar);
    if (b && want.bar.dim == 1 && std::isfinite(b->death)) {
      try {
        d.cycle = vitopo::representative_cycle(vitopo::to_distance_matrix(d.distances), *b, main_thread_options(d.settings));
      } catch (const std::exception& e) {
        d.cycle_error = e.what();
      }
    }
  }
  return d;
}

}  // namespace vitopo::app
