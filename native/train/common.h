// Shared plumbing for the float32 training kernels: SIMD width, thread helpers
// and per-thread scratch. Not a tensor library: kernels take raw pointers and
// trust the shapes the executor validated.
//
// Threads: a small persistent pool (threads.cc), not OpenMP. Work is cut into
// items that the calling thread and the workers claim from an atomic counter,
// so a worker the OS has not scheduled yet never delays a call (an OpenMP
// barrier would wait for it — 100× slowdowns on a busy machine). Every
// reduction is split into chunks whose boundaries depend on the problem size
// alone (never on the thread count or timing) and the chunk partials are
// combined in order, so results are bit-identical run to run and across
// thread counts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <cmath>
#include <algorithm>
#include <type_traits>

#if defined(__AVX512F__)
#include <immintrin.h>
#define MLF_AVX512 1
#elif defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define MLF_AVX2 1
#endif

namespace mlf {

/** Threads a kernel may use (the caller plus pool workers); set with set_max_threads. */
int max_threads();
/** Sets the thread budget (1 = run everything on the calling thread); returns the value in force. */
int set_max_threads(int n);

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
 * Runs fn(ctx, i) for every i in [0, count), on the calling thread and up to
 * nthreads-1 pool workers, items claimed dynamically. Returns when all are done.
 * Nested calls (from inside an item) and calls while another thread holds the
 * pool run inline.
 */
void run_items(long count, int nthreads, void (*fn)(void*, long), void* ctx);

/** Runs body(i) for i in [0, count); each index independent. */
template <class F>
inline void parallel_for(long count, int nthreads, F&& body) {
  if (nthreads <= 1 || count <= 1) {
    for (long i = 0; i < count; i++) body(i);
    return;
  }
  using B = std::remove_reference_t<F>;
  run_items(count, nthreads, [](void* c, long i) { (*static_cast<B*>(c))(i); }, const_cast<void*>(static_cast<const void*>(&body)));
}

/**
 * Runs body(begin, end) over [0, total) cut into contiguous ranges (a few per
 * thread, for balance). Use only where each index is independent.
 */
template <class F>
inline void parallel_ranges(long total, int nthreads, F&& body) {
  if (nthreads <= 1 || total <= 1) {
    body(0L, total);
    return;
  }
  const int parts = static_cast<int>(std::min<long>(total, 4L * nthreads));
  parallel_for(parts, nthreads, [&](long p) {
    long b, e;
    split_range(total, parts, static_cast<int>(p), &b, &e);
    if (b < e) body(b, e);
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
enum SharedSlot { kSharedPartials = 0, kSharedWeights = 1, kSharedPad = 2, kSharedDirect = 3, kSharedCount = 4 };

}  // namespace mlf
