// The 1-skeleton at ε and the layouts that draw it.
#include <doctest/doctest.h>

#include <cmath>

#include "core/layout.hpp"
#include "core/skeleton.hpp"
#include "core/triangles.hpp"

using namespace vitopo;

namespace {

// CLS + a 2×2 grid of patches; patches 1,2 are close, 3,4 are close, CLS is far.
Eigen::MatrixXd five_points() {
  Eigen::MatrixXd D(5, 5);
  D << 0, 9, 9, 9, 9,  //
      9, 0, 1, 5, 6,   //
      9, 1, 0, 6, 5,   //
      9, 5, 6, 0, 2,   //
      9, 6, 5, 2, 0;
  return D;
}

}  // namespace

TEST_CASE("patch grid: CLS is off the grid, patch (r, c) is point 1 + r·cols + c") {
  const PatchGrid grid = PatchGrid::square(5, true);
  CHECK(grid.rows == 2);
  CHECK(grid.cols == 2);
  CHECK_FALSE(grid.cell(0).has_value());
  CHECK(*grid.cell(3) == std::make_pair(1, 0));
  const PatchGrid without_cls = PatchGrid::square(4, false);
  CHECK(*without_cls.cell(3) == std::make_pair(1, 1));
  CHECK_THROWS_AS(PatchGrid::square(6, true), std::invalid_argument);
}

TEST_CASE("patch grid with two prefix tokens (CLS, distillation): patch (r, c) is point 2 + r·cols + c") {
  const PatchGrid grid{2, 2, true, 1};
  CHECK(grid.points() == 6);
  CHECK_FALSE(grid.cell(0).has_value());
  CHECK_FALSE(grid.cell(1).has_value());
  CHECK(*grid.cell(2) == std::make_pair(0, 0));
  CHECK(*grid.cell(5) == std::make_pair(1, 1));
  CHECK_FALSE(grid.cell(6).has_value());
  const Layout layout = patch_grid_layout(grid);
  CHECK(layout(0, 1) == -1.0);  // both prefix tokens above the grid, side by side
  CHECK(layout(1, 1) == -1.0);
  CHECK(layout(0, 0) == 0.5);
  CHECK(layout(1, 0) == 1.5);
  CHECK(layout(2, 0) == 0.5);  // patch (0, 0)
  CHECK(layout(5, 1) == 1.5);  // patch (1, 1)
  const Skeleton s = skeleton_at(Eigen::MatrixXd::Zero(6, 6), 1, grid);
  REQUIRE(s.components.size() == 1);
  CHECK(s.components[0].has_cls);
  CHECK(s.components[0].cells == std::vector<std::pair<int, int>>{{0, 0}, {0, 1}, {1, 0}, {1, 1}});
}

TEST_CASE("skeleton at ε: edges with d <= ε and their components on the grid") {
  const PatchGrid grid = PatchGrid::square(5, true);
  const Skeleton s = skeleton_at(five_points(), 2, grid);
  CHECK(s.edges == std::vector<std::pair<int, int>>{{1, 2}, {3, 4}});
  REQUIRE(s.components.size() == 3);
  CHECK(s.components[0].points == std::vector<int>{0});
  CHECK(s.components[0].has_cls);
  CHECK(s.components[1].points == std::vector<int>{1, 2});
  CHECK(s.components[1].cells == std::vector<std::pair<int, int>>{{0, 0}, {0, 1}});
  CHECK(s.components[2].cells == std::vector<std::pair<int, int>>{{1, 0}, {1, 1}});
  CHECK(s.component_of == std::vector<int>{0, 1, 1, 2, 2});
  CHECK(skeleton_at(five_points(), 5, grid).components.size() == 2);
  CHECK(skeleton_at(five_points(), 9, grid).components.size() == 1);
  CHECK(skeleton_at(five_points(), 0.5, grid).edges.empty());
}

TEST_CASE("patch-grid layout puts patches at cell centres and CLS above the grid") {
  const Layout layout = patch_grid_layout(PatchGrid::square(5, true));
  CHECK(layout(0, 0) == 1.0);
  CHECK(layout(0, 1) == -1.0);
  CHECK(layout(4, 0) == 1.5);  // patch (1, 1)
  CHECK(layout(4, 1) == 1.5);
}

TEST_CASE("classical MDS recovers a planar point set up to isometry") {
  const double points[6][2] = {{0, 0}, {3, 0}, {0, 4}, {1, 1}, {-2, 1}, {2, -3}};
  Eigen::MatrixXd D(6, 6);
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 6; ++j) D(i, j) = std::hypot(points[i][0] - points[j][0], points[i][1] - points[j][1]);
  const Layout layout = mds_layout(D);
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 6; ++j) CHECK((layout.row(i) - layout.row(j)).norm() == doctest::Approx(D(i, j)).epsilon(1e-9));
}

TEST_CASE("the force layout is deterministic and keeps skeleton neighbours closer than strangers") {
  const Layout a = force_layout(five_points(), 2);
  const Layout b = force_layout(five_points(), 2);
  CHECK(a == b);
  CHECK(a.allFinite());
  const double near = (a.row(1) - a.row(2)).norm(), far = (a.row(1) - a.row(4)).norm();
  CHECK(near < far);
  CHECK(force_layout(five_points(), 2, mds_layout(five_points())) == a);  // the app passes its cached MDS start
  CHECK_THROWS_AS(force_layout(five_points(), 2, Layout::Zero(4, 2)), std::invalid_argument);
}

TEST_CASE("triangles at ε: the 2-simplices, d <= ε on all three sides, counted before they are listed") {
  // five_points(): {1, 2} at 1, {3, 4} at 2, 1–3 and 2–4 at 5, 1–4 and 2–3 at 6, CLS at 9.
  const Eigen::MatrixXd D = five_points();
  CHECK(triangles_at(D, 4.9).count == 0);  // only two edges
  const Triangles five = triangles_at(D, 5);  // edges 12, 34, 13, 24: a square, no triangle
  CHECK(five.count == 0);
  const Triangles six = triangles_at(D, 6);  // all of 1..4: C(4, 3) = 4 triangles
  CHECK(six.count == 4);
  CHECK(six.list == std::vector<std::array<int, 3>>{{1, 2, 3}, {1, 2, 4}, {1, 3, 4}, {2, 3, 4}});
  const Triangles all = triangles_at(D, 9);
  CHECK(all.count == 10);  // C(5, 3)
  const Triangles over = triangles_at(D, 9, 9);
  CHECK(over.over_budget);
  CHECK(over.count == 10);
  CHECK(over.list.empty());
  // 197 tokens all within ε (a ViT-B/16 head, CLS with 14 × 14 patches): C(197, 3), over the default budget.
  const Triangles many = triangles_at(Eigen::MatrixXd::Zero(197, 197), 0);
  CHECK(many.count == 197ull * 196 * 195 / 6);
  CHECK(many.over_budget);
  CHECK(many.list.empty());
  CHECK_THROWS_AS(triangles_at(Eigen::MatrixXd::Zero(3, 4), 1), std::invalid_argument);
}
