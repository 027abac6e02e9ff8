// The app's state library: what the views draw comes from the worker's
// analysis, and the policies a user meets (selection, ε, intents) hold.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <memory>
#include <random>

#include "app/state/app_state.hpp"
#include "app/state/layer_profile.hpp"
#include "core/comparison.hpp"
#include "app/state/head_grid_layout.hpp"
#include "core/analysis.hpp"
#include "core/attention.hpp"

using namespace vitopo::app;

namespace {

constexpr int grid = 4, tokens = 1 + grid * grid;

// Softmaxed attention that decays with patch distance, plus noise: 2 layers × 3 heads.
Attention local_attention(unsigned seed) {
  Attention a;
  a.layers = 2, a.heads = 3, a.tokens = tokens;
  std::mt19937 random(seed);
  std::normal_distribution<double> noise(0, 0.4);
  for (int l = 0; l < a.layers; ++l)
    for (int h = 0; h < a.heads; ++h)
      for (int i = 0; i < tokens; ++i) {
        std::vector<double> row(tokens);
        double sum = 0;
        for (int j = 0; j < tokens; ++j) {
          const int ri = (i - 1) / grid, ci = (i - 1) % grid, rj = (j - 1) / grid, cj = (j - 1) % grid;
          const double d2 = (i == 0 || j == 0) ? 2.0 : double((ri - rj) * (ri - rj) + (ci - cj) * (ci - cj));
          row[std::size_t(j)] = std::exp(-d2 / (1.0 + l + h) + noise(random));
          sum += row[std::size_t(j)];
        }
        for (double v : row) a.data.push_back(float(v / sum));
      }
  return a;
}

// An entry as the page makes it: the worker analyses the float32 tensor.
std::shared_ptr<WorkspaceEntry> entry_of(int id, unsigned seed, vitopo::AnalysisSettings settings = {}) {
  auto e = std::make_shared<WorkspaceEntry>();
  e->id = id;
  e->name = "image " + std::to_string(id);
  e->attention = local_attention(seed);
  const std::int64_t shape[] = {e->attention.layers, e->attention.heads, tokens, tokens};
  const auto tensor = vitopo::AttentionTensor::from_buffer(std::span<const float>(e->attention.data), shape);
  e->analysis = vitopo::analyze(tensor, settings);
  e->input.channels = 1, e->input.height = e->input.width = 8;
  e->input.pixels.assign(64, 0.5f);
  return e;
}

HeadFocus::Want want(int layer, int head, double epsilon = 0, BarSelection bar = {}) {
  return {layer, head, epsilon, bar, false};
}

bool same_bars(const vitopo::Persistence& a, const vitopo::Persistence& b) {
  if (a.barcodes.size() != b.barcodes.size()) return false;
  for (std::size_t d = 0; d < a.barcodes.size(); ++d) {
    const auto &x = a.barcodes[d].bars, &y = b.barcodes[d].bars;
    if (x.size() != y.size()) return false;
    for (std::size_t k = 0; k < x.size(); ++k)
      if (x[k].birth != y[k].birth || x[k].death != y[k].death || x[k].birth_simplex != y[k].birth_simplex ||
          x[k].death_simplex != y[k].death_simplex)
        return false;
  }
  return true;
}

// A state with one entry current, as the bridge leaves it.
AppState state_with(std::shared_ptr<WorkspaceEntry> entry) {
  AppState state;
  state.model.grid_rows = state.model.grid_cols = grid;
  state.model.cls = true;
  state.workspace.add(std::move(entry));
  on_current_entry_changed(state);
  return state;
}

}  // namespace

