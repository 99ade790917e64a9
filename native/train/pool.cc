// Average / max pooling and global average pooling, vectorized over channels.
//
// Padding taps are not part of a window (average divides by the in-bounds
// count; max ignores them; an empty window gives 0 and no gradient).
// avg backward is a gather (each dx written once, windows visited in output
// order, as the reference scatters them); max backward scatters per image.
#include "simd.h"
#include "train.h"

namespace mlf {

using namespace simd;

namespace {

struct Range {
  int lo, hi;
};
// In-bounds taps [lo, hi) of window o along one axis.
inline Range taps(int o, int stride, int pad, int k, int size) {
  const int i0 = o * stride - pad;
  return {std::max(0, -i0), std::min(k, size - i0)};
}

template <class F>
inline void for_vectors(int C, F&& body) {
  for (int c = 0; c < C; c += W) body(c, c + W <= C, mask_first(C - c));
}

}  // namespace

void avg_pool_forward(const PoolShape& s, const float* x, float* y) {
  const long rows = static_cast<long>(s.n) * s.outH;
  const int nt = threads_for(static_cast<double>(rows) * s.outW * s.c * s.kh * s.kw, 65536.0);
  parallel_for(rows, nt, [&](long r) {
    const long img = r / s.outH;
    const int oh = static_cast<int>(r - img * s.outH);
    const Range th = taps(oh, s.strideH, s.padTop, s.kh, s.h);
    const float* xi = x + img * s.h * static_cast<long>(s.w) * s.c;
    for (int ow = 0; ow < s.outW; ow++) {
      const Range tw = taps(ow, s.strideW, s.padLeft, s.kw, s.w);
      const int count = std::max(0, th.hi - th.lo) * std::max(0, tw.hi - tw.lo);
      const V inv = set1(count > 0 ? 1.f / static_cast<float>(count) : 0.f);
      float* yo = y + (r * s.outW + ow) * s.c;
      const int ih0 = oh * s.strideH - s.padTop, iw0 = ow * s.strideW - s.padLeft;
      for_vectors(s.c, [&](int c, bool full, Mask m) {
        V acc = zero();
        for (int kh = th.lo; kh < th.hi; kh++)
          for (int kw = tw.lo; kw < tw.hi; kw++) {
            const float* p = xi + ((static_cast<long>(ih0 + kh)) * s.w + iw0 + kw) * s.c + c;
            acc = add(acc, full ? load(p) : loadm(p, m));
          }
        acc = mul(acc, inv);
        if (full) store(yo + c, acc);
        else storem(yo + c, acc, m);
      });
    }
  });
}

void avg_pool_backward(const PoolShape& s, const float* dy, float* dx) {
  const long rows = static_cast<long>(s.n) * s.h;
  const int nt = threads_for(static_cast<double>(rows) * s.w * s.c * s.kh * s.kw, 65536.0);
  parallel_for(rows, nt, [&](long r) {
    const long img = r / s.h;
    const int ih = static_cast<int>(r - img * s.h);
    // windows oh whose rows cover ih: oh*sh - pt <= ih < oh*sh - pt + kh
    const int ohLo = std::max(0, (ih + s.padTop - s.kh + s.strideH) / s.strideH);
    const int ohHi = std::min(s.outH - 1, (ih + s.padTop) / s.strideH);
    const float* dyi = dy + img * s.outH * static_cast<long>(s.outW) * s.c;
    for (int iw = 0; iw < s.w; iw++) {
      const int owLo = std::max(0, (iw + s.padLeft - s.kw + s.strideW) / s.strideW);
      const int owHi = std::min(s.outW - 1, (iw + s.padLeft) / s.strideW);
      float* o = dx + ((img * s.h + ih) * static_cast<long>(s.w) + iw) * s.c;
      for_vectors(s.c, [&](int c, bool full, Mask m) {
        V acc = zero();
        for (int oh = ohLo; oh <= ohHi; oh++) {
          if (ih + s.padTop - oh * s.strideH < 0 || ih + s.padTop - oh * s.strideH >= s.kh) continue;
          const Range th = taps(oh, s.strideH, s.padTop, s.kh, s.h);
          for (int ow = owLo; ow <= owHi; ow++) {
            if (iw + s.padLeft - ow * s.strideW < 0 || iw + s.padLeft - ow * s.strideW >= s.kw) continue;
            const Range tw = taps(ow, s.strideW, s.padLeft, s.kw, s.w);
            const float inv = 1.f / static_cast<float>((th.hi - th.lo) * (tw.hi - tw.lo));
            const float* g = dyi + (static_cast<long>(oh) * s.outW + ow) * s.c + c;
            acc = fma(full ? load(g) : loadm(g, m), set1(inv), acc);
          }
        }
        if (full) store(o + c, acc);
        else storem(o + c, acc, m);
      });
    }
  });
}

void max_pool_forward(const PoolShape& s, const float* x, float* y) {
  const long rows = static_cast<long>(s.n) * s.outH;
  const int nt = threads_for(static_cast<double>(rows) * s.outW * s.c * s.kh * s.kw, 65536.0);
  parallel_for(rows, nt, [&](long r) {
    const long img = r / s.outH;
    const int oh = static_cast<int>(r - img * s.outH);
    const Range th = taps(oh, s.strideH, s.padTop, s.kh, s.h);
    const float* xi = x + img * s.h * static_cast<long>(s.w) * s.c;
    for (int ow = 0; ow < s.outW; ow++) {
      const Range tw = taps(ow, s.strideW, s.padLeft, s.kw, s.w);
      float* yo = y + (r * s.outW + ow) * s.c;
      const int ih0 = oh * s.strideH - s.padTop, iw0 = ow * s.strideW - s.padLeft;
      const bool empty = th.hi <= th.lo || tw.hi <= tw.lo;
      for_vectors(s.c, [&](int c, bool full, Mask m) {
        V acc = zero();
        bool first = true;
        for (int kh = th.lo; kh < th.hi; kh++)
          for (int kw = tw.lo; kw < tw.hi; kw++) {
            const float* p = xi + ((static_cast<long>(ih0 + kh)) * s.w + iw0 + kw) * s.c + c;
            const V v = full ? load(p) : loadm(p, m);
            acc = first ? v : max(acc, v);
            first = false;
          }
        if (empty) acc = zero();
        if (full) store(yo + c, acc);
        else storem(yo + c, acc, m);
      });
    }
  });
}

void max_pool_backward(const PoolShape& s, const float* x, const float* dy, float* dx) {
  const long imgIn = static_cast<long>(s.h) * s.w * s.c, imgOut = static_cast<long>(s.outH) * s.outW * s.c;
  const int nt = std::min<long>(s.n, threads_for(static_cast<double>(s.n) * imgOut * s.kh * s.kw, 65536.0));
  parallel_for(s.n, nt, [&](long img) {
    const float* xi = x + img * imgIn;
    const float* dyi = dy + img * imgOut;
    float* dxi = dx + img * imgIn;
    std::memset(dxi, 0, sizeof(float) * imgIn);
    for (int oh = 0; oh < s.outH; oh++) {
      const Range th = taps(oh, s.strideH, s.padTop, s.kh, s.h);
      for (int ow = 0; ow < s.outW; ow++) {
        const Range tw = taps(ow, s.strideW, s.padLeft, s.kw, s.w);
        if (th.hi <= th.lo || tw.hi <= tw.lo) continue;
        const int ih0 = oh * s.strideH - s.padTop, iw0 = ow * s.strideW - s.padLeft;
        const float* g = dyi + (static_cast<long>(oh) * s.outW + ow) * s.c;
        for (int c = 0; c < s.c; c++) {
          long best = -1;
          float bv = 0.f;
          for (int kh = th.lo; kh < th.hi; kh++)
            for (int kw = tw.lo; kw < tw.hi; kw++) {
              const long idx = ((static_cast<long>(ih0 + kh)) * s.w + iw0 + kw) * s.c + c;
              if (best < 0 || xi[idx] > bv) {
                best = idx;
                bv = xi[idx];
              }
            }
          dxi[best] += g[c];
        }
      }
    }
  });
}

void global_avg_pool_forward(int n, int hw, int c, const float* x, float* y) {
  const int nt = std::min(n, threads_for(static_cast<double>(n) * hw * c, 65536.0));
  const float inv = 1.f / static_cast<float>(hw);
  parallel_for(n, nt, [&](long img) {
    const float* xi = x + img * static_cast<long>(hw) * c;
    for_vectors(c, [&](int ch, bool full, Mask m) {
      V acc = zero();
      for (int p = 0; p < hw; p++) acc = add(acc, full ? load(xi + static_cast<long>(p) * c + ch) : loadm(xi + static_cast<long>(p) * c + ch, m));
      acc = mul(acc, set1(inv));
      if (full) store(y + img * c + ch, acc);
      else storem(y + img * c + ch, acc, m);
    });
  });
}

void global_avg_pool_backward(int n, int hw, int c, const float* dy, float* dx) {
  const int nt = std::min(n, threads_for(static_cast<double>(n) * hw * c, 65536.0));
  const float inv = 1.f / static_cast<float>(hw);
  parallel_for(n, nt, [&](long img) {
    float* d = dx + img * static_cast<long>(hw) * c;
    for_vectors(c, [&](int ch, bool full, Mask m) {
      const V g = mul(full ? load(dy + img * c + ch) : loadm(dy + img * c + ch, m), set1(inv));
      for (int p = 0; p < hw; p++) {
        if (full) store(d + static_cast<long>(p) * c + ch, g);
        else storem(d + static_cast<long>(p) * c + ch, g, m);
      }
    });
  });
}

}  // namespace mlf
