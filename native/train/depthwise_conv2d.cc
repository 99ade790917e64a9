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

// Which (tap, output position) pairs read input position i along one axis:
// o = (i + pad - k)/stride when divisible and in range. Tables built once per call
// (no divisions in the inner loops): pairs[i*K + j] for j < count[i].
struct AxisTaps {
  int* count;
  int* k;
  int* o;
};
void axis_taps(int size, int K, int stride, int pad, int outSize, AxisTaps t) {
  for (int i = 0; i < size; i++) {
    int c = 0;
    for (int kk = 0; kk < K; kk++) {
      const int u = i + pad - kk;
      if (u < 0 || u % stride) continue;
      const int o = u / stride;
      if (o >= outSize) continue;
      t.k[i * K + c] = kk;
      t.o[i * K + c] = o;
      c++;
    }
    t.count[i] = c;
  }
}

// One input row of dx for one image, gather form over the expanded channels C = c·M:
// out (W, C) = Σ taps dy[oh,ow]·w[tap] for the (oh,ow) that read (ih, iw).
void bwd_data_row(const DepthwiseShape& s, int C, const float* dyi, const float* w, int ih, const AxisTaps& th,
                  const AxisTaps& tw, float* out) {
  const int nh = th.count[ih];
  for (int iw = 0; iw < s.w; iw++) {
    float* o = out + static_cast<long>(iw) * C;
    const int nw = tw.count[iw];
    for (int c0 = 0; c0 < C; c0 += 4 * W) {
      const int cn = std::min(4 * W, C - c0);
      const int nv = (cn + W - 1) / W;
      const Mask lm = mask_first(cn - (nv - 1) * W);
      V acc[4] = {zero(), zero(), zero(), zero()};
      for (int a = 0; a < nh; a++) {
        const int kh = th.k[ih * s.kh + a], oh = th.o[ih * s.kh + a];
        for (int b = 0; b < nw; b++) {
          const int kw = tw.k[iw * s.kw + b], ow = tw.o[iw * s.kw + b];
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


// ---- Stride 1, multiplier 1: flat rows. With stride 1 an output row is a
// contiguous run of OW·C floats and tap (kh,kw) reads the padded input row
// oh+kh shifted by kw·C, so every loop runs over full vectors whatever C is;
// the weights are replicated along the row once per call (wrow[tap][j] = w[tap][j % C]).

// xp (OH+KH-1, OW+KW-1, C) = x (H, W, C) placed at (pt, pl), zeros around.
void pad_image(const float* xi, int H, int W, int C, int pt, int pl, int Hp, int Wp, float* xp) {
  std::memset(xp, 0, sizeof(float) * static_cast<size_t>(Hp) * Wp * C);
  for (int r = 0; r < Hp; r++) {
    const int ih = r - pt;
    if (ih < 0 || ih >= H) continue;
    const int q0 = std::max(0, pl), iw0 = q0 - pl;            // first column that maps into x
    const int q1 = std::min(Wp, pl + W);                       // one past the last
    if (q1 > q0)
      std::memcpy(xp + (static_cast<long>(r) * Wp + q0) * C, xi + (static_cast<long>(ih) * W + iw0) * C,
                  sizeof(float) * (q1 - q0) * C);
  }
}

// rows (taps × L) with row[t][j] = w[t][j % C], L = OW·C.
void replicate_rows(const float* w, int taps, int C, int L, float* rows) {
  for (int t = 0; t < taps; t++)
    for (int j = 0; j < L; j++) rows[static_cast<long>(t) * L + j] = w[static_cast<long>(t) * C + j % C];
}

struct FlatShape {
  int n, h, w, c, kh, kw, pt, pl, oh, ow;
};

// y (N, OH, OW, C) = depthwise stride-1 conv of x with replicated weights wrow and bias row brow (or null).
void flat_forward(const FlatShape& f, const float* x, const float* wrow, const float* brow, float* y) {
  const int L = f.ow * f.c, Hp = f.oh + f.kh - 1, Wp = f.ow + f.kw - 1, C = f.c;
  const long imgIn = static_cast<long>(f.h) * f.w * C, imgOut = static_cast<long>(f.oh) * L;
  const double work = static_cast<double>(f.n) * imgOut * f.kh * f.kw;
  parallel_for(f.n, std::min<long>(f.n, threads_for(work, 65536.0)), [&](long img) {
    float* xp = scratch(kSlotIm2col, static_cast<size_t>(Hp) * Wp * C);
    pad_image(x + img * imgIn, f.h, f.w, C, f.pt, f.pl, Hp, Wp, xp);
    for (int oh = 0; oh < f.oh; oh++) {
      float* yr = y + img * imgOut + static_cast<long>(oh) * L;
      for (int j0 = 0; j0 < L; j0 += 4 * W) {
        const int cn = std::min(4 * W, L - j0), nv = (cn + W - 1) / W;
        const Mask lm = mask_first(cn - (nv - 1) * W);
        const bool whole = cn == 4 * W;
        V acc[4];
        for (int v = 0; v < 4; v++) {
          if (v >= nv) break;
          const bool full = whole || v < nv - 1;
          acc[v] = brow ? (full ? load(brow + j0 + v * W) : loadm(brow + j0 + v * W, lm)) : zero();
        }
        for (int kh = 0; kh < f.kh; kh++) {
          const float* xr = xp + static_cast<long>(oh + kh) * Wp * C + j0;
          const float* wr = wrow + static_cast<long>(kh * f.kw) * L + j0;
          for (int kw = 0; kw < f.kw; kw++) {
            const float* xq = xr + kw * C;
            const float* wq = wr + static_cast<long>(kw) * L;
            if (whole) {
              acc[0] = fma(load(xq), load(wq), acc[0]);
              acc[1] = fma(load(xq + W), load(wq + W), acc[1]);
              acc[2] = fma(load(xq + 2 * W), load(wq + 2 * W), acc[2]);
              acc[3] = fma(load(xq + 3 * W), load(wq + 3 * W), acc[3]);
            } else {
              for (int v = 0; v < nv; v++)
                acc[v] = v < nv - 1 ? fma(load(xq + v * W), load(wq + v * W), acc[v])
                                    : fma(loadm(xq + v * W, lm), loadm(wq + v * W, lm), acc[v]);
            }
          }
        }
        for (int v = 0; v < nv; v++) {
          if (whole || v < nv - 1) store(yr + j0 + v * W, acc[v]);
          else storem(yr + j0 + v * W, acc[v], lm);
        }
      }
    }
  });
}

// dw (taps × C) = Σ_{n,oh,ow} xpad[oh+kh][ow+kw]·dy[oh][ow], chunks of images combined in order.
void flat_weight_grad(const DepthwiseShape& s, const float* x, const float* dy, float* dw) {
  const int C = s.c, L = s.outW * C, taps = s.kh * s.kw;
  const int Hp = s.outH + s.kh - 1, Wp = s.outW + s.kw - 1;
  const long imgIn = static_cast<long>(s.h) * s.w * C, imgOut = static_cast<long>(s.outH) * L;
  const long perChunk = std::max<long>(1, (s.n + 15) / 16);
  const long chunks = (s.n + perChunk - 1) / perChunk;
  const long wlen = static_cast<long>(taps) * C;
  float* part = shared_scratch(kSharedPartials, static_cast<size_t>(chunks * wlen));
  const double work = static_cast<double>(s.n) * imgOut * taps;
  parallel_for(chunks, std::min<long>(chunks, threads_for(work, 65536.0)), [&](long ch) {
    float* xp = scratch(kSlotIm2col, static_cast<size_t>(Hp) * Wp * C);
    float* acc = scratch(kSlotTile, static_cast<size_t>(taps) * L);  // flat accumulators
    std::memset(acc, 0, sizeof(float) * static_cast<size_t>(taps) * L);
    const long i0 = ch * perChunk, i1 = std::min<long>(s.n, i0 + perChunk);
    for (long img = i0; img < i1; img++) {
      pad_image(x + img * imgIn, s.h, s.w, C, s.padTop, s.padLeft, Hp, Wp, xp);
      for (int oh = 0; oh < s.outH; oh++) {
        const float* g = dy + img * imgOut + static_cast<long>(oh) * L;
        for (int t = 0; t < taps; t++) {
          const int kh = t / s.kw, kw = t % s.kw;
          const float* xq = xp + (static_cast<long>(oh + kh) * Wp + kw) * C;
          float* a = acc + static_cast<long>(t) * L;
          int j = 0;
          for (; j + W <= L; j += W) store(a + j, fma(load(xq + j), load(g + j), load(a + j)));
          if (j < L) {
            const Mask m = mask_first(L - j);
            storem(a + j, fma(loadm(xq + j, m), loadm(g + j, m), loadm(a + j, m)), m);
          }
        }
      }
    }
    float* out = part + ch * wlen;  // fold the row: out[t][c] = Σ_ow acc[t][ow·C + c]
    for (int t = 0; t < taps; t++) {
      const float* a = acc + static_cast<long>(t) * L;
      for (int c = 0; c < C; c++) {
        float sum = 0.f;
        for (int ow = 0; ow < s.outW; ow++) sum += a[ow * C + c];
        out[static_cast<long>(t) * C + c] = sum;
      }
    }
  });
  for (long i = 0; i < wlen; i++) {
    float a = 0.f;
    for (long ch = 0; ch < chunks; ch++) a += part[ch * wlen + i];
    dw[i] = a;
  }
}

bool flat_ok(const DepthwiseShape& s) { return s.strideH == 1 && s.strideW == 1 && s.multiplier == 1; }

}  // namespace

void depthwise_forward(const DepthwiseShape& s, const float* x, const float* w, const float* b, float* y) {
  const int C = s.c * s.multiplier;
  const long imgIn = static_cast<long>(s.h) * s.w * s.c, imgOut = static_cast<long>(s.outH) * s.outW * C;
  const double work = static_cast<double>(s.n) * imgOut * s.kh * s.kw;
  if (flat_ok(s)) {
    const int L = s.outW * C, taps = s.kh * s.kw;
    float* wrow = shared_scratch(kSharedWeights, static_cast<size_t>(taps + 1) * L);
    replicate_rows(w, taps, C, L, wrow);
    if (b) replicate_rows(b, 1, C, L, wrow + static_cast<long>(taps) * L);
    flat_forward({s.n, s.h, s.w, C, s.kh, s.kw, s.padTop, s.padLeft, s.outH, s.outW}, x, wrow,
                 b ? wrow + static_cast<long>(taps) * L : nullptr, y);
    return;
  }
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
  if (flat_ok(s)) {
    flat_weight_grad(s, x, dy, dw);
    if (!dx) return;
    // dx = stride-1 depthwise conv of dy with the kernel flipped, padded by K-1-pad
    const int L = s.w * C;
    float* wrow = shared_scratch(kSharedWeights, static_cast<size_t>(taps) * L);
    for (int t = 0; t < taps; t++) {
      const int src = (taps - 1 - t);  // (KH-1-kh, KW-1-kw)
      for (int j = 0; j < L; j++) wrow[static_cast<long>(t) * L + j] = w[static_cast<long>(src) * C + j % C];
    }
    flat_forward({s.n, s.outH, s.outW, C, s.kh, s.kw, s.kh - 1 - s.padTop, s.kw - 1 - s.padLeft, s.h, s.w}, dy, wrow,
                 nullptr, dx);
    return;
  }

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
  int* tables = reinterpret_cast<int*>(shared_scratch(kSharedPad, static_cast<size_t>(s.h) * (2 * s.kh + 1) + static_cast<size_t>(s.w) * (2 * s.kw + 1)));
  const AxisTaps th{tables, tables + s.h, tables + s.h + s.h * s.kh};
  int* t2 = tables + s.h * (2 * s.kh + 1);
  const AxisTaps tw{t2, t2 + s.w, t2 + s.w + s.w * s.kw};
  axis_taps(s.h, s.kh, s.strideH, s.padTop, s.outH, th);
  axis_taps(s.w, s.kw, s.strideW, s.padLeft, s.outW, tw);
  const long inRows = static_cast<long>(s.n) * s.h;
  parallel_for(inRows, nt, [&](long r) {
    const long img = r / s.h;
    const int ih = static_cast<int>(r - img * s.h);
    float* out = dx + img * imgIn + static_cast<long>(ih) * s.w * s.c;
    if (M == 1) {
      bwd_data_row(s, C, dy + img * imgOut, w, ih, th, tw, out);
      return;
    }
    float* e = scratch(kSlotTile, static_cast<size_t>(s.w) * C);
    bwd_data_row(s, C, dy + img * imgOut, w, ih, th, tw, e);
    for (long p = 0; p < s.w; p++)
      for (int c = 0; c < s.c; c++) {
        float a = 0.f;
        for (int m = 0; m < M; m++) a += e[(p * s.c + c) * M + m];
        out[p * s.c + c] = a;
      }
  });
}

}  // namespace mlf
