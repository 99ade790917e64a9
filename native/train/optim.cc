// Optimizer steps (Adam/AdamW, SGD with momentum) on one parameter tensor.
// Scalars are folded in double, the per-element update runs in float.
#include "train.h"
#include "common.h"

namespace mlf {

void adam_step(long len, float* p, const float* g, float* m, float* v, double lr, double beta1, double beta2,
               double eps, double wd, double t, bool decoupled) {
  const float b1 = static_cast<float>(beta1), b2 = static_cast<float>(beta2);
  const float a1 = static_cast<float>(1.0 - beta1), a2 = static_cast<float>(1.0 - beta2);
  const float ic1 = static_cast<float>(1.0 / (1.0 - std::pow(beta1, t)));
  const float ic2 = static_cast<float>(1.0 / (1.0 - std::pow(beta2, t)));
  const float flr = static_cast<float>(lr), feps = static_cast<float>(eps), fwd = static_cast<float>(wd);
  const float decay = static_cast<float>(lr * wd);
  const int nt = threads_for(static_cast<double>(len), 65536.0);
  parallel_ranges(len, nt, [&](long b, long e) {
    if (decoupled) {
      for (long i = b; i < e; i++) {
        const float gi = g[i];
        const float mi = b1 * m[i] + a1 * gi, vi = b2 * v[i] + a2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i] - flr * (mi * ic1) / (std::sqrt(vi * ic2) + feps) - decay * p[i];
      }
    } else {
      for (long i = b; i < e; i++) {
        const float gi = g[i] + fwd * p[i];
        const float mi = b1 * m[i] + a1 * gi, vi = b2 * v[i] + a2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i] - flr * (mi * ic1) / (std::sqrt(vi * ic2) + feps);
      }
    }
  });
}

void sgd_step(long len, float* p, const float* g, float* v, double lr, double momentum, double wd, bool nesterov) {
  const float flr = static_cast<float>(lr), mu = static_cast<float>(momentum), fwd = static_cast<float>(wd);
  const int nt = threads_for(static_cast<double>(len), 65536.0);
  parallel_ranges(len, nt, [&](long b, long e) {
    for (long i = b; i < e; i++) {
      const float gi = g[i] + fwd * p[i];
      const float vi = mu * v[i] + gi;
      v[i] = vi;
      p[i] -= nesterov ? flr * (gi + mu * vi) : flr * vi;
    }
  });
}

}  // namespace mlf
