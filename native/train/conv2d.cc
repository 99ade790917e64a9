// conv2d forward and backward as GEMMs over an implicit im2col (NHWC).
//
//   forward   y (P×Cout)       = im2col(x) (P×K) · w (K×Cout) + b        P = N·OH·OW, K = KH·KW·Cin
//   weights   dw (K×Cout)      = im2col(x)ᵀ (K×P) · dy (P×Cout)           chunked over P, ordered combine
//   input     stride 1:  dx    = conv(dy, w flipped and transposed)       a forward conv, no scatter
//             stride >1: dx    = col2im(dy · wᵀ), per image               scatter-add, one image per task
//
// The im2col matrix is never materialised whole: the GEMM packer copies the
// rows of one micro-panel (contiguous runs of KW·Cin floats, zeros at borders).
// A 1×1/stride-1/unpadded conv reads x as the matrix directly. Small channel
// counts skip the GEMM for the direct kernels of conv2d_direct.cc (forward,
// weights, and so the stride-1 input gradient).
#include "conv2d_direct.h"
#include "gemm.h"
#include "simd.h"
#include "train.h"

namespace mlf {

namespace {

bool is_pointwise(const ConvShape& s) {
  return s.kh == 1 && s.kw == 1 && s.strideH == 1 && s.strideW == 1 && s.padTop == 0 && s.padLeft == 0 &&
         s.outH == s.h && s.outW == s.w;
}

// An output pixel (n, oh, ow) that steps through rows m, m+1, ... without divisions.
struct Pixel {
  long n;
  int oh, ow;
  Pixel(const ConvShape& s, long m) {
    const long ohw = static_cast<long>(s.outH) * s.outW;
    n = m / ohw;
    const int r = static_cast<int>(m - n * ohw);
    oh = r / s.outW;
    ow = r - oh * s.outW;
  }
  void next(const ConvShape& s) {
    if (++ow == s.outW) {
      ow = 0;
      if (++oh == s.outH) {
        oh = 0;
        ++n;
      }
    }
  }
};

// dst[0..kc) = columns [k0, k0+kc) of the im2col row of pixel px (columns ordered kh, kw, cin).
void im2col_row(const ConvShape& s, const float* x, const Pixel& px, int k0, int kc, float* dst) {
  const long n = px.n;
  const int oh = px.oh, ow = px.ow;
  const int rowLen = s.kw * s.cin;
  const int iw0 = ow * s.strideW - s.padLeft;
  const int kwLo = std::max(0, -iw0), kwHi = std::min(s.kw, s.w - iw0);
  const int kend = k0 + kc;
  int k = k0;
  while (k < kend) {
    const int kh = k / rowLen, base = kh * rowLen;
    const int segEnd = std::min(kend, base + rowLen);
    const int ih = oh * s.strideH - s.padTop + kh;
    if (ih < 0 || ih >= s.h || kwLo >= kwHi) {
      simd::clear(dst + (k - k0), segEnd - k);
      k = segEnd;
      continue;
    }
    const int vLo = base + kwLo * s.cin, vHi = base + kwHi * s.cin;
    const int a = std::min(segEnd, std::max(k, vLo));
    const int b = std::max(a, std::min(segEnd, vHi));
    if (a > k) simd::clear(dst + (k - k0), a - k);
    if (b > a) {
      const long src = ((n * s.h + ih) * s.w + iw0) * static_cast<long>(s.cin) + (a - base);
      simd::copy(dst + (a - k0), x + src, b - a);
    }
    if (segEnd > b) simd::clear(dst + (b - k0), segEnd - b);
    k = segEnd;
  }
}

// dw (K×Cout) = Σ_chunks im2colᵀ·dy; the im2col rows (or x itself for a 1×1 conv) are
// read by columns, so nothing is transposed. Chunk boundaries depend on P only.
void weight_grad(const ConvShape& s, const float* x, const float* dy, float* dw) {
  const long P = static_cast<long>(s.n) * s.outH * s.outW;
  const int K = s.kh * s.kw * s.cin, Cout = s.cout;
  const bool pw = is_pointwise(s);
  const long chunk = std::max<long>(KC, ((P + 7) / 8 + KC - 1) / KC * KC);
  const long chunks = (P + chunk - 1) / chunk;
  const GemmPlan plan = gemm_plan(Cout);
  const long wlen = static_cast<long>(K) * Cout;
  float* partials = chunks > 1 ? shared_scratch(kSharedPartials, static_cast<size_t>(chunks * wlen)) : nullptr;
  const int nt = static_cast<int>(std::min<long>(chunks, threads_for(2.0 * P * Cout * K, 400000.0)));
  if (chunks == 1 && pw) {  // one contraction, parallel over row panels instead
    gemm_tn(K, Cout, static_cast<int>(P), x, s.cin, dy, Cout, dw, Cout);
    return;
  }
  parallel_for(chunks, nt, [&](long c) {
    float* out = chunks > 1 ? partials + c * wlen : dw;
    float* col = pw ? nullptr : scratch(kSlotIm2col, static_cast<size_t>(KC) * K);
    const long pBegin = c * chunk, pEnd = std::min(P, pBegin + chunk);
    for (long p0 = pBegin; p0 < pEnd; p0 += KC) {
      const int kc = static_cast<int>(std::min<long>(KC, pEnd - p0));
      const float* At;
      long lda;
      if (pw) {
        At = x + p0 * s.cin;
        lda = s.cin;
      } else {
        Pixel px(s, p0);
        for (int p = 0; p < kc; p++, px.next(s)) im2col_row(s, x, px, 0, K, col + static_cast<long>(p) * K);
        At = col;
        lda = K;
      }
      for (int r = 0; r < K; r += plan.MR)
        gemm_panel_t(plan, kc, At + r, lda, dy + p0 * Cout, Cout, out + static_cast<long>(r) * Cout, Cout,
                     std::min(plan.MR, K - r), Cout, p0 > pBegin);
    }
  });
  if (chunks > 1) {
    parallel_ranges(wlen, threads_for(static_cast<double>(chunks) * wlen, 32768.0), [&](long b, long e) {
      for (long i = b; i < e; i++) {
        float acc = 0.f;
        for (long c = 0; c < chunks; c++) acc += partials[c * wlen + i];
        dw[i] = acc;
      }
    });
  }
}

// Stride 1: dx[iy] = Σ_ky dy[iy + padTop - ky]·w[ky]ᵀ — a forward conv of dy with the
// kernel flipped in space and transposed in channels, padded by K-1-pad.
void input_grad_stride1(const ConvShape& s, const float* w, const float* dy, float* dx) {
  const int taps = s.kh * s.kw;
  float* wf = shared_scratch(kSharedWeights, static_cast<size_t>(taps) * s.cin * s.cout);
  for (int t = 0; t < taps; t++) {
    const int kh = t / s.kw, kw = t % s.kw;
    const int src = (s.kh - 1 - kh) * s.kw + (s.kw - 1 - kw);
    // wf[t] (Cout×Cin) = w[src] (Cin×Cout)ᵀ
    transpose(w + static_cast<long>(src) * s.cin * s.cout, s.cout, s.cin, s.cout,
              wf + static_cast<long>(t) * s.cin * s.cout, s.cin);
  }
  const ConvShape t{s.n, s.outH, s.outW, s.cout, s.kh, s.kw, s.cin, 1, 1,
                    s.kh - 1 - s.padTop, s.kw - 1 - s.padLeft, s.h, s.w};
  conv2d_forward(t, dy, wf, nullptr, dx);
}

// Stride > 1: per image, dcol tile (MR×K) = dy rows · wᵀ, scatter-added into dx.
void input_grad_scatter(const ConvShape& s, const float* w, const float* dy, float* dx) {
  const int K = s.kh * s.kw * s.cin, Cout = s.cout;
  float* wt = shared_scratch(kSharedWeights, static_cast<size_t>(Cout) * K);
  transpose(w, Cout, K, Cout, wt, K);  // wt (Cout×K)
  const GemmPlan plan = gemm_plan(K);
  const long ohw = static_cast<long>(s.outH) * s.outW;
  const long imgIn = static_cast<long>(s.h) * s.w * s.cin;
  const int nt = std::min<long>(s.n, threads_for(2.0 * s.n * ohw * Cout * K, 400000.0));
  parallel_for(s.n, nt, [&](long img) {
    float* dxi = dx + img * imgIn;
    std::memset(dxi, 0, sizeof(float) * imgIn);
    float* Ap = scratch(kSlotPackA, static_cast<size_t>(plan.MR) * KC);
    float* tile = scratch(kSlotTile, static_cast<size_t>(plan.MR) * K);
    for (long r0 = 0; r0 < ohw; r0 += plan.MR) {
      const int mvalid = static_cast<int>(std::min<long>(plan.MR, ohw - r0));
      for (int k0 = 0; k0 < Cout; k0 += KC) {
        const int kc = std::min(KC, Cout - k0);
        pack_rows(dy, Cout, static_cast<int>(img * ohw + r0), mvalid, k0, kc, plan.MR, Ap);
        for (int i = mvalid; i < plan.MR; i++) std::memset(Ap + static_cast<size_t>(i) * KC, 0, sizeof(float) * kc);
        gemm_panel(plan, kc, Ap, wt + static_cast<long>(k0) * K, K, tile, K, mvalid, K, k0 > 0, nullptr);
      }
      for (int i = 0; i < mvalid; i++) {
        const int r = static_cast<int>(r0 + i), oh = r / s.outW, ow = r % s.outW;
        const float* ti = tile + static_cast<long>(i) * K;
        for (int kh = 0; kh < s.kh; kh++) {
          const int ih = oh * s.strideH - s.padTop + kh;
          if (ih < 0 || ih >= s.h) continue;
          for (int kw = 0; kw < s.kw; kw++) {
            const int iw = ow * s.strideW - s.padLeft + kw;
            if (iw < 0 || iw >= s.w) continue;
            float* d = dxi + (static_cast<long>(ih) * s.w + iw) * s.cin;
            const float* g = ti + (kh * s.kw + kw) * s.cin;
            for (int ci = 0; ci < s.cin; ci++) d[ci] += g[ci];
          }
        }
      }
    }
  });
}

}  // namespace

void conv2d_forward(const ConvShape& s, const float* x, const float* w, const float* b, float* y) {
  const long M = static_cast<long>(s.n) * s.outH * s.outW;
  const int K = s.kh * s.kw * s.cin, N = s.cout;
  if (conv_direct_fits(s)) {
    conv_direct_forward(s, x, w, b, y);
    return;
  }
  if (is_pointwise(s)) {
    gemm_nn(static_cast<int>(M), N, K, x, s.cin, w, N, y, N, b, false);
    return;
  }
  auto pack = [&](float* dst, int row0, int mvalid, int k0, int kc) {
    Pixel px(s, row0);
    for (int i = 0; i < mvalid; i++, px.next(s)) im2col_row(s, x, px, k0, kc, dst + static_cast<size_t>(i) * KC);
  };
  gemm(static_cast<int>(M), N, K, pack, w, N, y, N, b, false);
}

void conv2d_backward(const ConvShape& s, const float* x, const float* w, const float* dy, float* dx, float* dw,
                     float* db) {
  const long P = static_cast<long>(s.n) * s.outH * s.outW;
  if (db) column_sums(dy, P, s.cout, db);
  if (conv_direct_fits(s)) conv_direct_weight_grad(s, x, dy, dw);
  else weight_grad(s, x, dy, dw);
  if (dx) {
    if (s.strideH == 1 && s.strideW == 1) input_grad_stride1(s, w, dy, dx);
    else input_grad_scatter(s, w, dy, dx);
  }
}

}  // namespace mlf