TEST_CASE("the views' per-head data is the worker's: its bars, and the matrix they came from") {
  const auto entry = entry_of(1, 7, {.maxdim = 1});
  HeadFocus focus;
  for (int l = 0; l < 2; ++l)
    for (int h = 0; h < 3; ++h) {
      CAPTURE(l);
      CAPTURE(h);
      const HeadDetails& d = focus.update(entry, grid, grid, true, want(l, h));
      REQUIRE(d.ready);
      // The very result the head grid draws, not a copy or a recomputation.
      CHECK(d.analysis == entry->analysis.find(l, h));
      // The distance matrix is the one the worker's analysis used: the
      // engine gives the same bars from it, simplices included.
      const std::int64_t shape[] = {2, 3, tokens, tokens};
      const auto tensor = vitopo::AttentionTensor::from_buffer(std::span<const float>(entry->attention.data), shape);
      const Eigen::MatrixXd worker = vitopo::head_distance_matrix(tensor, l, h, entry->analysis.settings);
      CHECK((d.distances.array() == worker.array()).all());
      const vitopo::Persistence again =
          vitopo::compute_persistence(vitopo::to_distance_matrix(d.distances), entry->analysis.settings.persistence_options());
      CHECK(same_bars(again, d.persistence()));
      CHECK(same_bars(entry->analysis.find(l, h)->persistence, d.persistence()));
    }
}

TEST_CASE("the views' grid of a model with two prefix tokens puts patch (r, c) at point 2 + r·cols + c") {
  vitopo::AnalysisSettings settings;
  // DeiT: CLS, a distillation token, then 14 × 14 patches: 198 points.
  const vitopo::PatchGrid deit = patch_grid(14, 14, true, settings, 198);
  CHECK(deit.points() == 198);
  CHECK_FALSE(deit.cell(1).has_value());
  CHECK(*deit.cell(2) == std::make_pair(0, 0));
  CHECK(*deit.cell(2 + 14 * 3 + 5) == std::make_pair(3, 5));
  // CLS dropped: the distillation token is point 0, patch (0, 0) point 1.
  settings.drop_cls = true;
  const vitopo::PatchGrid dropped = patch_grid(14, 14, true, settings, 197);
  CHECK_FALSE(dropped.cell(0).has_value());
  CHECK(*dropped.cell(1) == std::make_pair(0, 0));
  // CLS alone, as before.
  settings.drop_cls = false;
  CHECK(*patch_grid(14, 14, true, settings, 197).cell(1) == std::make_pair(0, 0));
}

TEST_CASE("a selected H1 bar's cycle is a cycle of edges born by the bar's birth") {
  const auto entry = entry_of(1, 3);
  HeadFocus focus;
  int checked = 0;
  for (int l = 0; l < 2; ++l)
    for (int h = 0; h < 3; ++h) {
      const auto& bars = entry->analysis.find(l, h)->persistence.barcodes.at(1).bars;
      for (int i = 0; i < int(bars.size()); ++i) {
        if (!std::isfinite(bars[std::size_t(i)].death)) continue;
        const HeadDetails& d = focus.update(entry, grid, grid, true, want(l, h, 0, {1, i}));
        REQUIRE(d.cycle_error.empty());
        REQUIRE(!d.cycle.empty());
        std::map<vitopo::index_t, int> degree;
        for (const auto& [u, v] : d.cycle) {
          ++degree[u], ++degree[v];
          CHECK(d.distances(u, v) <= bars[std::size_t(i)].birth);
        }
        for (const auto& [vertex, k] : degree) CHECK(k % 2 == 0);  // no boundary mod 2
        ++checked;
      }
    }
  CHECK(checked > 0);
}

TEST_CASE("two focuses show two heads of two images at once") {
  const auto a = entry_of(1, 1), b = entry_of(2, 2);
  HeadFocus on_a, on_b;
  const HeadDetails& da = on_a.update(a, grid, grid, true, want(0, 1));
  const HeadDetails& db = on_b.update(b, grid, grid, true, want(1, 2));
  CHECK(da.entry == 1);
  CHECK(db.entry == 2);
  CHECK(da.analysis == a->analysis.find(0, 1));
  CHECK(db.analysis == b->analysis.find(1, 2));
}

