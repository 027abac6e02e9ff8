// The exact bottleneck distance of two diagrams' finite parts, by a search
// over the candidate lengths with a matching test at each.
//
// At a threshold t, a point whose distance to the diagonal is above t is
// forced: it must be matched to a point of the other diagram within t. The
// others may go to the diagonal, and diagonal copies pair up freely, so a
// matching of cost <= t exists exactly when some matching of the bipartite
// graph of pairs within t covers every forced point. By the Mendelsohn–
// Dulmage theorem that holds when one matching covers A's forced points and
// another covers B's, each found by Hopcroft–Karp (1973).
//
// The distance is one of the lengths: a point's distance to the diagonal, or
// an L∞ distance between two points. A pair at least as far apart as both
// its points are from the diagonal is never needed (both can go to the
// diagonal instead), so only nearby pairs are candidates and edges.
#include <algorithm>
#include <cstdint>
#include <numeric>

#include "core/diagram_parts.hpp"

namespace vitopo::diagram_parts {

namespace {

constexpr std::uint64_t edge_budget = std::uint64_t(64) << 20;

// One side's edges, in compressed rows: vertex v's are [start[v], live[v]).
// After a threshold t is found feasible, longer edges are never needed again,
// and `keep_within` moves them past live[v].
struct Adjacency {
  std::vector<std::size_t> start, live;
  std::vector<int> other;
  std::vector<double> length;

  void keep_within(double t) {
    for (std::size_t v = 0; v + 1 < start.size(); ++v) {
      std::size_t end = start[v];
      for (std::size_t e = start[v]; e < live[v]; ++e)
        if (length[e] <= t) std::swap(other[end], other[e]), std::swap(length[end], length[e]), ++end;
      live[v] = end;
    }
  }
};

Adjacency adjacency(std::size_t vertices, const std::vector<int>& from, const std::vector<int>& to,
                    const std::vector<double>& length) {
  Adjacency adj;
  adj.start.assign(vertices + 1, 0);
  for (int v : from) ++adj.start[std::size_t(v) + 1];
  std::partial_sum(adj.start.begin(), adj.start.end(), adj.start.begin());
  adj.live.assign(adj.start.begin(), adj.start.end() - 1);
  adj.other.resize(from.size());
  adj.length.resize(from.size());
  for (std::size_t e = 0; e < from.size(); ++e) {
    const std::size_t at = adj.live[std::size_t(from[e])]++;
    adj.other[at] = to[e];
    adj.length[at] = length[e];
  }
  adj.start.pop_back();
  adj.start.push_back(from.size());
  return adj;
}

// Whether the left vertices `forced` can all be matched into the right side
// (`right` vertices) using edges of length <= t: Hopcroft–Karp.
class Covering {
 public:
  Covering(const Adjacency& adj, std::size_t left, std::size_t right) : adj_(adj), left_(left), right_(right) {}

  bool covers(const std::vector<int>& forced, double t) {
    if (forced.size() > right_) return false;
    t_ = t;
    mate_left_.assign(left_, -1);
    mate_right_.assign(right_, -1);
    std::size_t matched = 0;
    while (layer(forced)) {
      for (int v : forced)
        if (mate_left_[std::size_t(v)] < 0 && augment(v)) ++matched;
    }
    return matched == forced.size();
  }

 private:
  static constexpr int unreached = -1;

  // Breadth-first layers from the free forced vertices; true if a free right vertex is reached.
  bool layer(const std::vector<int>& forced) {
    depth_.assign(left_, unreached);
    queue_.clear();
    for (int v : forced)
      if (mate_left_[std::size_t(v)] < 0) depth_[std::size_t(v)] = 0, queue_.push_back(v);
    bool found = false;
    for (std::size_t q = 0; q < queue_.size(); ++q) {
      const int v = queue_[q];
      for (std::size_t e = adj_.start[std::size_t(v)]; e < adj_.live[std::size_t(v)]; ++e) {
        if (adj_.length[e] > t_) continue;
        const int w = mate_right_[std::size_t(adj_.other[e])];
        if (w < 0) found = true;
        else if (depth_[std::size_t(w)] == unreached) depth_[std::size_t(w)] = depth_[std::size_t(v)] + 1, queue_.push_back(w);
      }
    }
    next_.assign(adj_.start.begin(), adj_.start.end() - 1);
    return found;
  }

