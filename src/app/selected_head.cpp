#include "selected_head.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <span>

namespace vitopo::app {

vitopo::AnalysisSettings core_settings(const AnalysisSettings& s) {
  vitopo::AnalysisSettings out;
  out.metric = vitopo::Metric(int(s.metric));  // same order by contract (app_state.hpp)
  out.columns = s.columns;
  out.drop_cls = s.drop_cls;
  out.seed_compatible = s.seed_compatible;
  out.maxdim = s.max_dim;
  out.threshold = s.threshold;
  out.modulus = s.modulus;
  return out;
}

namespace {

// The main thread works out one head at a time, and allows itself a fixed
// memory budget for it, whatever the platform's size_t (wasm32 included).
vitopo::PersistenceOptions main_thread_options(const vitopo::AnalysisSettings& settings) {
  vitopo::PersistenceOptions options = settings.persistence_options();
  options.memory_budget = std::size_t(512) << 20;
  return options;
}

SelectedHead cache;
std::uint64_t cached_attention = ~std::uint64_t(0);
AnalysisSettings cached_settings;

// The settings the head is shown with: those of the analysis on screen, so
// that the bars here are the analysis' bars; before any analysis, the
// settings view's.
const AnalysisSettings& shown_settings(const AppState& state) {
  return state.analysis.empty() ? state.settings : state.analysis.settings;
}

void analyse(const AppState& state) {
  SelectedHead next;
  next.revision = cache.revision + 1;
  next.layer = state.selection.layer;
  next.head = state.selection.head;
  const AttentionTensor& attention = state.attention;
  if (attention.empty()) {
    cache = std::move(next);
    return;
  }
  try {
    if (next.layer < 0 || next.layer >= attention.layers || next.head < 0 || next.head >= attention.heads) {
      throw std::out_of_range("layer " + std::to_string(next.layer) + ", head " + std::to_string(next.head) +
                              " is outside the attention tensor");
    }
    next.settings = core_settings(shown_settings(state));
    // One head as a [1, 1, T, T] tensor: the core validates it and builds the
    // distributions exactly as the worker did for the whole tensor.
    const std::size_t t = std::size_t(attention.tokens);
    const std::span<const float> head(attention.matrix(next.layer, next.head), t * t);
    const std::int64_t shape[] = {1, 1, attention.tokens, attention.tokens};
    const vitopo::AttentionTensor one = vitopo::AttentionTensor::from_buffer(head, shape);
    next.distances = vitopo::head_distance_matrix(one, 0, 0, next.settings);
    next.points = int(next.distances.rows());
    next.first_token = next.settings.drop_cls ? 1 : 0;
    const bool cls = state.model.has_cls && !next.settings.drop_cls;
    next.grid = {state.model.grid_rows, state.model.grid_cols, cls};
    if (next.grid.points() != next.points) next.grid = vitopo::PatchGrid::square(next.points, cls);

    next.distances_f.resize(std::size_t(next.points) * std::size_t(next.points));
    for (int i = 0; i < next.points; ++i)
      for (int j = 0; j < next.points; ++j) {
        const double d = next.distances(i, j);
        next.distances_f[std::size_t(i) * std::size_t(next.points) + std::size_t(j)] = float(d);
        next.largest_distance = std::max(next.largest_distance, d);
      }

    const std::span<const double> full(next.distances.data(), std::size_t(next.distances.size()));
    const vitopo::DistanceMatrix matrix = vitopo::DistanceMatrix::from_full(full, next.distances.rows(), next.distances.cols());
    next.persistence = vitopo::compute_persistence(matrix, main_thread_options(next.settings));

    // The sliders reach a little past the last finite death: beyond it the
    // diagram no longer changes. Without finite bars, the threshold or the
    // largest distance.
    double last_death = 0;
    for (const auto& barcode : next.persistence.barcodes)
      for (const auto& bar : barcode.bars)
        if (!std::isinf(bar.death)) last_death = std::max(last_death, bar.death);
    double limit = last_death * 1.15;
    if (!(limit > 0)) limit = std::isfinite(next.persistence.threshold) ? next.persistence.threshold : next.largest_distance;
    next.scale_limit = std::min(std::max(limit, 1e-9), std::max(next.largest_distance, 1e-9));

    next.grid_layout = vitopo::patch_grid_layout(next.grid);
    next.mds = vitopo::mds_layout(next.distances);
    next.ready = true;
  } catch (const std::exception& e) {
    next.ready = false;
    next.error = e.what();
  }
  cache = std::move(next);
}

void update_skeleton(double epsilon) {
  if (!cache.ready || cache.skeleton_epsilon == epsilon) return;
  try {
    cache.skeleton = vitopo::skeleton_at(cache.distances, epsilon, cache.grid);
    cache.skeleton_epsilon = epsilon;
  } catch (const std::exception& e) {
    cache.error = e.what();
  }
}

void update_cycle(const BarSelection& bar) {
  if (!cache.ready || cache.cycle_bar == bar) return;
  cache.cycle_bar = bar;
  cache.cycle.clear();
  cache.cycle_error.clear();
  const vitopo::Bar* b = cache.bar(bar);
  if (!b || bar.dim != 1 || std::isinf(b->death)) return;  // essential or not H1: no cycle to draw
  try {
    const std::span<const double> full(cache.distances.data(), std::size_t(cache.distances.size()));
    const vitopo::DistanceMatrix matrix = vitopo::DistanceMatrix::from_full(full, cache.distances.rows(), cache.distances.cols());
    cache.cycle = vitopo::representative_cycle(matrix, *b, main_thread_options(cache.settings));
  } catch (const std::exception& e) {
    cache.cycle_error = e.what();
  }
}

}  // namespace

const SelectedHead& selected_head(const AppState& state) {
  const bool stale = cache.layer != state.selection.layer || cache.head != state.selection.head ||
                     cached_attention != state.attention.revision || !(cached_settings == shown_settings(state));
  if (stale) {
    cached_attention = state.attention.revision;
    cached_settings = shown_settings(state);
    analyse(state);
  }
  update_skeleton(state.scale.epsilon);
  update_cycle(state.selection.bar);
  return cache;
}

const vitopo::Layout& selected_head_force_layout(const AppState& state) {
  selected_head(state);
  if (cache.ready && cache.force_epsilon != state.scale.epsilon) {
    try {
      cache.force = vitopo::force_layout(cache.distances, state.scale.epsilon, cache.mds);
      cache.force_epsilon = state.scale.epsilon;
    } catch (const std::exception& e) {
      cache.error = e.what();
    }
  }
  return cache.force;
}

}  // namespace vitopo::app
