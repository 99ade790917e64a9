// Batch normalization over the last axis, x viewed as (rows, C).
//
// Statistics in one pass per fixed chunk of rows: float sums of (x - shift) and
// (x - shift)² with shift = the chunk's first row (no cancellation), turned into
// a chunk mean and M2 in double, then merged in chunk order (Chan et al.). The
// chunking depends on rows only, so results do not depend on the thread count.
// The normalisation is a second pass y = (x - mean)·(gamma·invStd) + beta.
#include "simd.h"
#include "train.h"

namespace mlf {

using namespace simd;

namespace {

constexpr long kRows = 128;  // rows per statistics chunk

struct Chunks {
  long count;
  int nt;
};

Chunks plan_chunks(long rows, int c) {
  const long count = std::max<long>(1, (rows + kRows - 1) / kRows);
  return {count, static_cast<int>(std::min<long>(count, threads_for(static_cast<double>(rows) * c, 32768.0)))};
}

// s1 = Σ(a - sa), s2 = Σ(a - sa)(b - sb) over rows [r0, r1) for each channel
// (for variance a = b), with per-channel shifts sa, sb.
template <bool SAME>
void chunk_sums(const float* a, const float* b, long r0, long r1, int C, const float* sa, const float* sb, float* s1,
                float* s2, float* s1b) {
  int c = 0;
  for (; c < C; c += W) {
    const bool full = c + W <= C;
    const Mask m = mask_first(C - c);
    auto ld = [&](const float* p) { return full ? load(p) : loadm(p, m); };
    const V ka = ld(sa + c), kb = SAME ? ka : ld(sb + c);
    V acc1 = zero(), acc2 = zero(), acc1b = zero();
    for (long r = r0; r < r1; r++) {
      const V da = sub(ld(a + r * C + c), ka);
      if (SAME) {
        acc1 = add(acc1, da);
        acc2 = fma(da, da, acc2);
      } else {
        const V db = sub(ld(b + r * C + c), kb);
        acc1 = add(acc1, da);
        acc1b = add(acc1b, db);
        acc2 = fma(da, db, acc2);
      }
    }
    if (full) {
      store(s1 + c, acc1);
      store(s2 + c, acc2);
      if (!SAME) store(s1b + c, acc1b);
    } else {
      storem(s1 + c, acc1, m);
      storem(s2 + c, acc2, m);
      if (!SAME) storem(s1b + c, acc1b, m);
    }
  }
}

// y = (x - mean)·scale + beta per channel over rows [r0, r1); rows outer so each
// cache line is touched once.
void affine_rows(const float* x, long r0, long r1, int C, const float* mean, const float* sc, const float* beta,
                 float* y) {
  if (C % W == 0) {
    for (long r = r0; r < r1; r++)
      for (int c = 0; c < C; c += W)
        store(y + r * C + c, fma(sub(load(x + r * C + c), load(mean + c)), load(sc + c), load(beta + c)));
    return;
  }
  for (int c = 0; c < C; c += W) {
    const bool full = c + W <= C;
    const Mask m = mask_first(C - c);
    auto ld = [&](const float* p) { return full ? load(p) : loadm(p, m); };
    const V mu = ld(mean + c), a = ld(sc + c), b = ld(beta + c);
    for (long r = r0; r < r1; r++) {
      const V v = fma(sub(ld(x + r * C + c), mu), a, b);
      if (full) store(y + r * C + c, v);
      else storem(y + r * C + c, v, m);
    }
  }
}

}  // namespace

void batch_norm_train(long rows, int C, double eps, const float* x, const float* gamma, const float* beta, float* y,
                      float* saveMean, float* saveInvStd, float* runMean, float* runVar, double momentum) {
  const Chunks ch = plan_chunks(rows, C);
  // partials per chunk: s1 (C), s2 (C) as float
  float* part = shared_scratch(kSharedPartials, static_cast<size_t>(ch.count) * 2 * C + C);
  float* scl = part + ch.count * 2 * C;
  parallel_for(ch.count, ch.nt, [&](long k) {
    const long r0 = k * kRows, r1 = std::min(rows, r0 + kRows);
    const float* shift = x + r0 * C;
    chunk_sums<true>(x, x, r0, r1, C, shift, shift, part + k * 2 * C, part + k * 2 * C + C, nullptr);
  });
  for (int c = 0; c < C; c++) {
    double mean = 0, m2 = 0, cnt = 0;
    for (long k = 0; k < ch.count; k++) {
      const long r0 = k * kRows, nb = std::min(rows, r0 + kRows) - r0;
      const double s1 = part[k * 2 * C + c], s2 = part[k * 2 * C + C + c];
      const double meanB = x[r0 * C + c] + s1 / nb;
      const double m2B = std::max(0.0, s2 - s1 * s1 / nb);
      const double tot = cnt + nb, delta = meanB - mean;
      mean += delta * nb / tot;
      m2 += m2B + delta * delta * cnt * nb / tot;
      cnt = tot;
    }
    const double var = m2 / rows;
    const double invStd = 1.0 / std::sqrt(var + eps);
    saveMean[c] = static_cast<float>(mean);
    saveInvStd[c] = static_cast<float>(invStd);
    const double unbiased = rows > 1 ? m2 / (rows - 1) : var;
    runMean[c] = static_cast<float>(momentum * static_cast<double>(runMean[c]) + (1.0 - momentum) * mean);
    runVar[c] = static_cast<float>(momentum * static_cast<double>(runVar[c]) + (1.0 - momentum) * unbiased);
    scl[c] = static_cast<float>(gamma[c] * invStd);
  }
  parallel_ranges(rows, ch.nt, [&](long r0, long r1) { affine_rows(x, r0, r1, C, saveMean, scl, beta, y); });
}

void batch_norm_infer(long rows, int C, double eps, const float* x, const float* gamma, const float* beta,
                      const float* runMean, const float* runVar, float* y) {
  float* ss = shared_scratch(kSharedPartials, static_cast<size_t>(C));
  for (int c = 0; c < C; c++) ss[c] = static_cast<float>(gamma[c] / std::sqrt(static_cast<double>(runVar[c]) + eps));
  const int nt = threads_for(static_cast<double>(rows) * C, 32768.0);
  parallel_ranges(rows, nt, [&](long r0, long r1) { affine_rows(x, r0, r1, C, runMean, ss, beta, y); });
}

void batch_norm_backward(long rows, int C, const float* x, const float* gamma, const float* dy,
                         const float* saveMean, const float* saveInvStd, float* dx, float* dgamma, float* dbeta) {
  const Chunks ch = plan_chunks(rows, C);
  // Per chunk k: p[0..C) = Σdy, p[C..2C) = Σ(x-mean)·dy, p[2C..3C) = Σ(x-mean) (unused).
  float* part = shared_scratch(kSharedPartials, static_cast<size_t>(ch.count) * 3 * C + 4 * static_cast<size_t>(C));
  float* zeros = part + ch.count * 3 * C;
  float* ca = zeros + C;  // dx = ca·dy + cb·(x - mean) + cd
  float* cb = ca + C;
  float* cd = cb + C;
  std::memset(zeros, 0, sizeof(float) * C);
  parallel_for(ch.count, ch.nt, [&](long k) {
    const long r0 = k * kRows, r1 = std::min(rows, r0 + kRows);
    float* p = part + k * 3 * C;
    chunk_sums<false>(x, dy, r0, r1, C, saveMean, zeros, p + 2 * C, p + C, p);
  });
  for (int c = 0; c < C; c++) {
    double sdy = 0, sdxm = 0;
    for (long k = 0; k < ch.count; k++) {
      sdy += part[k * 3 * C + c];
      sdxm += part[k * 3 * C + C + c];
    }
    const double inv = saveInvStd[c];
    const double sumDyXhat = sdxm * inv;
    dbeta[c] = static_cast<float>(sdy);
    dgamma[c] = static_cast<float>(sumDyXhat);
    // dx = k·(rows·dy - Σdy - xhat·Σdy·xhat), k = gamma·invStd/rows, xhat = (x-mean)·invStd
    const double kk = gamma[c] * inv / rows;
    ca[c] = static_cast<float>(kk * rows);
    cb[c] = static_cast<float>(-kk * sumDyXhat * inv);
    cd[c] = static_cast<float>(-kk * sdy);
  }
  parallel_ranges(rows, ch.nt, [&](long r0, long r1) {
    if (C % W == 0) {
      for (long r = r0; r < r1; r++)
        for (int c = 0; c < C; c += W) {
          const V v = fma(load(ca + c), load(dy + r * C + c),
                          fma(load(cb + c), sub(load(x + r * C + c), load(saveMean + c)), load(cd + c)));
          store(dx + r * C + c, v);
        }
      return;
    }
    for (int c = 0; c < C; c += W) {
      const bool full = c + W <= C;
      const Mask m = mask_first(C - c);
      auto ld = [&](const float* p) { return full ? load(p) : loadm(p, m); };
      const V a = ld(ca + c), b = ld(cb + c), d = ld(cd + c), mu = ld(saveMean + c);
      for (long r = r0; r < r1; r++) {
        const V v = fma(a, ld(dy + r * C + c), fma(b, sub(ld(x + r * C + c), mu), d));
        if (full) store(dx + r * C + c, v);
        else storem(dx + r * C + c, v, m);
      }
    }
  });
}

}  // namespace mlf