  // An augmenting path along the layers, iteratively (paths can be long).
  bool augment(int root) {
    path_.assign(1, root);
    while (!path_.empty()) {
      const int v = path_.back();
      bool advanced = false;
      for (std::size_t& e = next_[std::size_t(v)]; e < adj_.live[std::size_t(v)]; ++e) {
        if (adj_.length[e] > t_) continue;
        const int r = adj_.other[e];
        const int w = mate_right_[std::size_t(r)];
        if (w < 0) {
          // Flip the path: each left vertex on it takes the right vertex it reached.
          for (std::size_t k = path_.size(); k-- > 0;) {
            const int u = path_[k];
            const int target = adj_.other[next_[std::size_t(u)]];
            mate_right_[std::size_t(target)] = u;
            mate_left_[std::size_t(u)] = target;
          }
          return true;
        }
        if (depth_[std::size_t(w)] == depth_[std::size_t(v)] + 1) {
          path_.push_back(w);
          advanced = true;
          break;
        }
      }
      if (!advanced) {
        depth_[std::size_t(v)] = unreached;  // dead end: never again in this phase
        path_.pop_back();
        if (!path_.empty()) ++next_[std::size_t(path_.back())];
      }
    }
    return false;
  }

  const Adjacency& adj_;
  std::size_t left_, right_;
  double t_ = 0;
  std::vector<std::size_t> next_;
  std::vector<int> mate_left_, mate_right_, depth_, queue_, path_;
};

}  // namespace

double exact_bottleneck(const SplitDiagram& a, const SplitDiagram& b) {
  const std::size_t n = a.finite.size(), m = b.finite.size();
  std::vector<double> diag_a(n), diag_b(m);
  for (std::size_t i = 0; i < n; ++i) diag_a[i] = to_diagonal(a.finite[i]);
  for (std::size_t j = 0; j < m; ++j) diag_b[j] = to_diagonal(b.finite[j]);

  // Nearby pairs: ‖a − b‖∞ < max(diag a, diag b) needs |Δbirth| < max(diag a, widest of B).
  const ByBirth b_by_birth(b);
  const double widest_b = m ? *std::max_element(diag_b.begin(), diag_b.end()) : 0;
  const auto scan = [&](auto&& visit) {
    for (std::size_t i = 0; i < n; ++i)
      b_by_birth.near(a.finite[i].first, std::max(diag_a[i], widest_b), [&](std::size_t j) {
        const double length = linf(a.finite[i], b.finite[j]);
        if (length < std::max(diag_a[i], diag_b[j])) visit(i, j, length);
      });
  };
  std::uint64_t edges = 0;
  scan([&](std::size_t, std::size_t, double) { ++edges; });
  if (edges > edge_budget)
    throw std::length_error("the bottleneck distance of two diagrams of " + std::to_string(n) + " and " +
                            std::to_string(m) + " points needs " + std::to_string(edges) +
                            " candidate pairs, more than the budget of " + std::to_string(edge_budget));
  std::vector<int> ends_a, ends_b;
  std::vector<double> lengths;
  ends_a.reserve(std::size_t(edges)), ends_b.reserve(std::size_t(edges)), lengths.reserve(std::size_t(edges));
  scan([&](std::size_t i, std::size_t j, double length) {
    ends_a.push_back(int(i)), ends_b.push_back(int(j)), lengths.push_back(length);
  });
  Adjacency from_a = adjacency(n, ends_a, ends_b, lengths), from_b = adjacency(m, ends_b, ends_a, lengths);

  Covering cover_a(from_a, n, m), cover_b(from_b, m, n);
  std::vector<int> forced_a, forced_b;
  const auto feasible = [&](double t) {
    forced_a.clear(), forced_b.clear();
    for (std::size_t i = 0; i < n; ++i)
      if (diag_a[i] > t) forced_a.push_back(int(i));
    for (std::size_t j = 0; j < m; ++j)
      if (diag_b[j] > t) forced_b.push_back(int(j));
    return cover_a.covers(forced_a, t) && cover_b.covers(forced_b, t);
  };
  // Every point to the diagonal is feasible: the distance is at most the
  // widest point's, and it is that or one of the smaller candidates. Search
  // them by selection (each test halves them, without sorting), dropping the
  // edges longer than each feasible threshold.
  double best = 0;
  for (double d : diag_a) best = std::max(best, d);
  for (double d : diag_b) best = std::max(best, d);
  std::vector<double> live;
  live.reserve(lengths.size() + n + m + 1);
  for (const std::vector<double>* values : {&lengths, &diag_a, &diag_b})
    for (double x : *values)
      if (x < best) live.push_back(x);
  if (0 < best) live.push_back(0);
  lengths.clear(), lengths.shrink_to_fit();
  while (!live.empty()) {
    const auto mid = live.begin() + std::ptrdiff_t(live.size() / 2);
    std::nth_element(live.begin(), mid, live.end());
    const double t = *mid;
    if (feasible(t)) {
      best = t;
      live.erase(std::remove_if(live.begin(), live.end(), [t](double x) { return x >= t; }), live.end());
      from_a.keep_within(t), from_b.keep_within(t);
    } else {
      live.erase(std::remove_if(live.begin(), live.end(), [t](double x) { return x <= t; }), live.end());
    }
  }
  return best;
}

}  // namespace vitopo::diagram_parts
