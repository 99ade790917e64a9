// Losses and softmax. Small (N×K logits), so single-threaded and in double
// like the reference.
#include "simd.h"
#include "train.h"

namespace mlf {

namespace {
// y = softmax(x) for one row of k; returns logsumexp. y may alias x.
double softmax_row(int k, const float* x, float* y) {
  double mx = -INFINITY;
  for (int j = 0; j < k; j++) mx = std::max(mx, static_cast<double>(x[j]));
  double sum = 0;
  for (int j = 0; j < k; j++) sum += std::exp(static_cast<double>(x[j]) - mx);
  const double lse = mx + std::log(sum);
  for (int j = 0; j < k; j++) y[j] = static_cast<float>(std::exp(static_cast<double>(x[j]) - mx) / sum);
  return lse;
}
}  // namespace

void softmax(int n, int k, const float* x, float* y) {
  for (int r = 0; r < n; r++) softmax_row(k, x + static_cast<long>(r) * k, y + static_cast<long>(r) * k);
}

double softmax_cross_entropy(int n, int k, const float* logits, const int32_t* labels, double smoothing, float* probs,
                             float* dlogits) {
  double total = 0;
  const double eps = smoothing, off = eps / k;
  for (int r = 0; r < n; r++) {
    const float* l = logits + static_cast<long>(r) * k;
    float* p = probs + static_cast<long>(r) * k;
    float* d = dlogits + static_cast<long>(r) * k;
    const double lse = softmax_row(k, l, p);
    for (int j = 0; j < k; j++) {
      const double target = (j == labels[r] ? 1.0 - eps : 0.0) + off;
      if (target != 0.0) total -= target * (static_cast<double>(l[j]) - lse);
      d[j] = static_cast<float>((static_cast<double>(p[j]) - target) / n);
    }
  }
  return total / n;
}

double mse(long len, const float* pred, const float* target, float* dpred) {
  double total = 0;
  const double s = 2.0 / static_cast<double>(len);
  for (long i0 = 0; i0 < len; i0 += 1024) {
    const long i1 = std::min(len, i0 + 1024);
    float block = 0.f;
    for (long i = i0; i < i1; i++) {
      const float d = pred[i] - target[i];
      block += d * d;
      dpred[i] = static_cast<float>(s * d);
    }
    total += block;
  }
  return total / static_cast<double>(len);
}

}  // namespace mlf