TEST_CASE("a new image clears the selected bar and keeps the head it has") {
  AppState state = state_with(entry_of(1, 1));
  apply(state, {.kind = IntentKind::SelectHead, .layer = 1, .head = 2});
  apply(state, {.kind = IntentKind::SelectBar, .bar = {1, 0}});
  REQUIRE(state.selection.bar == BarSelection{1, 0});
  state.workspace.add(entry_of(2, 2));
  on_current_entry_changed(state);
  CHECK(!state.selection.bar.valid());
  CHECK(state.selection.layer == 1);
  CHECK(state.selection.head == 2);
}

TEST_CASE("selecting another head clears the bar") {
  AppState state = state_with(entry_of(1, 1));
  apply(state, {.kind = IntentKind::SelectBar, .bar = {0, 3}});
  apply(state, {.kind = IntentKind::SelectHead, .layer = 0, .head = 1});
  CHECK(!state.selection.bar.valid());
  CHECK(state.selection.head == 1);
}

TEST_CASE("ε is the median finite H0 death unless the user set it, and a user's ε is kept on a new head") {
  AppState state = state_with(entry_of(1, 4));
  HeadFocus focus;
  std::uint64_t seen = 0;
  const HeadDetails& first = focus.update(state.workspace.current_shared(), grid, grid, true, want(0, 0));
  settle_scale(state, first, 0, seen);
  std::vector<double> deaths;
  for (const auto& bar : first.persistence().barcodes[0].bars)
    if (std::isfinite(bar.death)) deaths.push_back(bar.death);
  std::sort(deaths.begin(), deaths.end());
  CHECK(state.scale.epsilon == deaths[deaths.size() / 2]);
  CHECK(!state.scale.user_set);

  // Not set by the user: the next head gets its own default.
  const HeadDetails& second = focus.update(state.workspace.current_shared(), grid, grid, true, want(1, 2));
  settle_scale(state, second, 0, seen);
  CHECK(state.scale.epsilon == default_epsilon(second));

  // Set by the user (0 included): kept on the next head and on a new image.
  apply(state, {.kind = IntentKind::SetEpsilon, .epsilon = 0.0});
  const HeadDetails& third = focus.update(state.workspace.current_shared(), grid, grid, true, want(0, 1));
  settle_scale(state, third, 0, seen);
  CHECK(state.scale.epsilon == 0.0);
  CHECK(state.scale.user_set);
  state.workspace.add(entry_of(2, 9));
  on_current_entry_changed(state);
  const HeadDetails& fourth = focus.update(state.workspace.current_shared(), grid, grid, true, want(0, 1));
  settle_scale(state, fourth, 0, seen);
  CHECK(state.scale.epsilon == 0.0);

  // A user's ε beyond the new head's range gives way to the default.
  apply(state, {.kind = IntentKind::SetEpsilon, .epsilon = 1e9});
  const HeadDetails& fifth = focus.update(state.workspace.current_shared(), grid, grid, true, want(1, 0));
  settle_scale(state, fifth, 0, seen);
  CHECK(state.scale.epsilon == default_epsilon(fifth));
}

TEST_CASE("play sweeps ε up to the head's limit and stops there") {
  AppState state = state_with(entry_of(1, 4));
  HeadFocus focus;
  std::uint64_t seen = 0;
  const HeadDetails& head = focus.update(state.workspace.current_shared(), grid, grid, true, want(0, 0));
  settle_scale(state, head, 0, seen);
  apply(state, {.kind = IntentKind::SetEpsilon, .epsilon = 0.0});
  apply(state, {.kind = IntentKind::Play, .flag = true});
  settle_scale(state, head, state.scale.play_seconds / 2, seen);
  CHECK(state.scale.epsilon == doctest::Approx(head.scale_limit / 2));
  CHECK(state.scale.playing);
  settle_scale(state, head, state.scale.play_seconds, seen);
  CHECK(state.scale.epsilon == head.scale_limit);
  CHECK(!state.scale.playing);
}

