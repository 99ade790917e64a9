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

// Applies f to whole vectors of [b, e) and then to the masked tail.
template <class F>
inline void vectors(long b, long e, F&& f) {
  long i = b;
  for (; i + W <= e; i += W) f(i, true, mask_first(W));
  if (i < e) f(i, false, mask_first(static_cast<int>(e - i)));
}

void relu_forward(long len, const float* x, float* y, float cap) {
  elementwise(len, [&](long b, long e) {
    const V cp = set1(cap), z = zero();
    vectors(b, e, [&](long i, bool full, Mask m) {
      const V v = min(max(full ? load(x + i) : loadm(x + i, m), z), cp);
      if (full) store(y + i, v);
      else storem(y + i, v, m);
    });
  });
}

void relu_backward(long len, const float* y, const float* dy, float* dx, float cap) {
  elementwise(len, [&](long b, long e) {
    const V cp = set1(cap);
    vectors(b, e, [&](long i, bool full, Mask m) {
      const V v = relu_grad(full ? load(y + i) : loadm(y + i, m), full ? load(dy + i) : loadm(dy + i, m), cp);
      if (full) store(dx + i, v);
      else storem(dx + i, v, m);
    });
  });
}

void add_forward(long len, const float* a, const float* b, float* y) {
  elementwise(len, [&](long s, long e) {
    vectors(s, e, [&](long i, bool full, Mask m) {
      if (full) store(y + i, add(load(a + i), load(b + i)));
      else storem(y + i, add(loadm(a + i, m), loadm(b + i, m)), m);
    });
  });
}

void dropout_forward(long len, const float* x, float* y, float* mask, double rate, uint32_t seed) {
  // keep ⇔ h/2^32 ≥ rate ⇔ h ≥ ceil(rate·2^32) (h an integer); thr = 2^32 keeps nothing
  const uint64_t thr64 = static_cast<uint64_t>(std::ceil(rate * 4294967296.0));
  const bool none = thr64 > 0xFFFFFFFFull;
  const uint32_t thr = none ? 0u : static_cast<uint32_t>(thr64);
  const float keep = none ? 0.f : static_cast<float>(1.0 / (1.0 - rate));
  auto hash = [seed](uint32_t i) {
    uint32_t h = seed + i * 0x9E3779B9u;
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h;
  };
  elementwise(len, [&](long b, long e) {
    long i = b;
#if defined(MLF_AVX512)
    const __m512i golden = _mm512_set1_epi32(static_cast<int>(0x9E3779B9u)), c1 = _mm512_set1_epi32(static_cast<int>(0x85EBCA6Bu)),
                  c2 = _mm512_set1_epi32(static_cast<int>(0xC2B2AE35u)), sd = _mm512_set1_epi32(static_cast<int>(seed)),
                  th = _mm512_set1_epi32(static_cast<int>(thr)), lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512 kv = _mm512_set1_ps(keep);
    // maskz shifts: GCC 12 warns falsely on _mm512_srli_epi32
    for (; i + 16 <= e; i += 16) {
      __m512i h = _mm512_add_epi32(sd, _mm512_mullo_epi32(_mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(i)), lane), golden));
      h = _mm512_xor_si512(h, _mm512_maskz_srli_epi32(0xFFFF, h, 16));
      h = _mm512_mullo_epi32(h, c1);
      h = _mm512_xor_si512(h, _mm512_maskz_srli_epi32(0xFFFF, h, 13));
      h = _mm512_mullo_epi32(h, c2);
      h = _mm512_xor_si512(h, _mm512_maskz_srli_epi32(0xFFFF, h, 16));
      const __mmask16 k = _mm512_cmp_epu32_mask(h, th, _MM_CMPINT_NLT);
      const __m512 m = _mm512_maskz_mov_ps(k, kv);
      _mm512_storeu_ps(mask + i, m);
      _mm512_storeu_ps(y + i, _mm512_mul_ps(_mm512_loadu_ps(x + i), m));
    }
#endif
    for (; i < e; i++) {
      const float m = hash(static_cast<uint32_t>(i)) >= thr ? keep : 0.f;
      mask[i] = m;
      y[i] = x[i] * m;
    }
  });
}

void dropout_backward(long len, const float* dy, const float* mask, float* dx) {
  elementwise(len, [&](long b, long e) {
    vectors(b, e, [&](long i, bool full, Mask m) {
      if (full) store(dx + i, mul(load(dy + i), load(mask + i)));
      else storem(dx + i, mul(loadm(dy + i, m), loadm(mask + i, m)), m);
    });
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
    vectors(b, e, [&](long i, bool full, Mask m) {
      if (full) store(y + i, add(load(y + i), load(x + i)));
      else storem(y + i, add(loadm(y + i, m), loadm(x + i, m)), m);
    });
  });
}

}  // namespace mlf
