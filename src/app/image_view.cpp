#include "image_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <vector>

#include "palette.hpp"
#include "panels.hpp"
#include "render/heatmap.hpp"
#include "render/image_texture.hpp"
#include "render/line_batch.hpp"

namespace vitopo::app {

void ImageView::upload(const WorkspaceEntry& entry) {
  if (uploaded_ == &entry && uploaded_workspace_ == std::uint64_t(entry.id)) return;
  uploaded_ = &entry;
  uploaded_workspace_ = std::uint64_t(entry.id);
  const ModelInput& image = entry.input;
  if (!image.empty()) {
    const std::size_t plane = std::size_t(image.width) * std::size_t(image.height);
    std::vector<std::uint8_t> rgba(plane * 4);
    for (std::size_t i = 0; i < plane; ++i) {
      for (int k = 0; k < 3; ++k) {
        const float v = image.channels >= 3 ? image.pixels[std::size_t(k) * plane + i] : image.pixels[i];
        rgba[4 * i + std::size_t(k)] = std::uint8_t(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f));
      }
      rgba[4 * i + 3] = 255;
    }
    model_image_.set_rgba(rgba.data(), image.width, image.height, false);
  }
  if (image.original_width > 0 && image.original_height > 0 &&
      image.original_rgba.size() >= std::size_t(image.original_width) * std::size_t(image.original_height) * 4)
    original_image_.set_rgba(image.original_rgba.data(), image.original_width, image.original_height, true);
  else
    original_image_.clear();
}

namespace {

// The prediction line: class, probability bar, and whether it matches a sample's label.
void show_prediction(const AppState& state, const WorkspaceEntry& entry) {
  const Prediction& p = entry.prediction;
  if (p.label < 0) return;
  const auto& labels = state.model.labels;
  const std::string name = p.label < int(labels.size()) ? labels[std::size_t(p.label)] : "class " + std::to_string(p.label);
  ImGui::TextDisabled("Predicted");
  ImGui::SameLine();
  ImGui::TextUnformatted(name.c_str());
  ImGui::SameLine();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colours::accent), "%.1f %%", p.probability * 100);
  // A thin bar under nothing else: the probability at a glance.
  ImGui::SameLine();
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const float bar_w = 70, line = ImGui::GetTextLineHeight();
  ImDrawList* list = ImGui::GetWindowDrawList();
  list->AddRectFilled(ImVec2(at.x, at.y + line * 0.5f - 2), ImVec2(at.x + bar_w, at.y + line * 0.5f + 2), IM_COL32(255, 255, 255, 30), 2);
  list->AddRectFilled(ImVec2(at.x, at.y + line * 0.5f - 2), ImVec2(at.x + bar_w * float(std::clamp(p.probability, 0.0, 1.0)), at.y + line * 0.5f + 2),
                      colours::accent, 2);
  ImGui::Dummy(ImVec2(bar_w, line));
  if (entry.sample_label >= 0) {
    ImGui::SameLine();
    const bool right = entry.sample_label == p.label;
    const std::string truth = entry.sample_label < int(labels.size()) ? labels[std::size_t(entry.sample_label)] : "?";
    const std::string text = right ? "= label" : "label: " + truth;
    // On its own line when the panel is too narrow for it.
    if (ImGui::CalcTextSize(text.c_str()).x > ImGui::GetContentRegionAvail().x) ImGui::NewLine();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(right ? IM_COL32(46, 204, 143, 255) : colours::error), "%s",
                       text.c_str());
  }
}

}  // namespace

