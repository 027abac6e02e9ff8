#include "app_state.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <utility>

#include "core/summaries.hpp"

namespace vitopo::app {

double default_epsilon(const HeadDetails& head) {
  const auto& barcodes = head.persistence().barcodes;
  const std::optional<double> median = barcodes.empty() ? std::nullopt : vitopo::median_finite_death(barcodes[0]);
  return median ? *median : head.scale_limit * 0.5;
}

void apply(AppState& state, const Intent& intent) {
  Selection& s = state.selection;
  switch (intent.kind) {
    case IntentKind::SelectHead:
      if (intent.layer != s.layer || intent.head != s.head || s.bar.valid()) {
        s.layer = std::max(0, intent.layer);
        s.head = std::max(0, intent.head);
        s.bar = {};
        ++s.revision;
      }
      return;
    case IntentKind::SelectBar:
      if (!(intent.bar == s.bar)) {
        s.bar = intent.bar.valid() ? intent.bar : BarSelection{};
        ++s.revision;
      }
      return;
    case IntentKind::SetEpsilon:
      state.scale.epsilon = std::max(0.0, std::isfinite(intent.epsilon) ? intent.epsilon : 0.0);
      state.scale.user_set = true;
      state.scale.playing = false;
      return;
    case IntentKind::Play:
      state.scale.playing = intent.flag;
      if (intent.flag) state.scale.user_set = true;
      return;
    case IntentKind::Hover:
      s.hovered_token = intent.token;
      s.hovered_bar = intent.bar;
      return;
    case IntentKind::SetPlayback:
      if (std::isfinite(intent.play_seconds) && intent.play_seconds > 0)
        state.scale.play_seconds = std::clamp(intent.play_seconds, 0.5, 120.0);
      state.scale.loop = intent.flag;
      return;
    case IntentKind::Arrange:
      if (intent.arrangement >= 0 && intent.arrangement < arrangement_count)
        state.arrangement = Arrangement(intent.arrangement);
      return;
    case IntentKind::Compare: {
      ComparisonResult& slot = state.comparisons[intent.slot];
      slot = ComparisonResult{};
      slot.key = intent.key;
      slot.pending = true;
      slot.request = nlohmann::json::parse(intent.request, nullptr, false);
      state.outbox.push_back(intent);
      return;
    }
    case IntentKind::CancelComparison: {
      ComparisonResult& slot = state.comparisons[intent.slot];
      if (slot.pending) {
        slot.pending = false;
        slot.error = "Cancelled.";
      }
      state.outbox.push_back(intent);
      return;
    }
    case IntentKind::Cancel:
      state.progress.cancel_requested = true;
      state.outbox.push_back(intent);
      return;
    case IntentKind::SwapImages:
    case IntentKind::OpenImageB:
    case IntentKind::LoadSampleB:
    case IntentKind::Reanalyse:
    case IntentKind::OpenImage:
    case IntentKind::LoadSample:
    case IntentKind::ExportAnalysis:
    case IntentKind::CopyShareLink:
    case IntentKind::RunSeries:
    case IntentKind::OpenFrames:
    case IntentKind::ShowFrame:
      state.outbox.push_back(intent);
      return;
  }
  throw UnknownIntent(int(intent.kind));
}

void on_current_entry_changed(AppState& state) {
  Selection& s = state.selection;
  s.bar = {};
  s.hovered_bar = {};
  if (const WorkspaceEntry* entry = state.workspace.current()) {
    if (s.layer >= entry->analysis.layers) s.layer = 0;
    if (s.head >= entry->analysis.heads) s.head = 0;
  }
  ++s.revision;
  ++state.workspace_revision;
}

std::shared_ptr<const WorkspaceEntry> AppState::shown_entry() const {
  if (partial.entry) return partial.entry;
  return workspace.current_shared();
}

void begin_partial(AppState& state, std::shared_ptr<WorkspaceEntry> entry) {
  if (!state.partial.entry) state.partial.kept_bar = state.selection.bar;
  entry->partial = true;
  // Room for every head now: adding heads never moves the ones shown.
  const std::uint64_t all = std::uint64_t(std::max(0, entry->analysis.layers)) * std::uint64_t(std::max(0, entry->analysis.heads));
  if (entry->analysis.results.size() > all) throw std::invalid_argument("the partial analysis has more heads than its shape");
  entry->analysis.results.reserve(std::size_t(all));
  state.partial.entry = std::move(entry);
  state.partial.drawn_heads = 0;
  state.partial.first_drawn_ms = 0;
  on_current_entry_changed(state);
}

void add_partial_heads(AppState& state, const vitopo::Analysis& heads) {
  WorkspaceEntry* entry = state.partial.entry.get();
  if (!entry) throw std::invalid_argument("no analysis is streaming");
  vitopo::Analysis& analysis = entry->analysis;
  if (heads.layers != analysis.layers || heads.heads != analysis.heads || heads.tokens != analysis.tokens ||
      !(heads.settings == analysis.settings))
    throw std::invalid_argument("these heads belong to another analysis than the one streaming");
  const auto order = [](const vitopo::HeadAnalysis& h) { return std::pair(h.layer, h.head); };
  if (!heads.results.empty() && !analysis.results.empty() && !(order(analysis.results.back()) < order(heads.results.front())))
    throw std::invalid_argument("the streamed heads are out of order");
  const std::uint64_t all = std::uint64_t(analysis.layers) * std::uint64_t(analysis.heads);
  if (std::uint64_t(analysis.results.size()) + heads.results.size() > all)
    throw std::invalid_argument("the stream has more heads than its analysis");
  for (const vitopo::HeadAnalysis& h : heads.results) analysis.results.push_back(h);
  ++state.workspace_revision;
}

bool drop_partial(AppState& state) {
  if (!state.partial.entry) return false;
  state.partial.entry = nullptr;
  on_current_entry_changed(state);
  state.selection.bar = state.partial.kept_bar;
  return true;
}

void note_frame_drawn(AppState& state, const WorkspaceEntry* shown, double now_ms) {
  if (!shown || shown != state.partial.entry.get()) return;
  state.partial.drawn_heads = int(shown->analysis.results.size());
  if (state.partial.drawn_heads > 0 && state.partial.first_drawn_ms == 0) state.partial.first_drawn_ms = now_ms;
}

void settle_scale(AppState& state, const HeadDetails& head, double seconds, std::uint64_t& seen_revision) {
  if (!head.ready) return;
  Scale& scale = state.scale;
  if (head.revision != seen_revision) {
    seen_revision = head.revision;
    if (!(scale.user_set && scale.epsilon >= 0 && scale.epsilon <= head.scale_limit)) {
      scale.epsilon = default_epsilon(head);
      scale.user_set = false;
    }
  }
  if (scale.playing) {
    scale.epsilon += head.scale_limit * seconds / std::max(0.5, scale.play_seconds);
    if (scale.epsilon >= head.scale_limit) {
      scale.epsilon = scale.loop ? 0.0 : head.scale_limit;
      scale.playing = scale.loop;
    }
  }
  scale.epsilon = std::clamp(scale.epsilon, 0.0, head.scale_limit);
}

}  // namespace vitopo::app
