// Element-wise kernels: ReLU/ReLU6, add, dropout, scale, accumulate. Memory
// bound; split into contiguous ranges across threads only when large enough
// to pay for waking a worker. Plain loops the compiler vectorizes.
#include "simd.h"
#include "train.h"

namespace mlf {

using namespace simd;

namespace {
constexpr double kPerThread = 32768.0;

template <class F>
void elementwise(long len, F&& body) {
  parallel_ranges(len, threads_for(static_cast<double>(len), kPerThread), body);
}
}  // namespace

void relu_forward(long len, const float* x, float* y, float cap) {
  elementwise(len, [&](long b, long e) {
    for (long i = b; i < e; i++) {
      const float v = x[i] > 0.f ? x[i] : 0.f;
      y[i] = v < cap ? v : cap;
    }
  });
}

void relu_backward(long len, const float* y, const float* dy, float* dx, float cap) {
  elementwise(len, [&](long b, long e) {
    for (long i = b; i < e; i++) {
      const float g = dy[i], v = y[i];  // unconditional loads: the loop vectorizes as a blend
      dx[i] = (v > 0.f && v < cap) ? g : 0.f;
    }
  });
}

void add_forward(long len, const float* a, const float* b, float* y) {
  elementwise(len, [&](long s, long e) {
    for (long i = s; i < e; i++) y[i] = a[i] + b[i];
  });
}

void dropout_forward(long len, const float* x, float* y, float* mask, double rate, uint32_t seed) {
  // keep ⇔ h/2^32 ≥ rate ⇔ h ≥ ceil(rate·2^32) (h an integer); thr = 2^32 keeps nothing
  const uint64_t thr64 = static_cast<uint64_t>(std::ceil(rate * 4294967296.0));
  const bool none = thr64 > 0xFFFFFFFFull;
  const uint32_t thr = none ? 0u : static_cast<uint32_t>(thr64);
  const float keep = none ? 0.f : static_cast<float>(1.0 / (1.0 - rate));
  elementwise(len, [&](long b, long e) {
    for (long i = b; i < e; i++) {
      uint32_t h = seed + static_cast<uint32_t>(i) * 0x9E3779B9u;
      h ^= h >> 16;
      h *= 0x85EBCA6Bu;
      h ^= h >> 13;
      h *= 0xC2B2AE35u;
      h ^= h >> 16;
      const float m = h >= thr ? keep : 0.f;
      mask[i] = m;
      y[i] = x[i] * m;
    }
  });
}

void dropout_backward(long len, const float* dy, const float* mask, float* dx) {
  elementwise(len, [&](long b, long e) {
    for (long i = b; i < e; i++) dx[i] = dy[i] * mask[i];
  });
}

void scale(long len, float* x, double a) {
  // the product in double, rounded once: bit-identical to the reference
  elementwise(len, [&](long b, long e) {
    for (long i = b; i < e; i++) x[i] = static_cast<float>(static_cast<double>(x[i]) * a);
  });
}

void accumulate(long len, const float* x, float* y) {
  elementwise(len, [&](long b, long e) {
    for (long i = b; i < e; i++) y[i] += x[i];
  });
}

}  // namespace mlf
