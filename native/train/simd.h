// A minimal float vector abstraction over AVX-512, AVX2+FMA, or plain C++
// (4 lanes) so each kernel is written once. `Mask` selects the first n lanes.
#pragma once

#include "common.h"

namespace mlf {
namespace simd {

#if defined(MLF_AVX512)
constexpr int W = 16;
using V = __m512;
using Mask = __mmask16;
inline Mask mask_first(int n) { return n >= 16 ? static_cast<Mask>(0xFFFF) : static_cast<Mask>((1u << n) - 1u); }
inline V zero() { return _mm512_setzero_ps(); }
inline V set1(float a) { return _mm512_set1_ps(a); }
inline V load(const float* p) { return _mm512_loadu_ps(p); }
inline V loadm(const float* p, Mask m) { return _mm512_maskz_loadu_ps(m, p); }
inline void store(float* p, V v) { _mm512_storeu_ps(p, v); }
inline void storem(float* p, V v, Mask m) { _mm512_mask_storeu_ps(p, m, v); }
inline V add(V a, V b) { return _mm512_add_ps(a, b); }
inline V sub(V a, V b) { return _mm512_sub_ps(a, b); }
inline V mul(V a, V b) { return _mm512_mul_ps(a, b); }
inline V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
/** g where 0 < y < cap, else +0. */
inline V relu_grad(V y, V g, V cap) {
  const Mask m = _mm512_cmp_ps_mask(y, _mm512_setzero_ps(), _CMP_GT_OQ) & _mm512_cmp_ps_mask(y, cap, _CMP_LT_OQ);
  return _mm512_maskz_mov_ps(m, g);
}
inline V max(V a, V b) { return _mm512_mask_max_ps(a, 0xFFFF, a, b); }  // not _mm512_max_ps: GCC 12 false -Wmaybe-uninitialized
inline V min(V a, V b) { return _mm512_mask_min_ps(a, 0xFFFF, a, b); }
#elif defined(MLF_AVX2)
constexpr int W = 8;
using V = __m256;
struct Mask { __m256i m; };
inline Mask mask_first(int n) {
  return {_mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))};
}
inline V zero() { return _mm256_setzero_ps(); }
inline V set1(float a) { return _mm256_set1_ps(a); }
inline V load(const float* p) { return _mm256_loadu_ps(p); }
inline V loadm(const float* p, Mask m) { return _mm256_maskload_ps(p, m.m); }
inline void store(float* p, V v) { _mm256_storeu_ps(p, v); }
inline void storem(float* p, V v, Mask m) { _mm256_maskstore_ps(p, m.m, v); }
inline V add(V a, V b) { return _mm256_add_ps(a, b); }
inline V sub(V a, V b) { return _mm256_sub_ps(a, b); }
inline V mul(V a, V b) { return _mm256_mul_ps(a, b); }
inline V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
inline V relu_grad(V y, V g, V cap) {
  const V m = _mm256_and_ps(_mm256_cmp_ps(y, _mm256_setzero_ps(), _CMP_GT_OQ), _mm256_cmp_ps(y, cap, _CMP_LT_OQ));
  return _mm256_and_ps(m, g);
}
inline V max(V a, V b) { return _mm256_max_ps(a, b); }
inline V min(V a, V b) { return _mm256_min_ps(a, b); }
#else
constexpr int W = 4;
struct V { float v[4]; };
struct Mask { int n; };
inline Mask mask_first(int n) { return {n}; }
inline V zero() { return {{0, 0, 0, 0}}; }
inline V set1(float a) { return {{a, a, a, a}}; }
inline V load(const float* p) { return {{p[0], p[1], p[2], p[3]}}; }
inline V loadm(const float* p, Mask m) {
  V r = zero();
  for (int i = 0; i < m.n && i < 4; i++) r.v[i] = p[i];
  return r;
}
inline void store(float* p, V v) { for (int i = 0; i < 4; i++) p[i] = v.v[i]; }
inline void storem(float* p, V v, Mask m) { for (int i = 0; i < m.n && i < 4; i++) p[i] = v.v[i]; }
#define MLF_SIMD_BINOP(name, expr) \
  inline V name(V a, V b) { V r; for (int i = 0; i < 4; i++) { float x = a.v[i], y = b.v[i]; r.v[i] = (expr); } return r; }
MLF_SIMD_BINOP(add, x + y)
MLF_SIMD_BINOP(sub, x - y)
MLF_SIMD_BINOP(mul, x * y)
MLF_SIMD_BINOP(max, x > y ? x : y)
MLF_SIMD_BINOP(min, x < y ? x : y)
#undef MLF_SIMD_BINOP
inline V fma(V a, V b, V c) { V r; for (int i = 0; i < 4; i++) r.v[i] = a.v[i] * b.v[i] + c.v[i]; return r; }
inline V relu_grad(V y, V g, V cap) {
  V r;
  for (int i = 0; i < 4; i++) r.v[i] = (y.v[i] > 0.f && y.v[i] < cap.v[i]) ? g.v[i] : 0.f;
  return r;
}
#endif

/** dst[0..n) = src[0..n): inline vector copy for the short runs of im2col and packing. */
inline void copy(float* dst, const float* src, long n) {
  long i = 0;
  for (; i + W <= n; i += W) store(dst + i, load(src + i));
  if (i < n) {
    const Mask m = mask_first(static_cast<int>(n - i));
    storem(dst + i, loadm(src + i, m), m);
  }
}

/** dst[0..n) = 0. */
inline void clear(float* dst, long n) {
  long i = 0;
  const V z = zero();
  for (; i + W <= n; i += W) store(dst + i, z);
  if (i < n) storem(dst + i, z, mask_first(static_cast<int>(n - i)));
}

}  // namespace simd
}  // namespace mlf
