#include "core/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "core/quote.hpp"

namespace vitopo {

std::string metric_name(Metric metric) { return metric_info(metric).name; }

const std::vector<Metric>& all_metrics() {
  static const std::vector<Metric> metrics = [] {
    std::vector<Metric> out;
    for (const MetricInfo& row : metric_table) out.push_back(row.metric);
    return out;
  }();
  return metrics;
}

Metric parse_metric(const std::string& name) {
  std::string names;
  for (Metric metric : all_metrics()) {
    if (metric_name(metric) == name) return metric;
    names += (names.empty() ? "" : ", ") + metric_name(metric);
  }
  throw std::invalid_argument("unknown metric " + quote(name) + "; choose one of " + names);
}

// ---------------------------------------------------------------------------
// Jensen–Shannon divergence, accurately, term by term.
//
// With s = p_k + q_k, m = s/2 and t = (p_k − q_k)/s ∈ [−1, 1]:
//   p_k log(p_k/m) + q_k log(q_k/m) = m φ(t),  φ(t) = (1+t) log(1+t) + (1−t) log(1−t)
// and φ(t) = Σ_{j>=1} t^{2j} / (j (2j−1)) >= 0. So JS(p, q) = Σ_k s φ(t)/4 is a sum
// of non-negative terms: no cancellation between tokens, and the series keeps
// full relative accuracy when p_k ≈ q_k, where scipy's formula cancels.
// ---------------------------------------------------------------------------
namespace {

double phi(double t) {
  const double t2 = t * t;
  if (t2 < 0.004) {
    // Σ_{j=1..9} t^{2j}/(j(2j−1)); the first omitted term is < 1e-17 relative.
    double sum = 0;
    for (int j = 9; j >= 1; --j) sum = sum * t2 + 1.0 / (double(j) * double(2 * j - 1));
    return sum * t2;
  }
  if (t >= 1 || t <= -1) return 2 * std::log(2.0);  // one of p_k, q_k is 0: 0 log 0 = 0
  return (1 + t) * std::log1p(t) + (1 - t) * std::log1p(-t);
}

}  // namespace

double js_divergence(std::span<const double> p, std::span<const double> q) {
  double sum = 0;
  for (std::size_t k = 0; k < p.size(); ++k) {
    const double s = p[k] + q[k];
    if (s > 0) sum += s * phi((p[k] - q[k]) / s);
  }
  return sum / 4;
}

// ---------------------------------------------------------------------------
// Pairwise Jensen–Shannon, vectorised, with the same relative accuracy for
// every pair, however close.
//
// Each pair takes one of two forms, chosen before it is computed:
// - far pairs, JS >= 0.01 (distance >= 0.1): the difference of entropies,
//   JS = ½ Σ p log p + ½ Σ q log q − Σ m log m,  m = (p + q)/2,
//   with Σ p log p once per token, so a pair costs one logarithm per
//   coordinate. Its absolute error is a few ulps of the entropies (≈ 1e-15
//   for 200 tokens), so at most ~2e-13 relative in the divergence (1e-13 in
//   the distance) when JS >= 0.01, the worst case being near-uniform rows,
//   whose entropies are largest (the rounding of the logarithm, alike for
//   alike arguments, cancels between the entropies and Σ m log m only if all
//   three use the same logarithm).
// - close pairs: the cancellation-free sum of the term-by-term reference
//   above, Σ_k s φ(t)/4, s = p_k + q_k, t = (p_k − q_k)/s, lane by lane:
//     |t| <= ½:  s φ(t) = s w g(w), w = t², g(w) = φ(t)/t² = Σ_{j>=1} w^{j−1}/(j(2j−1)),
//                g a polynomial fitted to g (below): of degree 8 on [0, 1/16]
//                in lanes with |t| < ¼, of degree 12 on [0, ¼] in the others:
//                non-negative terms, no cancellation at all;
//     |t| > ½:   s φ(t) = 2 (p_k log p_k + q_k log q_k − s log(s/2)), with
//                x log x once per token and coordinate; there φ(t) >= 0.26,
//                so its error (a few ulps of s |log s|) stays near 1e-14 of
//                the coordinate's own value.
//   A loop step pays for the logarithm only when one of its lanes has |t| > ½.
// The choice needs a lower bound of JS that is cheap and safe: per
// coordinate, φ(t)/(2(1 − √(1 − t²))) lies in [ln 2, 1], so
// JS ∈ [ln 2 · H², H²] with H² = 1 − Σ √p √q the squared Hellinger distance,
// a dot product of rows of √x. A pair is far when ln 2 · H² >= 0.01; two rows
// near the uniform distribution are close without it (bound below).
// Near-uniform attention, whose pairs are all close, so costs about what
// peaked attention does. (Only a pair of peaked rows that turns out close is
// computed twice: it costs less than a dot product for every peaked pair.)
//
// The logarithm (2 doubles per vector: SSE2 natively, simd128 in wasm; 4 or
// 8 natively when the processor has AVX2 or AVX-512; through the compilers'
// generic vector extension):
//   x = 2^e · f with f ∈ [√½, √2) (by integer arithmetic on the bits),
//   log f = 2 atanh(s) = 2 (s + s³/3 + s⁵/5 + …),  s = (f − 1)/(f + 1), |s| <= 0.1716,
// with the series replaced by a fitted polynomial (< 4e-17 relative), and
// log x = e ln 2 + log f with ln 2 split in a high part of 32 bits and a low
// part; s/2 needs no division, its exponent is s's minus one. Measured error
// of log f·2^e against glibc's log: at most 2 ulp and 2.3e-16 absolute, over
// 4·10⁶ arguments in [1e-45, 2]. x = 0 gives a finite value (−1023 ln 2), so
// 0 · log 0 = 0 without a branch.
//
// Tested: every pair of random distributions, from near-uniform to peaked,
// within 1e-13 relative of the term-by-term reference, and 1e-12 of scipy.
// ---------------------------------------------------------------------------
// Wider vectors than the baseline ABI are only used inside always-inlined
// functions compiled for the wider target, so GCC's ABI note does not apply.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace {

// W doubles per vector: 2 is SSE2 / wasm simd128; natively, 4 (AVX2) and 8
// (AVX-512) are chosen at run time when the processor has them.
// (GCC ignores vector_size on a dependent type, hence one specialisation each.)
template <int W>
struct Lanes;
template <>
struct Lanes<2> {
  using real = double __attribute__((vector_size(16)));
  using bits = std::uint64_t __attribute__((vector_size(16)));
};
template <>
struct Lanes<4> {
  using real = double __attribute__((vector_size(32)));
  using bits = std::uint64_t __attribute__((vector_size(32)));
};
template <>
struct Lanes<8> {
  using real = double __attribute__((vector_size(64)));
  using bits = std::uint64_t __attribute__((vector_size(64)));
};

template <int W>
[[gnu::always_inline]] inline typename Lanes<W>::real load(const double* p) {
  typename Lanes<W>::real v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// x = 2^(e + e_shift) · f, split for the logarithm below: log x = (e + e_shift)·ln 2 + log f.
template <int W>
struct LogParts {
  typename Lanes<W>::real e, log_f;
};

template <int W, int e_shift>
[[gnu::always_inline]] inline LogParts<W> log_parts(typename Lanes<W>::real x) {
  using real = typename Lanes<W>::real;
  using bits = typename Lanes<W>::bits;
  // Split x = 2^e · f with f ∈ [√½, √2) by integer arithmetic on the bits:
  // adding 2^52·(1 − √½)'s mantissa offset carries into the exponent exactly
  // when f >= √2 (then f is halved and e incremented), with no compare or
  // blend. For x = 0 this gives e = −1023, f = 1: a finite log.
  const std::uint64_t mantissa_mask = 0x000FFFFFFFFFFFFFull, sqrt_half_bits = 0x3FE6A09E667F3BCDull,
                      offset = 0x3FF0000000000000ull - sqrt_half_bits, two52_bits = 0x4330000000000000ull;
  const bits u = (bits)x + offset;
  const real f = (real)((u & mantissa_mask) + sqrt_half_bits);
  // The exponent as a double, without an int64 → double conversion (SSE2 has
  // none): put it in the mantissa of 2^52 and subtract 2^52 (and the bias,
  // and e_shift, all in one constant).
  const real e = (real)((u >> 52) | two52_bits) - (4503599627370496.0 + 1023.0 - e_shift);
  const real s = (f - 1.0) / (f + 1.0);
  const real z = s * s;
  // R(z) with log f = 2s + s·z·R(z), R(z) = Σ_{k>=1} 2 z^(k−1)/(2k+1): a degree-6
  // least-squares fit on Chebyshev nodes over z ∈ [0, 0.0295] (our own fit;
  // max |ΔR| 2.6e-15, i.e. < 4e-17 relative in log f), three terms fewer than
  // the Taylor series to the same accuracy.
  real r = 0.14566477938897798 * z + 0.1533575321441046;
  r = r * z + 0.1818276398122243;
  r = r * z + 0.22222213041661804;
  r = r * z + 0.28571428611062294;
  r = r * z + 0.3999999999995272;
  r = r * z + 0.6666666666666663;
  return {e, (s + s) + s * z * r};
}

// ln 2 in a high part with 32 significant bits and the rest.
constexpr double ln2_hi = 0x1.62e42fee00000p-1, ln2_lo = 0x1.a39ef35793c76p-33;

// Σ x log x over padded rows (length a multiple of 2W, padding zeros), as
// ln 2 · Σ x e + Σ x log f: the exponents are summed apart and multiplied by
// ln 2 once. With q, Σ m log m for m = (p + q)/2: with s = p + q = 2^(e+1) f,
// m = 2^e f, so the halving is folded into the exponent, and the sums of s
// are halved once at the end.
template <int W>
[[gnu::always_inline]] inline double sum_x_log_x(const double* p, const double* q, std::size_t length) {
  using real = typename Lanes<W>::real;
  real e0 = {}, e1 = {}, f0 = {}, f1 = {};
  auto add = [&](real& e, real& f, const real x, const LogParts<W> l) {
    e += x * l.e;
    f += x * l.log_f;
  };
  for (std::size_t k = 0; k < length; k += 2 * W) {
    if (q) {
      const real s0 = load<W>(p + k) + load<W>(q + k), s1 = load<W>(p + k + W) + load<W>(q + k + W);
      add(e0, f0, s0, log_parts<W, -1>(s0));
      add(e1, f1, s1, log_parts<W, -1>(s1));
    } else {
      const real x0 = load<W>(p + k), x1 = load<W>(p + k + W);
      add(e0, f0, x0, log_parts<W, 0>(x0));
      add(e1, f1, x1, log_parts<W, 0>(x1));
    }
  }
  const real e = e0 + e1, f = f0 + f1;
  double sum_e = 0, sum_f = 0;
  for (int i = 0; i < W; ++i) sum_e += e[i], sum_f += f[i];
  return (q ? 0.5 : 1.0) * (sum_e * ln2_hi + (sum_e * ln2_lo + sum_f));
}

// Σ_k p_k q_k over padded rows.
template <int W>
[[gnu::always_inline]] inline double dot(const double* p, const double* q, std::size_t length) {
  using real = typename Lanes<W>::real;
  real a0 = {}, a1 = {};
  for (std::size_t k = 0; k < length; k += 2 * W) {
    a0 += load<W>(p + k) * load<W>(q + k);
    a1 += load<W>(p + k + W) * load<W>(q + k + W);
  }
  const real a = a0 + a1;
  double sum = 0;
  for (int i = 0; i < W; ++i) sum += a[i];
  return sum;
}

// g(w) = φ(t)/t² = Σ_{j>=1} w^(j−1)/(j(2j−1)) (g >= 1), as Σ_k c[k] w^k with
// c[0] = 1, fitted by mpmath's chebyfit (our own fits; tools/fit_close_form.py
// fits g_near and checks both):
// - g_wide on [0, ¼], degree 12, max |Δg| 7e-18;
// - g_near on [0, 1/16], degree 8, max |Δg| 3e-18: in near-uniform rows and
//   most close pairs every lane of a loop step has |t| < ¼, and there four
//   fewer degrees take a quarter less time natively, an eighth in wasm.
// Evaluated in double precision, both are within 1.3e-16 relative of 50-digit
// values at 20 000 points, in either order below.
constexpr double g_wide[13] = {1.0,
                               0.16666666666665914,
                               0.06666666666834865,
                               0.03571428556716924,
                               0.022222228885653575,
                               0.015151336251909375,
                               0.010992078451474438,
                               0.008298327091145986,
                               0.00680678099178135,
                               0.0038454510862695767,
                               0.009217619538886054,
                               -0.006739560728896578,
                               0.014368805567745852};
constexpr double g_near[9] = {1.0,
                              0.16666666666666663,
                              0.06666666666676113,
                              0.03571428568261058,
                              0.02222222626047318,
                              0.015151263008412925,
                              0.010997523143171574,
                              0.008175465403592487,
                              0.008029270430249468};
constexpr double near_w = 1.0 / 16, wide_w = 0.25;

// Σ_k c[k] w^k per lane. With fused multiply-add (AVX2, AVX-512) Horner's
// chain is the fastest; without it (SSE2, simd128) a chain of dependent steps
// holds the loop back, and Estrin's scheme, with independent products and the
// 1 added last, takes a quarter less time: pairs c[k] + c[k+1] w (c[1] w
// first), then pairs of pairs with w², w⁴, ….
template <int W, std::size_t N>
[[gnu::always_inline]] inline typename Lanes<W>::real polynomial(const double (&c)[N], const typename Lanes<W>::real w) {
  using real = typename Lanes<W>::real;
  constexpr std::size_t degree = N - 1;
  if constexpr (W == 2) {
    real terms[1 + degree / 2];
    std::size_t n = 0;
    terms[n++] = c[1] * w;
    for (std::size_t k = 2; k <= degree; k += 2) terms[n++] = k + 1 <= degree ? c[k + 1] * w + c[k] : real{} + c[k];
    real power = w * w;
    while (n > 1) {
      std::size_t m = 0;
      for (std::size_t i = 0; i < n; i += 2) terms[m++] = i + 1 < n ? terms[i] + terms[i + 1] * power : terms[i];
      n = m;
      power = power * power;
    }
    return c[0] + terms[0];
  } else {
    real g = c[degree] * w + c[degree - 1];
    for (std::size_t k = degree - 1; k-- > 0;) g = g * w + c[k];
    return g;
  }
}

template <int W>
[[gnu::always_inline]] inline bool any_lane(const typename Lanes<W>::bits b) {
  std::uint64_t any = 0;
  for (int i = 0; i < W; ++i) any |= b[i];
  return any != 0;
}

// s φ(t) = 2 (p log p + q log q − s log(s/2)) per lane (xp, xq: x log x).
template <int W>
[[gnu::always_inline]] inline typename Lanes<W>::real direct_terms(const typename Lanes<W>::real s, const double* xp,
                                                                     const double* xq) {
  const LogParts<W> l = log_parts<W, -1>(s);  // log(s/2)
  return 2.0 * (load<W>(xp) + load<W>(xq) - s * (l.e * ln2_hi + (l.e * ln2_lo + l.log_f)));
}

// 4 JS(p, q) = Σ_k s φ(t) over one pair of padded rows (length a multiple of
// 2W, padding zeros), xp and xq their x log x rows: g_near in every lane, and
// in a loop step that has lanes with w >= 1/16, g_wide in those, and the
// direct form in lanes with w > ¼. (Choosing between the two polynomials
// before computing either was a fifth slower than this in wasm: V8's code for
// that loop lost what the shorter polynomial saved.)
template <int W>
[[gnu::always_inline]] inline double close_js_times4(const double* p, const double* q, const double* xp, const double* xq,
                                                     std::size_t length) {
  using real = typename Lanes<W>::real;
  using bits = typename Lanes<W>::bits;
  // w = t², t = (p − q)/s. s = 0 (both zero, or padding) gives t = 0; below
  // the smallest normal double the divisor is rounded up, which changes
  // nothing that counts.
  auto squared_ratio = [](const real p, const real q, const real s) {
    const real t = (p - q) / (s > 0x1p-1022 ? s : 0x1p-1022);
    return t * t;
  };
  real sum0 = {}, sum1 = {};
  for (std::size_t k = 0; k < length; k += 2 * W) {
    const real p0 = load<W>(p + k), q0 = load<W>(q + k), p1 = load<W>(p + k + W), q1 = load<W>(q + k + W);
    const real s0 = p0 + q0, s1 = p1 + q1;
    const real w0 = squared_ratio(p0, q0, s0), w1 = squared_ratio(p1, q1, s1);
    real term0 = s0 * w0 * polynomial<W>(g_near, w0), term1 = s1 * w1 * polynomial<W>(g_near, w1);
    const bits outside0 = (bits)(w0 >= near_w), outside1 = (bits)(w1 >= near_w);  // of g_near's interval
    if (any_lane<W>(outside0 | outside1)) {  // seldom: a lane with |t| >= ¼
      const bits wide0 = (bits)(w0 > wide_w), wide1 = (bits)(w1 > wide_w);
      const real wider0 = s0 * w0 * polynomial<W>(g_wide, w0), wider1 = s1 * w1 * polynomial<W>(g_wide, w1);
      term0 = outside0 ? wider0 : term0;
      term1 = outside1 ? wider1 : term1;
      if (any_lane<W>(wide0 | wide1)) {
        term0 = wide0 ? direct_terms<W>(s0, xp + k, xq + k) : term0;
        term1 = wide1 ? direct_terms<W>(s1, xp + k + W, xq + k + W) : term1;
      }
    }
    sum0 += term0;
    sum1 += term1;
  }
  const real sum = sum0 + sum1;
  double total = 0;
  for (int i = 0; i < W; ++i) total += sum[i];
  return total;
}

// Rows of one head, padded: the distributions, x log x and √x of each.
struct PaddedRows {
  const double *x, *xlogx, *root;
  std::size_t n, width, stride;  // rows, coordinates, coordinates with padding
};

// Which form a pair takes (see the method above): JS >= ln 2 · H², H² = 1 − Σ √p √q
// the squared Hellinger distance, so a pair with ln 2 · H² >= 0.01 is far enough
// for the difference of entropies. Before that dot product, a bound with no
// work per pair: JS(p, q) = H(m) − ½H(p) − ½H(q) <= ½ (K_p + K_q), with
// K = log k − H the divergence from the uniform distribution on the k
// coordinates (H(m) <= log k), so two near-uniform rows are close at once.
// Rows with K_p + K_q >= `peaked` (the bound above JS at least twice the
// threshold: peaked attention, and near-uniform rows of some spread) are
// mostly far apart: for them the far form comes first, and a pair it finds
// close is then computed in the close form. That second computation costs more
// than a dot product, so each head counts: once more than one in
// `redo_share` of its peaked pairs so far turned out close (a random-weight
// ViT-B's rows: 39 %), its remaining pairs take the dot product first too.
// The count follows the head's own pairs in a fixed order, so the forms
// chosen, and the values, do not depend on the thread count. Between the two
// bounds the dot product decides.
constexpr double far_js = 0.01;
constexpr double far_hellinger2 = far_js / 0.69314718055994530942;
constexpr double peaked = 4 * far_js;
constexpr std::size_t redo_share = 16, redo_sample = 64;

// D[i n + j] = JS(row i, row j) for j < i (the upper triangle of a
// column-major matrix).
template <int W>
[[gnu::always_inline]] inline void js_lanes(const PaddedRows& r, double* D) {
  const std::size_t stride = r.stride;
  // With the same logarithm as Σ m log m, so that its rounding, alike for
  // alike arguments, cancels in the difference.
  std::vector<double> half_entropy(r.n), from_uniform(r.n);
  for (std::size_t i = 0; i < r.n; ++i) {
    half_entropy[i] = 0.5 * sum_x_log_x<W>(r.x + i * stride, nullptr, stride);
    from_uniform[i] = std::log(double(r.width)) + 2 * half_entropy[i];
  }
  std::size_t far_first = 0, redone = 0;  // peaked pairs computed far first, and those found close
  for (std::size_t i = 0; i < r.n; ++i)
    for (std::size_t j = 0; j < i; ++j) {
      const double *p = r.x + i * stride, *q = r.x + j * stride;
      const double *xp = r.xlogx + i * stride, *xq = r.xlogx + j * stride;
      const double from_uniform_sum = from_uniform[i] + from_uniform[j];
      const bool often_close = far_first >= redo_sample && redo_share * redone > far_first;
      double js;
      if (from_uniform_sum < 2 * far_js) {  // two near-uniform rows: surely close
        js = 0.25 * close_js_times4<W>(p, q, xp, xq, stride);
      } else if (from_uniform_sum < peaked || often_close) {  // close or far: the dot product says
        const double hellinger2 = 1 - dot<W>(r.root + i * stride, r.root + j * stride, stride);
        js = hellinger2 >= far_hellinger2 ? half_entropy[i] + half_entropy[j] - sum_x_log_x<W>(p, q, stride)
                                          : 0.25 * close_js_times4<W>(p, q, xp, xq, stride);
      } else {  // peaked rows: mostly far, so the far form first
        js = half_entropy[i] + half_entropy[j] - sum_x_log_x<W>(p, q, stride);
        ++far_first;
        if (js < far_js) js = 0.25 * close_js_times4<W>(p, q, xp, xq, stride), ++redone;
      }
      D[i * r.n + j] = js;
    }
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
[[gnu::target("arch=x86-64-v4")]] void fast_js_avx512(const PaddedRows& rows, double* D) { js_lanes<8>(rows, D); }
[[gnu::target("arch=x86-64-v3")]] void fast_js_avx2(const PaddedRows& rows, double* D) { js_lanes<4>(rows, D); }
#endif
void fast_js_sse2(const PaddedRows& rows, double* D) { js_lanes<2>(rows, D); }

// Chosen once; VITOPO_SIMD=sse2|avx2|avx512 caps the width (for benchmarks).
struct FastJs {
  void (*run)(const PaddedRows& rows, double* D);
  int lanes;  // doubles per vector: rows are padded to a multiple of 2·lanes
  const char* name;
};
FastJs choose_fast_js() {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  const char* cap = std::getenv("VITOPO_SIMD");
  const std::string limit = cap ? cap : "avx512";
  __builtin_cpu_init();
  if (limit == "avx512" && __builtin_cpu_supports("x86-64-v4")) return {fast_js_avx512, 8, "avx512"};
  if (limit != "sse2" && __builtin_cpu_supports("x86-64-v3")) return {fast_js_avx2, 4, "avx2"};
#endif
  return {fast_js_sse2, 2, "sse2/simd128"};
}
const FastJs& fast_js() {
  static const FastJs chosen = choose_fast_js();
  return chosen;
}

}  // namespace

std::string simd_width_in_use() { return fast_js().name; }

namespace {

// The n×n matrix of JS divergences.
Eigen::MatrixXd js_divergences(const DistributionMatrix& P) {
  const FastJs& kernel = fast_js();
  const std::size_t n = std::size_t(P.rows()), width = std::size_t(P.cols());
  const std::size_t step = 2 * std::size_t(kernel.lanes);  // two vectors per loop step
  const std::size_t stride = (width + step - 1) / step * step;  // zero padded
  std::vector<double> x(n * stride, 0.0), xlogx(n * stride, 0.0), root(n * stride, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < width; ++k) {
      const double v = P(Eigen::Index(i), Eigen::Index(k));
      x[i * stride + k] = v;
      xlogx[i * stride + k] = v > 0 ? v * std::log(v) : 0.0;
      root[i * stride + k] = std::sqrt(v);
    }
  Eigen::MatrixXd D = Eigen::MatrixXd::Zero(Eigen::Index(n), Eigen::Index(n));
  kernel.run({x.data(), xlogx.data(), root.data(), n, width, stride}, D.data());
  for (std::size_t i = 0; i < n; ++i)  // the kernel filled D(j, i) for j < i (column-major: D.data()[j + i n])
    for (std::size_t j = 0; j < i; ++j)
      D(Eigen::Index(i), Eigen::Index(j)) = D(Eigen::Index(j), Eigen::Index(i)) =
          std::max(D(Eigen::Index(j), Eigen::Index(i)), 0.0);
  return D;
}

}  // namespace

Eigen::MatrixXd pairwise_distances(const DistributionMatrix& P, Metric metric) {
  const Eigen::Index n = P.rows();
  switch (metric) {
    case Metric::JensenShannonDivergence: return js_divergences(P);
    case Metric::JensenShannon: return js_divergences(P).cwiseSqrt();
    case Metric::SqrtJensenShannon: return js_divergences(P).cwiseSqrt().cwiseSqrt();
    default: break;
  }
  if (metric == Metric::AttentionGraph && P.rows() != P.cols())
    throw std::invalid_argument("the attention-graph distance needs a square attention matrix");
  DistributionMatrix S;
  if (metric == Metric::Hellinger) S = P.cwiseSqrt();
  Eigen::VectorXd norms;
  if (metric == Metric::Cosine) norms = P.rowwise().norm();
  Eigen::MatrixXd D = Eigen::MatrixXd::Zero(n, n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < i; ++j) {
      double d = 0;
      switch (metric) {
        case Metric::Hellinger: d = std::sqrt(0.5 * (S.row(i) - S.row(j)).squaredNorm()); break;
        case Metric::TotalVariation: d = 0.5 * (P.row(i) - P.row(j)).cwiseAbs().sum(); break;
        case Metric::Cosine: d = std::max(0.0, 1.0 - P.row(i).dot(P.row(j)) / (norms[i] * norms[j])); break;
        case Metric::Euclidean: d = (P.row(i) - P.row(j)).norm(); break;
        case Metric::AttentionGraph: d = std::max(0.0, 1.0 - std::max(P(i, j), P(j, i))); break;
        default: break;
      }
      D(i, j) = D(j, i) = d;
    }
  return D;
}

}  // namespace vitopo