TEST_CASE("every intent kind is handled: the app's change the state, the page's reach the outbox") {
  for (int k = 0; k < intent_kind_count; ++k) {
    AppState state = state_with(entry_of(1, 1));
    const Intent intent{.kind = IntentKind(k), .layer = 1, .head = 1, .bar = {0, 0}, .epsilon = 0.25, .flag = true, .token = 3};
    CAPTURE(k);
    CHECK_NOTHROW(apply(state, intent));
    if (is_page_intent(IntentKind(k))) {
      REQUIRE(state.outbox.size() == 1);
      CHECK(state.outbox[0].kind == IntentKind(k));
    } else {
      CHECK(state.outbox.empty());
    }
  }
  CHECK(std::string(page_intent_names[int(IntentKind::CopyShareLink) - first_page_intent]) == "copy-share-link");
}

TEST_CASE("an unknown intent is an error, not ignored") {
  AppState state;
  Intent intent;
  intent.kind = IntentKind(intent_kind_count + 3);
  CHECK_THROWS_AS(apply(state, intent), UnknownIntent);
}

TEST_CASE("the workspace holds entries side by side, one current") {
  Workspace w;
  w.add(entry_of(1, 1));
  w.add(entry_of(2, 2));
  CHECK(w.current()->id == 2);
  CHECK(w.entries().size() == 2);
  CHECK(w.make_current(1));
  CHECK(w.current()->id == 1);
  CHECK(!w.make_current(7));
  CHECK(w.remove(1));
  CHECK(w.current()->id == 2);
  CHECK(!w.remove(1));
  // bytes() counts at least the attention and the model input.
  CHECK(w.bytes() >= 2 * 3 * tokens * tokens * 4 + 64 * 4);
}

TEST_CASE("image B sits beside the current image and swaps with it") {
  Workspace w;
  w.add(entry_of(1, 1));
  w.add(entry_of(2, 2), true);
  CHECK(w.current()->id == 1);
  CHECK(w.image_b()->id == 2);
  CHECK(w.swap_images());
  CHECK(w.current()->id == 2);
  CHECK(w.image_b()->id == 1);
  CHECK(w.remove(1));
  CHECK(w.image_b() == nullptr);
  CHECK(!w.swap_images());
}

TEST_CASE("a comparison slot waits for its key, and takes only the answer to it") {
  AppState state = state_with(entry_of(1, 1));
  Intent ask{.kind = IntentKind::Compare};
  ask.slot = "map";
  ask.key = ask.request = R"({"by":"head","entryA":1,"layer":0,"type":"compare"})";
  apply(state, ask);
  REQUIRE(state.comparison("map"));
  CHECK(state.comparison("map")->pending);
  CHECK(state.comparison("map")->request["by"] == "head");
  REQUIRE(state.outbox.size() == 1);

  // The core's own JSON, read into numbers; null is +∞.
  const vitopo::Analysis& a = state.workspace.current()->analysis;
  const vitopo::Comparison c = vitopo::compare({vitopo::ComparisonBy::Head, 0, -1, 1, {}}, a);
  nlohmann::json answer = {{"comparison", vitopo::comparison_json(c)}};
  answer["comparison"]["matrix"][0][1] = nullptr;
  ComparisonResult& slot = state.comparisons["map"];
  read_comparison_result(answer, slot);
  CHECK(slot.ready);
  CHECK(!slot.pending);
  CHECK(slot.rows == std::vector<int>{0, 1, 2});
  CHECK(slot.at(2, 1) == c.matrix(2, 1));
  CHECK(std::isinf(slot.at(0, 1)));

  const vitopo::DiagramMatching m = vitopo::match_heads(a, 0, 0, a, 1, 2, 1, {});
  read_comparison_result({{"matching", vitopo::matching_json(m)}}, slot);
  CHECK(slot.distance == m.distance);
  CHECK(slot.pairs.size() == m.pairs.size());
  CHECK(slot.costs.size() == m.pairs.size());
  CHECK_THROWS_AS(read_comparison_result({{"other", 1}}, slot), std::invalid_argument);

  Intent cancel{.kind = IntentKind::CancelComparison};
  cancel.slot = "map";
  apply(state, ask);
  apply(state, cancel);
  CHECK(!state.comparison("map")->pending);
  CHECK(state.comparison("map")->error == "Cancelled.");
}

