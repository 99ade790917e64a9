// Blocked SGEMM for the training kernels: C (M×N) (+)= A (M×K) · B (K×N) [+ bias].
//
// A is packed per row panel into MR rows × KC columns, row-major with the
// compile-time row stride KC, so the micro-kernel broadcasts A[i][k] from
// `base + i*KC*4` (an immediate displacement) while it streams B rows as
// vectors. Packing is therefore a plain row copy, never a transpose, and the
// caller supplies it: a matrix (dense, 1×1 conv) or an implicit im2col (conv).
// B is read in place (row stride ldb, masked tail), never packed.
//
// Each C element is written by exactly one task with a fixed k order, so the
// result does not depend on the thread count.
#pragma once

#include "common.h"

namespace mlf {

constexpr int KC = 256;  // A block columns (contraction slice)

#if defined(MLF_AVX512)
constexpr int VL = 16;
#elif defined(MLF_AVX2)
constexpr int VL = 8;
#else
constexpr int VL = 4;
#endif

struct GemmPlan {
  int MR;  // rows per micro-tile
  int NV;  // vectors per micro-tile row
  int NR;  // NV * VL
};

/** Micro-tile shape for a GEMM whose C has n columns. */
GemmPlan gemm_plan(int n);

/**
 * One row panel: C[0..mvalid) × [0..ncols) (ldc) = (acc ? C : 0) + Ap·B + (bias ? bias : 0).
 * Ap: MR×KC block (rows ≥ mvalid zero), kc ≤ KC columns used; B: kc×ncols, row stride ldb.
 */
void gemm_panel(const GemmPlan& p, int kc, const float* Ap, const float* B, long ldb,
                float* C, long ldc, int mvalid, int ncols, bool acc, const float* bias);

/**
 * Like gemm_panel with A given transposed: A[i][k] = At[k*lda + i], i < mvalid (never
 * read beyond), k < kc (any kc: no KC limit). No bias.
 */
void gemm_panel_t(const GemmPlan& p, int kc, const float* At, long lda, const float* B, long ldb, float* C, long ldc,
                  int mvalid, int ncols, bool acc);

/**
 * Packs rows [row0, row0+mvalid) × cols [k0, k0+kc) of a row-major matrix
 * (row stride lda) into dst (MR × KC, row stride KC).
 */
void pack_rows(const float* A, long lda, int row0, int mvalid, int k0, int kc, int MR, float* dst);

/** dst (cols × rows, ld dstld) = src (rows × cols, ld srcld)ᵀ. */
void transpose(const float* src, long srcld, int rows, int cols, float* dst, long dstld);

/**
 * C (M×N, ldc) (+)= A·B (+ bias) with A given by packA(dst, row0, mvalid, k0, kc),
 * which fills dst[i*KC + k] for i < mvalid, k < kc (the driver zeroes rows ≥ mvalid).
 * Parallel over row panels (and column groups when rows are few).
 */
template <class PackA>
void gemm(int M, int N, int K, PackA&& packA, const float* B, long ldb, float* C, long ldc,
          const float* bias, bool accumulate, int maxThreads = 0) {
  if (M <= 0 || N <= 0) return;
  const GemmPlan p = gemm_plan(N);
  const int rp = (M + p.MR - 1) / p.MR;
  const int cp = (N + p.NR - 1) / p.NR;
  int nt = threads_for(2.0 * M * N * std::max(K, 1), 400000.0);
  if (maxThreads > 0) nt = std::min(nt, maxThreads);
  int cg = 1;
  if (nt > 1 && rp < 4 * nt) cg = std::min(cp, (4 * nt + rp - 1) / rp);
  const int cpg = (cp + cg - 1) / cg;  // NR panels per column group
  cg = (cp + cpg - 1) / cpg;
  const long tasks = static_cast<long>(rp) * cg;
  if (K <= 0) {  // C = bias or unchanged
    parallel_for(M, nt, [&](long i) {
      float* c = C + i * ldc;
      if (!accumulate) for (int j = 0; j < N; j++) c[j] = bias ? bias[j] : 0.f;
      else if (bias) for (int j = 0; j < N; j++) c[j] += bias[j];
    });
    return;
  }
  parallel_ranges(tasks, nt, [&](long tb, long te) {
    float* Ap = scratch(kSlotPackA, static_cast<size_t>(p.MR) * KC);
    for (long t = tb; t < te; t++) {
      const int r = static_cast<int>(t / cg), g = static_cast<int>(t % cg);
      const int row0 = r * p.MR, mvalid = std::min(p.MR, M - row0);
      const int c0 = g * cpg * p.NR, ncols = std::min(cpg * p.NR, N - c0);
      for (int k0 = 0; k0 < K; k0 += KC) {
        const int kc = std::min(KC, K - k0);
        packA(Ap, row0, mvalid, k0, kc);
        if (mvalid < p.MR) std::memset(Ap + static_cast<size_t>(mvalid) * KC, 0, sizeof(float) * (p.MR - mvalid) * KC);
        gemm_panel(p, kc, Ap, B + static_cast<long>(k0) * ldb + c0, ldb, C + static_cast<long>(row0) * ldc + c0, ldc,
                   mvalid, ncols, accumulate || k0 > 0, k0 == 0 && bias ? bias + c0 : nullptr);
      }
    }
  });
}

/** Packer for a plain row-major A (row stride lda). */
struct MatrixPacker {
  const float* A;
  long lda;
  int MR;
  void operator()(float* dst, int row0, int mvalid, int k0, int kc) const {
    pack_rows(A, lda, row0, mvalid, k0, kc, MR, dst);
  }
};

/** C (M×N) (+)= A (M×K, lda) · B (K×N, ldb) (+ bias). */
inline void gemm_nn(int M, int N, int K, const float* A, long lda, const float* B, long ldb, float* C, long ldc,
                    const float* bias, bool accumulate, int maxThreads = 0) {
  GemmPlan p = gemm_plan(N);
  gemm(M, N, K, MatrixPacker{A, lda, p.MR}, B, ldb, C, ldc, bias, accumulate, maxThreads);
}

/**
 * C (M×N, ldc) = Aᵀ·B with At (K×M, lda) and B (K×N, ldb): a contraction over the
 * rows of both, as in weight gradients (xᵀ·dy). Parallel over row panels of C and
 * column groups; each C element is computed by one task in a fixed k order.
 */
void gemm_tn(int M, int N, int K, const float* At, long lda, const float* B, long ldb, float* C, long ldc,
             int maxThreads = 0);

}  // namespace mlf
