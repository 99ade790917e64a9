// Shared plumbing for the float32 training kernels: SIMD width, thread helpers
// and per-thread scratch. Not a tensor library: kernels take raw pointers and
// trust the shapes the executor validated.
//
// Threads: OpenMP with static partitions only. Every reduction is split into
// chunks whose boundaries depend on the problem size alone (never on the thread
// count or timing) and the chunk partials are combined in order, so results are
// bit-identical run to run and across thread counts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <cmath>
#include <algorithm>

#if defined(_OPENMP)
#include <omp.h>
#endif

#if defined(__AVX512F__)
#include <immintrin.h>
#define MLF_AVX512 1
#elif defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define MLF_AVX2 1
#endif

namespace mlf {

inline int max_threads() {
#if defined(_OPENMP)
  return omp_get_max_threads();
#else
  return 1;
#endif
}

inline int thread_id() {
#if defined(_OPENMP)
  return omp_get_thread_num();
#else
  return 0;
#endif
}

inline int num_threads_in_team() {
#if defined(_OPENMP)
  return omp_get_num_threads();
#else
  return 1;
#endif
}

/** Threads worth using for `work` units (≈ flops or bytes touched); 1 below the threshold. */
inline int threads_for(double work, double perThread = 65536.0) {
  int t = max_threads();
  int want = static_cast<int>(work / perThread);
  return std::max(1, std::min(t, want));
}

/** [begin, end) of part p of `total` split into `parts` contiguous near-equal ranges. */
inline void split_range(long total, int parts, int p, long* begin, long* end) {
  long q = total / parts, r = total % parts;
  *begin = p * q + std::min<long>(p, r);
  *end = *begin + q + (p < r ? 1 : 0);
}

/**
 * Runs body(begin, end) over [0, total) split into contiguous ranges, one per
 * thread (static). Use only where each index is independent.
 */
template <class F>
inline void parallel_ranges(long total, int nthreads, F&& body) {
  if (nthreads <= 1 || total <= 1) {
    body(0L, total);
    return;
  }
#if defined(_OPENMP)
#pragma omp parallel num_threads(nthreads)
  {
    int nt = num_threads_in_team(), t = thread_id();
    long b, e;
    split_range(total, nt, t, &b, &e);
    if (b < e) body(b, e);
  }
#else
  body(0L, total);
#endif
}

/** Runs body(i) for i in [0, count) with a static schedule. */
template <class F>
inline void parallel_for(long count, int nthreads, F&& body) {
  parallel_ranges(count, nthreads, [&](long b, long e) {
    for (long i = b; i < e; i++) body(i);
  });
}

/**
 * Per-thread scratch that grows and stays (64-byte aligned). Slots keep
 * buffers that live at the same time apart.
 */
float* scratch(int slot, size_t floats);
/** Scratch shared by all threads of one call (taken by the calling thread before a parallel region). */
float* shared_scratch(int slot, size_t floats);

enum ScratchSlot { kSlotPackA = 0, kSlotIm2col = 1, kSlotTile = 2, kSlotMisc = 3, kSlotCount = 4 };
enum SharedSlot { kSharedPartials = 0, kSharedWeights = 1, kSharedPad = 2, kSharedCount = 3 };

}  // namespace mlf
