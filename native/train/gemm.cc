// SGEMM micro-kernels and panel loop (see gemm.h for the blocking scheme).
//
// Micro-tile MR × (NV·VL): MR·NV accumulators stay in registers; per k the
// kernel loads NV vectors of B and broadcasts MR scalars of A (an FMA with a
// broadcast memory operand on AVX-512). Tile shapes (AVX-512, 32 registers):
// 24×16, 14×32, 9×48, 6×64 — chosen by the width of C so narrow TinyML layers
// (16–64 channels) still fill the registers.
#include "gemm.h"

#include "simd.h"

namespace mlf {

using namespace simd;

namespace {

// TA = false: A[i][k] at Ap[i*KC + k] (packed block); TA = true: A[i][k] at Ap[k*lda + i]
// (A given transposed, e.g. an im2col or activation matrix read by columns).
template <int MR, int NV, bool FULL, bool TA>
void ukernel(int kc, const float* __restrict Ap, long lda, const float* __restrict B, long ldb, float* __restrict C,
             long ldc, int mvalid, int lastn, bool acc, const float* __restrict bias) {
  V c[MR][NV];
#pragma GCC unroll 32
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) c[i][v] = zero();
  const Mask lm = mask_first(lastn);
#pragma GCC unroll 2
  for (int k = 0; k < kc; k++) {
    V b[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) b[v] = (FULL || v < NV - 1) ? load(B + v * W) : loadm(B + v * W, lm);
#pragma GCC unroll 32
    for (int i = 0; i < MR; i++) {
      const V a = set1(TA ? Ap[i] : Ap[i * KC + k]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) c[i][v] = fma(a, b[v], c[i][v]);
    }
    B += ldb;
    if (TA) Ap += lda;
  }
  V bv[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; v++) bv[v] = bias ? ((FULL || v < NV - 1) ? load(bias + v * W) : loadm(bias + v * W, lm)) : zero();
  for (int i = 0; i < mvalid; i++) {
    float* ci = C + i * ldc;
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) {
      const bool full = FULL || v < NV - 1;
      V r = add(c[i][v], bv[v]);
      if (acc) r = add(r, full ? load(ci + v * W) : loadm(ci + v * W, lm));
      if (full) store(ci + v * W, r);
      else storem(ci + v * W, r, lm);
    }
  }
}

using UK = void (*)(int, const float*, long, const float*, long, float*, long, int, int, bool, const float*);

template <int MR, int NV>
void tile(int kc, const float* Ap, long lda, const float* B, long ldb, float* C, long ldc, int mvalid, int lastn,
          bool acc, const float* bias) {
  if (lda > 0) {
    if (lastn == W) ukernel<MR, NV, true, true>(kc, Ap, lda, B, ldb, C, ldc, mvalid, lastn, acc, bias);
    else ukernel<MR, NV, false, true>(kc, Ap, lda, B, ldb, C, ldc, mvalid, lastn, acc, bias);
  } else {
    if (lastn == W) ukernel<MR, NV, true, false>(kc, Ap, 0, B, ldb, C, ldc, mvalid, lastn, acc, bias);
    else ukernel<MR, NV, false, false>(kc, Ap, 0, B, ldb, C, ldc, mvalid, lastn, acc, bias);
  }
}

template <int MR, int NVMAX>
UK pick(int nv) {
  if constexpr (NVMAX >= 4) if (nv >= 4) return tile<MR, 4>;
  if constexpr (NVMAX >= 3) if (nv == 3) return tile<MR, 3>;
  if constexpr (NVMAX >= 2) if (nv == 2) return tile<MR, 2>;
  return tile<MR, 1>;
}

UK pick(int MR, int nv) {
  switch (MR) {
#if defined(MLF_AVX512)
    case 24: return pick<24, 1>(nv);
    case 14: return pick<14, 2>(nv);
    case 9: return pick<9, 3>(nv);
    case 6: return pick<6, 4>(nv);
#elif defined(MLF_AVX2)
    case 12: return pick<12, 1>(nv);
    case 6: return pick<6, 2>(nv);
#else
    case 4: return pick<4, 2>(nv);
#endif
    default: return nullptr;
  }
}

}  // namespace

GemmPlan gemm_plan(int n) {
  const int nvec = (n + W - 1) / W;
#if defined(MLF_AVX512)
  if (nvec <= 1) return {24, 1, W};
  if (nvec == 2) return {14, 2, 2 * W};
  if (nvec == 3 || (nvec % 4 != 0 && nvec % 3 == 0)) return {9, 3, 3 * W};
  return {6, 4, 4 * W};
#elif defined(MLF_AVX2)
  if (nvec <= 1) return {12, 1, W};
  return {6, 2, 2 * W};
#else
  (void)nvec;
  return {4, 2, 2 * W};
#endif
}

