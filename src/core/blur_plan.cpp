// SPDX-License-Identifier: MIT
/// @file blur_plan.cpp  Host planning of a blur: the reference's weights, the cosine-series fit
/// and its error bound, cached per (radius, sigma).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <map>
#include <mutex>
#include <numbers>
#include <utility>
#include <vector>

#include "imagecuda/detail/blur.hpp"

namespace imagecuda::detail {
namespace {

constexpr int direct_only_below = 13;  // radii below this always use the fused direct method (tuned on an H100)

/// Solves the K x K system M a = b (Gaussian elimination with partial pivoting). False if singular.
bool solve(std::vector<double>& M, std::vector<double>& b, int K) {
  for (int c = 0; c < K; ++c) {
    int p = c;
    for (int r = c + 1; r < K; ++r)
      if (std::fabs(M[r * K + c]) > std::fabs(M[p * K + c])) p = r;
    if (std::fabs(M[p * K + c]) < 1e-300) return false;
    if (p != c) {
      for (int j = 0; j < K; ++j) std::swap(M[c * K + j], M[p * K + j]);
      std::swap(b[c], b[p]);
    }
    for (int r = c + 1; r < K; ++r) {
      const double f = M[r * K + c] / M[c * K + c];
      for (int j = c; j < K; ++j) M[r * K + j] -= f * M[c * K + j];
      b[r] -= f * b[c];
    }
  }
  for (int c = K - 1; c >= 0; --c) {
    double s = b[c];
    for (int j = c + 1; j < K; ++j) s -= M[c * K + j] * b[j];
    b[c] = s / M[c * K + c];
  }
  return true;
}

struct Fit {
  double bound = INFINITY;
  double period = 0;
  std::array<double, blur_max_terms> a{};
};

/// Least-squares fit of g[-R..R] (g[i] = g[|i|]) by sum_k a_k cos(2 pi k i / T), best T.
/// Returns the 2-D worst-case bound 0.5*||A-G||_1 * (||A||_1 + ||G||_1) plus `tail` (the mass
/// of the reference weights beyond R, which the fit leaves out).
Fit fit_cosines(const std::vector<double>& g, int R, int K, double tail) {
  Fit best;
  const int steps = 48;
  for (int s = 0; s < steps; ++s) {
    const double T = (2.0 * R + 1.0) + (2.2 * R + 4.0) * s / (steps - 1);
    std::vector<double> M(std::size_t(K * K), 0.0), b(std::size_t(K), 0.0);
    std::vector<double> c(static_cast<std::size_t>(K));
    for (int i = -R; i <= R; ++i) {
      for (int k = 0; k < K; ++k) c[k] = std::cos(2 * std::numbers::pi * k * i / T);
      const double gi = g[std::size_t(std::abs(i))];
      for (int k = 0; k < K; ++k) {
        b[k] += c[k] * gi;
        for (int j = 0; j < K; ++j) M[k * K + j] += c[k] * c[j];
      }
    }
    if (!solve(M, b, K)) continue;
    double l1 = 0, a1 = 0;
    for (int i = -R; i <= R; ++i) {
      double v = 0;
      for (int k = 0; k < K; ++k) v += b[k] * std::cos(2 * std::numbers::pi * k * i / T);
      l1 += std::fabs(v - g[std::size_t(std::abs(i))]);
      a1 += std::fabs(v);
    }
    l1 += tail;
    const double bound = 0.5 * l1 * (a1 + 1.0);
    if (bound < best.bound) {
      best.bound = bound;
      best.period = T;
      for (int k = 0; k < K; ++k) best.a[std::size_t(k)] = b[k];
    }
  }
  return best;
}

void set_cosine_terms(BlurPlan& p, int R, int K, const double* a, double period) {
  p.method = BlurPlan::cosine;
  p.radius = R;
  p.terms = K;
  p.segment = blur_segment_for(R);
  for (int k = 0; k < K; ++k) {
    const double w = period > 0 ? 2 * std::numbers::pi * k / period : 0.0;
    p.coef[k] = float(a[k]);
    p.omega[k] = float(w);
    p.rot[k] = float2{float(std::cos(w)), float(-std::sin(w))};
    p.leave[k] = float2{float(std::cos(w * R)), float(-std::sin(w * R))};
    p.enter[k] = float2{float(std::cos(w * (R + 1))), float(std::sin(w * (R + 1)))};
  }
}

struct Key {
  int radius;
  float sigma;
  double max_error;
  bool operator<(const Key& o) const {
    return std::tie(radius, sigma, max_error) < std::tie(o.radius, o.sigma, o.max_error);
  }
};

}  // namespace

BlurPlan plan_gaussian(int radius, float sigma, double max_error, double* error_bound) {
  static std::mutex m;
  static std::map<Key, std::pair<BlurPlan, double>> cache;
  const Key key{radius, sigma, max_error};
  {
    std::lock_guard lk(m);
    if (auto it = cache.find(key); it != cache.end()) {
      if (error_bound) *error_bound = it->second.second;
      return it->second.first;
    }
  }
  BlurPlan p;
  double bound = 0;
  if (radius > 0 && sigma > 0.001f) {
    // The reference's weights, k[i] = exp(-i^2 / (2 sigma^2)) / (k0 + 2 sum k[i]), in double.
    std::vector<double> g(std::size_t(radius) + 1);
    double sum = 0;
    for (int i = 0; i <= radius; ++i) {
      g[std::size_t(i)] = std::exp(-double(i) * i / (2.0 * double(sigma) * sigma));
      sum += (i == 0 ? 1.0 : 2.0) * g[std::size_t(i)];
    }
    for (auto& v : g) v /= sum;
    // Drop tails whose whole mass is negligible (< 1e-9): an effective radius.
    int R = radius;
    double tail = 0;
    while (R > 1 && tail + 2 * g[std::size_t(R)] < 1e-9) tail += 2 * g[std::size_t(R--)];
    p.method = BlurPlan::direct;
    p.radius = R;
    for (int i = 0; i <= R; ++i) p.weights[i] = float(g[std::size_t(i)]);
    bound = tail;
    if (R >= direct_only_below && max_error > 0) {
      for (int K = blur_min_terms; K <= blur_max_terms; ++K) {  // fewest terms = least work
        const Fit f = fit_cosines(g, R, K, tail);
        if (f.bound <= max_error) {
          set_cosine_terms(p, R, K, f.a.data(), f.period);
          bound = f.bound;
          break;
        }
      }
    }
  }
  if (error_bound) *error_bound = bound;
  std::lock_guard lk(m);
  if (cache.size() > 256) cache.clear();
  cache.emplace(key, std::make_pair(p, bound));
  return p;
}

BlurPlan plan_box(int radius) {
  BlurPlan p;
  if (radius <= 0) return p;
  const double w = 1.0 / (2.0 * radius + 1.0);
  if (radius < 8) {
    p.method = BlurPlan::direct;
    p.radius = radius;
    for (int i = 0; i <= radius; ++i) p.weights[i] = float(w);
    return p;
  }
  const double a[1] = {w};
  set_cosine_terms(p, radius, 1, a, 0.0);  // K = 1: a running sum, exact
  return p;
}

}  // namespace imagecuda::detail