TEST_CASE("the layer profile is the core's summaries laid out by layer, with the mean over heads") {
  const auto e = entry_of(1, 4);
  const LayerProfile p = layer_profile(e->analysis, LayerQuantity::BettiAtEpsilon, 0, 0.05);
  REQUIRE(p.layers == std::vector<int>{0, 1});
  REQUIRE(p.heads == std::vector<int>{0, 1, 2});
  const vitopo::Barcode& h0 = e->analysis.find(1, 2)->persistence.barcodes[0];
  CHECK(p.value[1][2] == vitopo::betti_number(h0, 0.05));
  CHECK(p.mean[1] == doctest::Approx((p.value[1][0] + p.value[1][1] + p.value[1][2]) / 3));
  const LayerProfile t = layer_profile(e->analysis, LayerQuantity::TotalPersistence, 1, 0);
  CHECK(t.value[0][1] == vitopo::total_persistence(e->analysis.find(0, 1)->persistence.barcodes[1]));
  const LayerProfile bars = layer_profile(e->analysis, LayerQuantity::Bars, 1, 0);
  CHECK(bars.value[0][0] == double(e->analysis.find(0, 0)->persistence.barcodes[1].bars.size()));
}

TEST_CASE("play at another speed, and in a loop that starts again from 0") {
  AppState state = state_with(entry_of(1, 4));
  HeadFocus focus;
  std::uint64_t seen = 0;
  const HeadDetails& head = focus.update(state.workspace.current_shared(), grid, grid, true, want(0, 0));
  settle_scale(state, head, 0, seen);
  apply(state, {.kind = IntentKind::SetPlayback, .flag = true, .play_seconds = 12});
  CHECK(state.scale.play_seconds == 12);
  CHECK(state.scale.loop);
  apply(state, {.kind = IntentKind::SetEpsilon, .epsilon = 0.0});
  apply(state, {.kind = IntentKind::Play, .flag = true});
  settle_scale(state, head, 3, seen);  // a quarter of the sweep
  CHECK(state.scale.epsilon == doctest::Approx(head.scale_limit / 4));
  settle_scale(state, head, 12, seen);  // past the end: again from 0, still playing
  CHECK(state.scale.epsilon == 0);
  CHECK(state.scale.playing);
  apply(state, {.kind = IntentKind::SetPlayback, .flag = false, .play_seconds = -1});  // a bad speed is ignored
  CHECK(state.scale.play_seconds == 12);
  CHECK(!state.scale.loop);
}

