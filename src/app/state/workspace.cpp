#include "workspace.hpp"

#include <algorithm>

namespace vitopo::app {

std::uint64_t WorkspaceEntry::bytes() const {
  std::uint64_t n = sizeof(WorkspaceEntry) + name.size() + model.size();
  n += std::uint64_t(input.pixels.size()) * sizeof(float) + input.original_rgba.size();
  n += std::uint64_t(attention.data.size()) * sizeof(float);
  n += std::uint64_t(prediction.probabilities.size()) * sizeof(float);
  for (const vitopo::HeadAnalysis& head : analysis.results) {
    n += sizeof head + head.summary.size() * sizeof(vitopo::DimensionSummary);
    for (const vitopo::Barcode& barcode : head.persistence.barcodes)
      for (const vitopo::Bar& bar : barcode.bars)
        n += sizeof bar + (bar.birth_simplex.size() + bar.death_simplex.size()) * sizeof(vitopo::index_t);
  }
  return n;
}

void Workspace::add(std::shared_ptr<const WorkspaceEntry> entry, bool as_b) {
  const int id = entry->id;
  remove(id);
  entries_.push_back(std::move(entry));
  (as_b ? b_ : current_) = id;
}

bool Workspace::swap_images() {
  if (!current() || !image_b()) return false;
  std::swap(current_, b_);
  return true;
}

bool Workspace::remove(int id) {
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const auto& e) { return e->id == id; });
  if (it == entries_.end()) return false;
  entries_.erase(it);
  if (b_ == id) b_ = 0;
  if (current_ == id) {
    current_ = 0;
    for (const auto& e : entries_)
      if (e->id != b_) current_ = e->id;
  }
  return true;
}

bool Workspace::make_current(int id) {
  if (!find(id)) return false;
  if (b_ == id) b_ = 0;
  current_ = id;
  return true;
}

const WorkspaceEntry* Workspace::find(int id) const {
  for (const auto& e : entries_)
    if (e->id == id) return e.get();
  return nullptr;
}

std::shared_ptr<const WorkspaceEntry> Workspace::current_shared() const {
  for (const auto& e : entries_)
    if (e->id == current_) return e;
  return nullptr;
}

std::uint64_t Workspace::bytes() const {
  std::uint64_t n = 0;
  for (const auto& e : entries_) n += e->bytes();
  return n;
}

}  // namespace vitopo::app
