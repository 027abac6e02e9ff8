// The views' copy of a series (src/app/state/series.hpp): read from the
// page's vitopo.series/1, null distances and +∞ kept apart, bad input refused.
#include <doctest/doctest.h>

#include <cmath>

#include "app/state/app_state.hpp"
#include "app/state/series.hpp"

using namespace vitopo::app;

TEST_CASE("a vitopo.series/1 object is read frame by frame; null is +∞, no distances is NaN") {
  const auto json = nlohmann::json::parse(R"({"schema": "vitopo.series/1", "kind": "frames", "frames": [
    {"name": "a.png", "prediction": {"index": 3, "probability": 0.5}, "distances": null},
    {"name": "b.png", "prediction": {"index": 4, "probability": 0.25}, "distances": [[1, 2, 3], [null, 0, 6]]}]})");
  SeriesData s;
  s.shown = 1;
  read_series(json, s);
  CHECK(s.kind == "frames");
  CHECK(s.frames.size() == 2);
  CHECK((s.layers == 2 && s.heads == 3));
  CHECK(s.shown == -1);
  CHECK(std::isnan(s.distance(0, 0, 0)));
  CHECK(s.distance(1, 0, 2) == 3);
  CHECK(std::isinf(s.distance(1, 1, 0)));
  CHECK(s.layer_mean(1, 0) == 2);
  CHECK(std::isinf(s.layer_mean(1, 1)));
  CHECK(s.frames[1].prediction == 4);
  CHECK(s.frames[1].probability == 0.25);
}

TEST_CASE("occlusion frames keep their patch; a bad series leaves the old one") {
  SeriesData s;
  read_series(nlohmann::json::parse(R"({"schema": "vitopo.series/1", "kind": "perturbation", "perturbation": "occlusion",
    "frames": [{"patch": [2, 5], "prediction": {"index": 0, "probability": 1}, "distances": [[0.5]]}]})"), s);
  CHECK(s.occlusion());
  CHECK((s.frames[0].row == 2 && s.frames[0].column == 5));
  CHECK_THROWS_AS(read_series(nlohmann::json::parse(R"({"schema": "vitopo.comparison/1", "frames": []})"), s), std::invalid_argument);
  CHECK_THROWS_AS(read_series(nlohmann::json::parse(R"({"schema": "vitopo.series/1", "kind": "frames", "frames": [
    {"prediction": {"index": 0, "probability": 1}, "distances": [[1, 2], [3]]}]})"), s), std::invalid_argument);
  CHECK(s.frames.size() == 1);
  CHECK(s.occlusion());
}

TEST_CASE("the series' intents go to the page") {
  AppState state;
  apply(state, {.kind = IntentKind::ShowFrame, .flag = true, .frame = 4});
  REQUIRE(state.outbox.size() == 1);
  CHECK(state.outbox[0].frame == 4);
  CHECK(std::string(page_intent_names[int(IntentKind::ShowFrame) - first_page_intent]) == "show-frame");
  CHECK(std::string(arrangement_names[int(Arrangement::Series)]) == "Series");
}
