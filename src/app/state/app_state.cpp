#include "app_state.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

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
