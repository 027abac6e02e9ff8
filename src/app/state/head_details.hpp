// One head of a workspace entry, as the views draw it: the worker's
// persistence of that head (its bars, birth and death simplices, as the head
// grid shows them: never recomputed), and what only drawing needs, worked
// out by the core on demand from the same attention and settings: the
// distance matrix, the layouts, the skeleton at ε and the representative
// cycle of the selected bar.
//
// A HeadFocus belongs to whoever shows the head (the views of image A, those
// of image B): there is no shared cache, so two can show different heads.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/state/intents.hpp"
#include "app/state/workspace.hpp"
#include "core/layout.hpp"
#include "core/persistence.hpp"
#include "core/skeleton.hpp"
#include "core/triangles.hpp"

namespace vitopo::app {

struct HeadDetails {
  std::uint64_t revision = 0;  // bumped each time another head (or entry) is worked out
  bool ready = false;          // false: nothing to show, or `error`
  std::string error;           // why the head cannot be shown
  bool pending = false;        // the head is still being analysed: `error` says so, and it is not a fault
  int entry = 0;               // the workspace entry's id
  int layer = -1, head = -1;
  vitopo::AnalysisSettings settings;           // the settings of the entry's analysis
  const vitopo::HeadAnalysis* analysis = nullptr;  // the worker's result for this head

  // Points of the distance matrix: tokens, or tokens without CLS.
  int points = 0;
  int first_token = 0;         // token of point 0 (1 when CLS is dropped)
  vitopo::PatchGrid grid;      // where each point sits on the image
  Eigen::MatrixXd distances;   // points × points
  std::vector<float> distances_f;  // the same, row-major float, for the heatmap
  double largest_distance = 0;
  double scale_limit = 0;      // the ε range the sliders offer

  vitopo::Layout grid_layout;  // patch centres, CLS above
  vitopo::Layout mds;

  double skeleton_epsilon = -1;
  vitopo::Skeleton skeleton;   // at skeleton_epsilon

  double force_epsilon = -1;
  vitopo::Layout force;        // at force_epsilon (only when asked for)

  double triangles_epsilon = -1;
  vitopo::Triangles triangles;  // the 2-simplices at triangles_epsilon (only when asked for)

  BarSelection cycle_bar;
  std::vector<vitopo::Edge> cycle;  // representative cycle of cycle_bar (finite H1 bars only)
  std::string cycle_error;

  const vitopo::Persistence& persistence() const;
  int token_of_point(int point) const { return point < 0 ? -1 : point + first_token; }
  int point_of_token(int token) const {
    const int p = token - first_token;
    return p >= 0 && p < points ? p : -1;
  }
  const vitopo::Bar* bar(const BarSelection& b) const;
};

// The core's grid of a model: its patch grid with CLS when the model has one
// and the settings keep it.
vitopo::PatchGrid patch_grid(int rows, int cols, bool model_cls, const vitopo::AnalysisSettings& settings,
                             int points);

class HeadFocus {
 public:
  struct Want {
    int layer = 0, head = 0;
    double epsilon = 0;
    BarSelection bar;
    bool force_layout = false;  // the costly one: only when a view shows it
    bool triangles = false;     // the filled triangles, when a view shows them
  };
  // Brings the details up to date with `entry` (may be null: nothing shown)
  // and returns them. Grid geometry comes from the model: rows, cols, CLS.
  const HeadDetails& update(std::shared_ptr<const WorkspaceEntry> entry, int grid_rows, int grid_cols, bool model_cls,
                            const Want& want);
  const HeadDetails& details() const { return details_; }

 private:
  void work_out(const WorkspaceEntry& entry, int grid_rows, int grid_cols, bool model_cls, int layer, int head);
  std::shared_ptr<const WorkspaceEntry> entry_;  // keeps the entry alive while shown
  std::size_t entry_heads_ = 0;  // heads of entry_ when worked out: a streaming entry gains heads
  HeadDetails details_;
};

}  // namespace vitopo::app
