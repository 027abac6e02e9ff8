// The view contract. A view draws one panel from what it is given, as const,
// and says what the user asked for by raising intents: it cannot write the
// state, and it computes no science (the worker's analysis and the head's
// details come in ready). What a view remembers between frames (a drag, a
// texture, a chosen layout) lives in its own instance, so the same view can
// be shown twice: for image A and image B, or for two heads.
#pragma once

#include <string>

#include "app/state/app_state.hpp"

namespace vitopo::app {

struct ViewInput {
  const AppState& state;
  const WorkspaceEntry* entry;  // the analysis this instance shows; null when there is none
  const HeadDetails& head;      // its selected head
};

class View {
 public:
  // `title` names the panel; two instances need two titles ("Barcode", "Barcode · B").
  explicit View(std::string title) : title_(std::move(title)) {}
  virtual ~View() = default;
  virtual void show(const ViewInput& in, Intents& out) = 0;
  // Whether this view draws the force layout this frame (the costly one).
  virtual bool wants_force_layout() const { return false; }
  // Whether this view draws the triangles at ε this frame.
  virtual bool wants_triangles() const { return false; }
  const std::string& title() const { return title_; }

 private:
  std::string title_;
};

}  // namespace vitopo::app