namespace {
void panel(const GemmPlan& p, int kc, const float* Ap, long lda, const float* B, long ldb, float* C, long ldc,
           int mvalid, int ncols, bool acc, const float* bias) {
  const UK full = pick(p.MR, p.NV);
  int j = 0;
  for (; j + p.NR <= ncols; j += p.NR)
    full(kc, Ap, lda, B + j, ldb, C + j, ldc, mvalid, W, acc, bias ? bias + j : nullptr);
  if (j < ncols) {
    const int rest = ncols - j, nv = (rest + W - 1) / W;
    pick(p.MR, nv)(kc, Ap, lda, B + j, ldb, C + j, ldc, mvalid, rest - (nv - 1) * W, acc, bias ? bias + j : nullptr);
  }
}
}  // namespace

void gemm_panel(const GemmPlan& p, int kc, const float* Ap, const float* B, long ldb, float* C, long ldc,
                int mvalid, int ncols, bool acc, const float* bias) {
  panel(p, kc, Ap, 0, B, ldb, C, ldc, mvalid, ncols, acc, bias);
}

void gemm_panel_t(const GemmPlan& p, int kc, const float* At, long lda, const float* B, long ldb, float* C, long ldc,
                  int mvalid, int ncols, bool acc) {
  if (mvalid == p.MR) {
    panel(p, kc, At, lda, B, ldb, C, ldc, mvalid, ncols, acc, nullptr);
    return;
  }
  // A partial panel would read past the last valid column: copy it, zero-padded to MR.
  float* t = scratch(kSlotMisc, static_cast<size_t>(kc) * p.MR);
  for (int k = 0; k < kc; k++) {
    float* d = t + static_cast<long>(k) * p.MR;
    const float* src = At + k * lda;
    for (int i = 0; i < mvalid; i++) d[i] = src[i];
    for (int i = mvalid; i < p.MR; i++) d[i] = 0.f;
  }
  panel(p, kc, t, p.MR, B, ldb, C, ldc, mvalid, ncols, acc, nullptr);
}

void gemm_tn(int M, int N, int K, const float* At, long lda, const float* B, long ldb, float* C, long ldc,
             int maxThreads) {
  if (M <= 0 || N <= 0) return;
  const GemmPlan p = gemm_plan(N);
  const int rp = (M + p.MR - 1) / p.MR, cp = (N + p.NR - 1) / p.NR;
  int nt = threads_for(2.0 * M * N * std::max(K, 1), 400000.0);
  if (maxThreads > 0) nt = std::min(nt, maxThreads);
  int cg = 1;
  if (nt > 1 && rp < 4 * nt) cg = std::min(cp, (4 * nt + rp - 1) / rp);
  const int cpg = (cp + cg - 1) / cg;
  cg = (cp + cpg - 1) / cpg;
  parallel_for(static_cast<long>(rp) * cg, nt, [&](long t) {
    const int r = static_cast<int>(t / cg), g = static_cast<int>(t % cg);
    const int row0 = r * p.MR, mvalid = std::min(p.MR, M - row0);
    const int c0 = g * cpg * p.NR, ncols = std::min(cpg * p.NR, N - c0);
    float* c = C + static_cast<long>(row0) * ldc + c0;
    if (K <= 0) {
      for (int i = 0; i < mvalid; i++) std::memset(c + i * ldc, 0, sizeof(float) * ncols);
      return;
    }
    for (int k0 = 0; k0 < K; k0 += KC) {
      const int kc = std::min(KC, K - k0);
      gemm_panel_t(p, kc, At + static_cast<long>(k0) * lda + row0, lda, B + static_cast<long>(k0) * ldb + c0, ldb, c,
                   ldc, mvalid, ncols, k0 > 0);
    }
  });
}

void pack_rows(const float* A, long lda, int row0, int mvalid, int k0, int kc, int MR, float* dst) {
  (void)MR;
  for (int i = 0; i < mvalid; i++) copy(dst + static_cast<size_t>(i) * KC, A + static_cast<long>(row0 + i) * lda + k0, kc);
}

void transpose(const float* src, long srcld, int rows, int cols, float* dst, long dstld) {
  constexpr int BS = 16;
  for (int r0 = 0; r0 < rows; r0 += BS)
    for (int c0 = 0; c0 < cols; c0 += BS) {
      const int r1 = std::min(rows, r0 + BS), c1 = std::min(cols, c0 + BS);
      for (int c = c0; c < c1; c++)
        for (int r = r0; r < r1; r++) dst[static_cast<long>(c) * dstld + r] = src[static_cast<long>(r) * srcld + c];
    }
}

}  // namespace mlf
