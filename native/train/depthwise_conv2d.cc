// Depthwise conv2d forward and backward: direct loops vectorized over channels
// (NHWC keeps them contiguous). Memory-bound; no GEMM.
//
//   forward  y[o,p]  = b[o] + Σ_taps x[c(o), p+tap]·w[tap,o]        o = c·M + m
//   input    dx[c,q] = Σ_m Σ_taps dy[c·M+m, q-tap]·w[tap,c·M+m]     gather form: each dx written once
//   weights  dw[tap,o] = Σ_{n,p} x[c(o), p+tap]·dy[o,p]             chunked over output rows, ordered combine
//
// A multiplier M > 1 expands the input channels (c → c·M+m) into scratch first,
// so every inner loop is the M = 1 loop over C·M channels.
#include "simd.h"
#include "train.h"

namespace mlf {

using namespace simd;

namespace {

// One output row of one image, M = 1 view: xi (H,W,C) → yrow (OW,C).
void fwd_row(const DepthwiseShape& s, int C, const float* xi, const float* w, const float* b, int oh, float* yrow) {
  const int ih0 = oh * s.strideH - s.padTop;
  const int khLo = std::max(0, -ih0), khHi = std::min(s.kh, s.h - ih0);
  for (int ow = 0; ow < s.outW; ow++) {
    const int iw0 = ow * s.strideW - s.padLeft;
    const int kwLo = std::max(0, -iw0), kwHi = std::min(s.kw, s.w - iw0);
    float* yo = yrow + static_cast<long>(ow) * C;
    for (int c0 = 0; c0 < C; c0 += 4 * W) {
      const int cn = std::min(4 * W, C - c0);
      const int nv = (cn + W - 1) / W;
      const Mask lm = mask_first(cn - (nv - 1) * W);
      V acc[4];
      for (int v = 0; v < 4; v++) {
        if (v >= nv) break;
        const bool full = v < nv - 1 || cn % W == 0;
        acc[v] = b ? (full ? load(b + c0 + v * W) : loadm(b + c0 + v * W, lm)) : zero();
      }
      for (int kh = khLo; kh < khHi; kh++) {
        const float* xr = xi + (static_cast<long>(ih0 + kh) * s.w) * C + c0;
        const float* wr = w + static_cast<long>(kh * s.kw) * C + c0;
        for (int kw = kwLo; kw < kwHi; kw++) {
          const float* xp = xr + static_cast<long>(iw0 + kw) * C;
          const float* wp = wr + static_cast<long>(kw) * C;
          if (nv == 4 && cn == 4 * W) {
            acc[0] = fma(load(xp), load(wp), acc[0]);
            acc[1] = fma(load(xp + W), load(wp + W), acc[1]);
            acc[2] = fma(load(xp + 2 * W), load(wp + 2 * W), acc[2]);
            acc[3] = fma(load(xp + 3 * W), load(wp + 3 * W), acc[3]);
          } else {
            for (int v = 0; v < nv; v++) {
              const bool full = v < nv - 1 || cn % W == 0;
              acc[v] = full ? fma(load(xp + v * W), load(wp + v * W), acc[v])
                            : fma(loadm(xp + v * W, lm), loadm(wp + v * W, lm), acc[v]);
            }
          }
        }
      }
      for (int v = 0; v < nv; v++) {
        const bool full = v < nv - 1 || cn % W == 0;
        if (full) store(yo + c0 + v * W, acc[v]);
        else storem(yo + c0 + v * W, acc[v], lm);
      }
    }
  }
}

// One input row of dx for one image, gather form over the expanded channels C = c·M:
// out (W, C) = Σ taps dy[oh,ow]·w[tap] for the (oh,ow) that read (ih, iw).
void bwd_data_row(const DepthwiseShape& s, int C, const float* dyi, const float* w, int ih, float* out) {
  for (int iw = 0; iw < s.w; iw++) {
    float* o = out + static_cast<long>(iw) * C;
    for (int c0 = 0; c0 < C; c0 += 4 * W) {
      const int cn = std::min(4 * W, C - c0);
      const int nv = (cn + W - 1) / W;
      const Mask lm = mask_first(cn - (nv - 1) * W);
      V acc[4] = {zero(), zero(), zero(), zero()};
      for (int kh = 0; kh < s.kh; kh++) {
        const int t = ih + s.padTop - kh;
        if (t < 0 || t % s.strideH) continue;
        const int oh = t / s.strideH;
        if (oh >= s.outH) continue;
        for (int kw = 0; kw < s.kw; kw++) {
          const int u = iw + s.padLeft - kw;
          if (u < 0 || u % s.strideW) continue;
          const int ow = u / s.strideW;
          if (ow >= s.outW) continue;
          const float* g = dyi + (static_cast<long>(oh) * s.outW + ow) * C + c0;
          const float* wp = w + static_cast<long>(kh * s.kw + kw) * C + c0;
          for (int v = 0; v < nv; v++) {
            const bool full = v < nv - 1 || cn % W == 0;
            acc[v] = full ? fma(load(g + v * W), load(wp + v * W), acc[v])
                          : fma(loadm(g + v * W, lm), loadm(wp + v * W, lm), acc[v]);
          }
        }
      }
      for (int v = 0; v < nv; v++) {
        const bool full = v < nv - 1 || cn % W == 0;
        if (full) store(o + c0 + v * W, acc[v]);
        else storem(o + c0 + v * W, acc[v], lm);
      }
    }
  }
}

// acc (taps × C) += Σ over output row oh of one image: x[ih,iw]·dy[oh,ow] per tap.
void bwd_weight_row(const DepthwiseShape& s, int C, const float* xi, const float* dyi, int oh, float* acc) {
  const int ih0 = oh * s.strideH - s.padTop;
  const int khLo = std::max(0, -ih0), khHi = std::min(s.kh, s.h - ih0);
  for (int ow = 0; ow < s.outW; ow++) {
    const int iw0 = ow * s.strideW - s.padLeft;
    const int kwLo = std::max(0, -iw0), kwHi = std::min(s.kw, s.w - iw0);
    const float* g = dyi + (static_cast<long>(oh) * s.outW + ow) * C;
    for (int kh = khLo; kh < khHi; kh++)
      for (int kw = kwLo; kw < kwHi; kw++) {
        const float* xp = xi + (static_cast<long>(ih0 + kh) * s.w + iw0 + kw) * C;
        float* a = acc + static_cast<long>(kh * s.kw + kw) * C;
        int c = 0;
        for (; c + W <= C; c += W) store(a + c, fma(load(xp + c), load(g + c), load(a + c)));
        if (c < C) {
          const Mask m = mask_first(C - c);
          storem(a + c, fma(loadm(xp + c, m), loadm(g + c, m), loadm(a + c, m)), m);
        }
      }
  }
}

// xe (H,W,C·M) = x (H,W,C) with each channel repeated M times.
void expand_image(const DepthwiseShape& s, const float* xi, float* xe) {
  const long pixels = static_cast<long>(s.h) * s.w;
  const int M = s.multiplier;
  for (long p = 0; p < pixels; p++)
    for (int c = 0; c < s.c; c++)
      for (int m = 0; m < M; m++) xe[(p * s.c + c) * M + m] = xi[p * s.c + c];
}

}  // namespace

void depthwise_forward(const DepthwiseShape& s, const float* x, const float* w, const float* b, float* y) {
  const int C = s.c * s.multiplier;
  const long imgIn = static_cast<long>(s.h) * s.w * s.c, imgOut = static_cast<long>(s.outH) * s.outW * C;
  const double work = static_cast<double>(s.n) * imgOut * s.kh * s.kw;
  if (s.multiplier == 1) {
    const long rows = static_cast<long>(s.n) * s.outH;
    parallel_for(rows, threads_for(work, 65536.0), [&](long r) {
      const long img = r / s.outH;
      const int oh = static_cast<int>(r - img * s.outH);
      fwd_row(s, C, x + img * imgIn, w, b, oh, y + img * imgOut + static_cast<long>(oh) * s.outW * C);
    });
    return;
  }
  const long imgExp = static_cast<long>(s.h) * s.w * C;
  parallel_for(s.n, std::min<long>(s.n, threads_for(work, 65536.0)), [&](long img) {
    float* xe = scratch(kSlotIm2col, imgExp);
    expand_image(s, x + img * imgIn, xe);
    for (int oh = 0; oh < s.outH; oh++) fwd_row(s, C, xe, w, b, oh, y + img * imgOut + static_cast<long>(oh) * s.outW * C);
  });
}

void depthwise_backward(const DepthwiseShape& s, const float* x, const float* w, const float* dy, float* dx,
                        float* dw, float* db) {
  const int M = s.multiplier, C = s.c * M, taps = s.kh * s.kw;
  const long imgIn = static_cast<long>(s.h) * s.w * s.c, imgOut = static_cast<long>(s.outH) * s.outW * C;
  const double work = static_cast<double>(s.n) * imgOut * taps;
  const int nt = threads_for(work, 65536.0);
  if (db) column_sums(dy, static_cast<long>(s.n) * s.outH * s.outW, C, db);

  // Weights: chunks of output rows (sizes depend on the shape only), partials combined in order.
  const long rows = static_cast<long>(s.n) * s.outH;
  const long perChunk = std::max<long>(1, (rows + 15) / 16);
  const long chunks = (rows + perChunk - 1) / perChunk;
  const long wlen = static_cast<long>(taps) * C;
  float* part = shared_scratch(kSharedPartials, static_cast<size_t>(chunks * wlen));
  parallel_for(chunks, std::min<long>(chunks, nt), [&](long ch) {
    float* acc = part + ch * wlen;
    std::memset(acc, 0, sizeof(float) * wlen);
    const long r0 = ch * perChunk, r1 = std::min(rows, r0 + perChunk);
    float* xe = M > 1 ? scratch(kSlotIm2col, static_cast<size_t>(s.h) * s.w * C) : nullptr;
    long expanded = -1;
    for (long r = r0; r < r1; r++) {
      const long img = r / s.outH;
      const int oh = static_cast<int>(r - img * s.outH);
      const float* xi = x + img * imgIn;
      if (M > 1) {
        if (expanded != img) expand_image(s, xi, xe);
        expanded = img;
        xi = xe;
      }
      bwd_weight_row(s, C, xi, dy + img * imgOut, oh, acc);
    }
  });
  parallel_ranges(wlen, threads_for(static_cast<double>(chunks) * wlen, 32768.0), [&](long b0, long e0) {
    for (long i = b0; i < e0; i++) {
      float a = 0.f;
      for (long ch = 0; ch < chunks; ch++) a += part[ch * wlen + i];
      dw[i] = a;
    }
  });

  if (!dx) return;
  const long inRows = static_cast<long>(s.n) * s.h;
  parallel_for(inRows, nt, [&](long r) {
    const long img = r / s.h;
    const int ih = static_cast<int>(r - img * s.h);
    float* out = dx + img * imgIn + static_cast<long>(ih) * s.w * s.c;
    if (M == 1) {
      bwd_data_row(s, C, dy + img * imgOut, w, ih, out);
      return;
    }
    float* e = scratch(kSlotTile, static_cast<size_t>(s.w) * C);
    bwd_data_row(s, C, dy + img * imgOut, w, ih, e);
    for (long p = 0; p < s.w; p++)
      for (int c = 0; c < s.c; c++) {
        float a = 0.f;
        for (int m = 0; m < M; m++) a += e[(p * s.c + c) * M + m];
        out[p * s.c + c] = a;
      }
  });
}

}  // namespace mlf
