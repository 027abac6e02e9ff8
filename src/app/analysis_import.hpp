// The core's analysis as the app's plain Analysis (diagrams and summaries).
// The bridge uses it for the worker's result; main.cpp's developer demo too.
#pragma once

#include <string>

#include "app_state.hpp"
#include "core/analysis.hpp"

namespace vitopo::app {

AnalysisSettings app_settings(const vitopo::AnalysisSettings& settings);

// Throws std::out_of_range for a head outside the analysis' shape.
Analysis import_analysis(const vitopo::Analysis& analysis, std::string json = {});

}  // namespace vitopo::app