TEST_CASE("the layer × head grid fits all 12 × 12 heads of a ViT-B in its panel at 1280 × 720, labels unclipped") {
  // The panel main.cpp gives the grid at 1280 × 720 with the 15 px font: 346 × 239,
  // whose content region under the title bar and the summary menu is about
  // 326 × 171; label column "L11" + 8, label row one line + 4, "h11" 21 px wide.
  const float avail_w = 326, avail_h = 171, label_w = 31, label_h = 21, head_label_w = 21, line_h = 17;
  const HeadGridLayout g = head_grid_layout(avail_w, avail_h, label_w, label_h, head_label_w, line_h, 12, 12);
  CHECK(label_w + 12 * g.cell_w <= avail_w);
  CHECK(label_h + 12 * g.cell_h <= avail_h);
  CHECK(g.cell_h >= 12);  // large enough to click
  CHECK(g.head_label_every == 1);  // every head labelled: h0 … h11 fit their cells
  CHECK(g.head_label_every * g.cell_w >= head_label_w + 2);
  CHECK(g.layer_label_every * g.cell_h >= line_h);
  // Any model and any panel: every cell inside, labels never wider than the cells they name.
  for (int n : {1, 4, 12, 16, 24, 48, 96})
    for (float w : {60.0f, 200.0f, 326.0f, 900.0f})
      for (float h : {40.0f, 171.0f, 500.0f}) {
        CAPTURE(n);
        CAPTURE(w);
        CAPTURE(h);
        const HeadGridLayout k = head_grid_layout(w, h, label_w, label_h, head_label_w, line_h, n, n);
        if (w - label_w >= n && h - label_h >= n) {  // room for 1 px cells
          CHECK(label_w + n * k.cell_w <= w + 1e-3f);
          CHECK(label_h + n * k.cell_h <= h + 1e-3f);
        }
        CHECK(k.cell_w <= 2 * k.cell_h + 1e-3f);
        CHECK(k.cell_h <= 2 * k.cell_w + 1e-3f);
        CHECK((k.head_label_every * k.cell_w >= head_label_w + 2 || k.head_label_every == 64));
        CHECK((k.layer_label_every * k.cell_h >= line_h || k.layer_label_every == 64));
      }
}

TEST_CASE("a streaming analysis is shown as its heads arrive, in order; a drop shows the current entry as it was") {
  AppState state = state_with(entry_of(1, 1));
  apply(state, {.kind = IntentKind::SelectHead, .layer = 1, .head = 0});
  apply(state, {.kind = IntentKind::SelectBar, .bar = {0, 2}});
  const auto whole = entry_of(2, 2);  // what the worker will have analysed
  auto partial = std::make_shared<WorkspaceEntry>(*whole);
  partial->analysis.results.clear();
  begin_partial(state, partial);
  CHECK(state.shown_entry() == partial);
  CHECK(!state.selection.bar.valid());
  // The selected head is not there yet: the views say so, and work it out once it arrives.
  HeadFocus focus;
  const HeadDetails& waiting = focus.update(state.shown_entry(), grid, grid, true, want(1, 0));
  CHECK(!waiting.ready);
  CHECK(waiting.error == "layer 1, head 0 is still being analysed");
  const auto part = [&](std::size_t from, std::size_t to) {
    vitopo::Analysis a = whole->analysis;
    a.results.assign(whole->analysis.results.begin() + std::ptrdiff_t(from), whole->analysis.results.begin() + std::ptrdiff_t(to));
    return a;
  };
  add_partial_heads(state, part(0, 2));
  const vitopo::HeadAnalysis* first = &partial->analysis.results[0];
  add_partial_heads(state, part(2, 4));
  CHECK(&partial->analysis.results[0] == first);  // heads shown never move
  const HeadDetails& arrived = focus.update(state.shown_entry(), grid, grid, true, want(1, 0));
  REQUIRE(arrived.ready);
  CHECK(arrived.analysis == partial->analysis.find(1, 0));
  CHECK(same_bars(arrived.persistence(), whole->analysis.find(1, 0)->persistence));
  // Heads out of order, of another analysis, or once nothing streams are refused.
  CHECK_THROWS_AS(add_partial_heads(state, part(1, 2)), std::invalid_argument);
  vitopo::Analysis other = part(4, 5);
  other.settings.metric = vitopo::Metric::Hellinger;
  CHECK_THROWS_AS(add_partial_heads(state, other), std::invalid_argument);
  note_frame_drawn(state, partial.get(), 1234.5);
  CHECK(state.partial.drawn_heads == 4);
  CHECK(state.partial.first_drawn_ms == 1234.5);
  // Dropped: the current entry again, with its bar.
  CHECK(drop_partial(state));
  CHECK(state.shown_entry()->id == 1);
  CHECK(state.selection.bar == BarSelection{0, 2});
  CHECK(!drop_partial(state));
  CHECK_THROWS_AS(add_partial_heads(state, part(4, 5)), std::invalid_argument);
}
