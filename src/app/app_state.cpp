#include "app_state.hpp"

namespace vitopo::app {

AppState& app_state() {
  static AppState state;
  return state;
}

}  // namespace vitopo::app