void ImageView::show(const ViewInput& in, Intents& out) {
  const AppState& state = in.state;
  // The panel names the image; "###" keeps the window's identity.
  const std::string name = in.entry ? in.entry->name : std::string();
  const std::string window = (name.empty() ? title() : title() + " · " + name) + "###" + title();
  ImGui::Begin(window.c_str(), nullptr, panel_flags);
  const vitopo::ModelSpec& model = state.model;
  if (!in.entry || in.entry->input.empty() || model.grid_rows <= 0 || model.grid_cols <= 0) {
    centred_note("no image loaded\n\nopen an image, drop one on the page, or pick a sample");
    ImGui::End();
    return;
  }
  const WorkspaceEntry& entry = *in.entry;
  const ModelInput& image = entry.input;
  upload(entry);
  const HeadDetails& head = in.head;
  render::ImageTexture& model_image = model_image_;
  render::ImageTexture& original_image = original_image_;
  render::LineBatch& skeleton_lines = skeleton_lines_;
  render::LineBatch& highlight_lines = highlight_lines_;

  ImGui::Checkbox("skeleton", &show_skeleton_);
  ImGui::SameLine();
  ImGui::Checkbox("grid", &show_grid_);
  const bool show_skeleton = show_skeleton_, show_grid = show_grid_;

  // What the model saw, as large as fits, labelled, with the image as loaded
  // beside it; room for the prediction line below.
  const float footer = ImGui::GetFrameHeightWithSpacing() + 8;
  const float label_h = ImGui::GetTextLineHeightWithSpacing();
  ImVec2 avail = ImGui::GetContentRegionAvail();
  avail.y -= footer + label_h;
  const ImVec2 cursor = ImGui::GetCursorScreenPos();
  const float gap = 10;
  const bool beside = !original_image.empty();
  // The original's share of the model image's width: equal when the panel is
  // twice as wide as high, down to 40 % in a tall panel.
  const float share = beside ? std::clamp(avail.x / std::max(avail.y, 1.0f) - 1.0f, 0.4f, 1.0f) : 0.0f;
  const ImVec2 box(beside ? (avail.x - gap) / (1 + share) : avail.x, std::max(avail.y, 10.0f));
  const float aspect = float(image.width) / float(image.height);
  float w = box.x, h = box.x / aspect;
  if (h > box.y) {
    h = box.y;
    w = h * aspect;
  }
  const float left = beside ? cursor.x + (avail.x - w - gap - share * w) * 0.5f : cursor.x + (avail.x - w) * 0.5f;
  const ImVec2 min(std::max(cursor.x, left), cursor.y + label_h);
  const ImVec2 max(min.x + w, min.y + h);
  ImDrawList* list = ImGui::GetWindowDrawList();
  // The labels, each over its image, in the longest form that fits.
  const auto label = [&](ImVec2 at, float width, std::initializer_list<std::string> forms) {
    const std::string* chosen = std::data(forms) + forms.size() - 1;  // the shortest, clipped if it must be
    for (const std::string& f : forms)
      if (ImGui::CalcTextSize(f.c_str()).x <= width) {
        chosen = &f;
        break;
      }
    list->PushClipRect(at, ImVec2(at.x + width, at.y + label_h), true);
    list->AddText(at, colours::text_dim, chosen->c_str());
    list->PopClipRect();
  };
  const std::string channels = image.channels == 1 ? std::to_string(image.width) + " x " + std::to_string(image.height) + " grayscale"
                                                   : std::to_string(image.channels) + " x " + std::to_string(image.height) + " x " +
                                                         std::to_string(image.width);
  label(ImVec2(min.x, cursor.y), w, {"What the model saw: " + channels, "Model saw " + channels, "Model input"});
  list->AddRectFilled(min, max, colours::plot);
  list->AddImage(model_image.id(), min, max);
  if (beside) {
    // The original keeps its own aspect inside a box of the model image's height.
    const float box_w = share * w, oa = float(original_image.width()) / float(original_image.height());
    float ow = box_w, oh = box_w / oa;
    if (oh > h) oh = h, ow = h * oa;
    const ImVec2 omin(max.x + gap, min.y), omax(omin.x + ow, omin.y + oh);
    label(ImVec2(omin.x, cursor.y), std::max(box_w, ow), {"Original", "Orig."});
    list->AddImage(original_image.id(), omin, omax);
    ImGui::SetCursorScreenPos(omin);
    ImGui::InvisibleButton("original", ImVec2(std::max(ow, 1.0f), std::max(oh, 1.0f)));
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("the image as loaded (%d x %d), before the model's resizing", image.original_width, image.original_height);
  }

  const int rows = model.grid_rows, cols = model.grid_cols;
  const float cell_w = w / float(cols), cell_h = h / float(rows);
  auto centre = [&](int row, int col) { return ImVec2(min.x + (col + 0.5f) * cell_w, min.y + (row + 0.5f) * cell_h); };

  // Hover: the patch under the mouse becomes the hovered token.
  ImGui::SetCursorScreenPos(min);
  ImGui::InvisibleButton("image", ImVec2(std::max(w, 1.0f), std::max(h, 1.0f)));
  const bool hovered = ImGui::IsItemHovered();
  if (hovered) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const int col = int(std::floor((m.x - min.x) / cell_w)), row = int(std::floor((m.y - min.y) / cell_h));
    out.raise({.kind = IntentKind::Hover, .token = token_of_patch(model, row, col)});
  }

  // The attention of the hovered token over the patch grid.
  const int token = state.selection.hovered_token;
  const Attention& attention = entry.attention;
  if (token >= 0 && !attention.empty() && token < attention.tokens && state.selection.layer < attention.layers &&
      state.selection.head < attention.heads && model.tokens == attention.tokens) {
    const auto row = attention.row(state.selection.layer, state.selection.head, token);
    std::vector<float> cells(std::size_t(rows) * std::size_t(cols));
    float high = 0;
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c) {
        const float a = row[std::size_t(token_of_patch(model, r, c))];
        cells[std::size_t(r) * std::size_t(cols) + std::size_t(c)] = a;
        high = std::max(high, a);
      }
    attention_overlay_.set_values(cells.data(), rows, cols);
    attention_overlay_.draw(list, min, max, 0, high > 0 ? high : 1, 0.85f, true);
  }

  if (show_grid) {
    for (int c = 1; c < cols; ++c) list->AddLine(ImVec2(min.x + c * cell_w, min.y), ImVec2(min.x + c * cell_w, max.y), IM_COL32(255, 255, 255, 28));
    for (int r = 1; r < rows; ++r) list->AddLine(ImVec2(min.x, min.y + r * cell_h), ImVec2(max.x, min.y + r * cell_h), IM_COL32(255, 255, 255, 28));
  }

  if (head.ready && show_skeleton) {
    const vitopo::Skeleton& skeleton = head.skeleton;
    auto point_centre = [&](int point, ImVec2& out) {
      const auto cell = head.grid.cell(point);
      if (!cell) return false;
      out = centre(cell->first, cell->second);
      return true;
    };
    // Components of more than one point tint their cells.
    for (std::size_t k = 0; k < skeleton.components.size(); ++k) {
      const auto& component = skeleton.components[k];
      if (component.points.size() < 2) continue;
      for (const auto& [r, c] : component.cells)
        list->AddRectFilled(ImVec2(min.x + c * cell_w, min.y + r * cell_h), ImVec2(min.x + (c + 1) * cell_w, min.y + (r + 1) * cell_h),
                            component_colour(int(k), 0.10f));
    }
    const float line = std::clamp(cell_w * 0.04f, 1.0f, 2.0f);
    for (const auto& [i, j] : skeleton.edges) {
      ImVec2 a, b;
      if (!point_centre(i, a) || !point_centre(j, b)) continue;  // CLS has no cell
      skeleton_lines.add(a, b, component_colour_vec(skeleton.component_of[std::size_t(i)], 0.5f), line);
    }
    skeleton_lines.flush(list);
    const float dot = std::clamp(cell_w * 0.12f, 1.5f, 5.0f);
    for (int p = 0; p < head.points; ++p) {
      ImVec2 c;
      if (!point_centre(p, c)) continue;
      const int k = skeleton.component_of[std::size_t(p)];
      const bool alone = skeleton.components[std::size_t(k)].points.size() < 2;
      list->AddCircleFilled(c, alone ? dot * 0.6f : dot, alone ? IM_COL32(200, 205, 215, 110) : component_colour(k));
    }
  }

  // The selected bar: its simplices and, for H1, its representative cycle.
  if (head.ready) {
    if (const vitopo::Bar* bar = head.bar(state.selection.bar)) {
      auto point_centre = [&](vitopo::index_t point, ImVec2& out) {
        const auto cell = head.grid.cell(int(point));
        if (!cell) return false;
        out = centre(cell->first, cell->second);
        return true;
      };
      const float width = std::clamp(cell_w * 0.1f, 2.0f, 4.0f);
      const ImVec4 pink = ImGui::ColorConvertU32ToFloat4(colours::highlight);
      for (const auto& [u, v] : head.cycle) {
        ImVec2 a, b;
        if (point_centre(u, a) && point_centre(v, b)) highlight_lines.add(a, b, pink, width);
      }
      const ImVec4 gold = ImGui::ColorConvertU32ToFloat4(colours::epsilon);
      for (const auto* simplex : {&bar->birth_simplex, &bar->death_simplex})
        for (std::size_t i = 0; i < simplex->size(); ++i)
          for (std::size_t j = i + 1; j < simplex->size(); ++j) {
            ImVec2 a, b;
            if (point_centre((*simplex)[i], a) && point_centre((*simplex)[j], b)) highlight_lines.add(a, b, gold, width * 0.7f);
          }
      highlight_lines.flush(list);
      for (const auto* simplex : {&bar->birth_simplex, &bar->death_simplex})
        for (vitopo::index_t p : *simplex) {
          ImVec2 c;
          if (point_centre(p, c)) list->AddCircle(c, std::max(4.0f, cell_w * 0.22f), colours::epsilon, 0, 2);
        }
    }
  }

  // The hovered token, whichever view it is hovered in.
  const auto [hr, hc] = patch_of_token(model, state.selection.hovered_token);
  if (hr >= 0)
    list->AddRect(ImVec2(min.x + hc * cell_w, min.y + hr * cell_h), ImVec2(min.x + (hc + 1) * cell_w, min.y + (hr + 1) * cell_h),
                  IM_COL32(255, 255, 255, 230), 0, 0, 2);
  if (hovered && hr >= 0) {
    ImGui::BeginTooltip();
    ImGui::Text("patch (%d, %d) · token %d", hr, hc, state.selection.hovered_token);
    ImGui::TextDisabled("colour: its attention over the grid, layer %d head %d", state.selection.layer, state.selection.head);
    ImGui::EndTooltip();
  }

  ImGui::SetCursorScreenPos(ImVec2(cursor.x, max.y + 6));
  ImGui::BeginGroup();
  show_prediction(state, entry);
  ImGui::EndGroup();
  // The model behind the prediction, on demand: the panel's height belongs to the image.
  if (!model.name.empty() && ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::Text("model %s", model.name.c_str());
    if (model.test_accuracy)
      ImGui::TextDisabled("%.1f %% test accuracy on %s", *model.test_accuracy * 100, model.dataset.empty() ? "its test set" : model.dataset.c_str());
    const std::string prefix = model.prefix_tokens == 0 ? std::string()
                               : model.prefix_tokens == 1 && model.cls ? std::string(" + CLS")
                               : " + " + std::to_string(model.prefix_tokens) + " prefix tokens";
    ImGui::TextDisabled("%d × %d input, %d × %d patches of %d px%s", model.input.width, model.input.height, model.grid_rows, model.grid_cols,
                        model.patch, prefix.c_str());
    ImGui::EndTooltip();
  }
  if (!head.ready && !head.error.empty())
    ImGui::TextColored(head.pending ? ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled)
                                    : ImGui::ColorConvertU32ToFloat4(colours::error),
                       "%s", head.error.c_str());
  ImGui::End();
}

}  // namespace vitopo::app
