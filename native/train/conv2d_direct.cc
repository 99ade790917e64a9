// Direct conv2d for small channel counts (NHWC): no im2col, no GEMM packing.
//
// With 16–64 channels an im2col GEMM spends as long building patch rows as
// multiplying them (each patch element feeds only Cout/W vector FMAs). Here
// the work is cut into bands (an image, or a block of its output rows); each
// band's input is copied once into a zero-padded, channel-blocked buffer xp in
// which output pixel q of the band — numbered along rows of Wq ≥ OW columns,
// the extra columns computed and discarded — reads tap (kh, kw) at pixel
// SW·q + off(kh, kw). The stride is a compile-time constant, so a micro-kernel
// reaches R consecutive output pixels with immediate offsets. Input rows are
// split into SH phases (row ≡ ph mod SH) so that stays true for strideH = 2.
//
//   xp   [cb][phase][pixel][CB]            CB = 16, 8 or 4 input channels (zero-padded)
//   wp   [group][cb][tap][c < CB][NV·W]    output channels in groups of ≤ NVG vectors
//   dyq  [q][coPad]                        dy on the q grid, zero in discarded columns and channels
//
//   forward  y[q]             = Σ_{cb,tap,c} xp[SW·q + off(tap)][c] · wp[cb][tap][c]   R pixels × NV vectors
//   weights  dwᵀ[cb,kh][co][·] = Σ_q dyq[q][co] · xp[SW·q + off(kh, 0)][kw·CB + c]      MC channels × NVK vectors
//
// The weight gradient is computed transposed because a tap row's (kw, c) run is
// contiguous in xp: each dy broadcast then feeds NVK FMAs instead of one. It
// sums bands in a fixed number of chunks (set by the shape
// alone) combined in order, so it does not depend on the thread count.
#include "conv2d_direct.h"

#include "simd.h"

namespace mlf {

using namespace simd;

namespace {

constexpr int NVG = 4;        // vectors per output-channel group
constexpr int kMaxTaps = 64;  // tap offsets live on the stack
constexpr int kChunks = 8;    // weight-gradient partial sums

#if defined(MLF_AVX512)
constexpr int kRows[NVG + 1] = {0, 24, 14, 9, 6};  // forward pixels per tile: R·NV + NV ≤ 32 registers
constexpr int kMc[NVG + 1] = {0, 24, 12, 8, 6};    // weight-grad output channels per tile, by x vectors
#else
constexpr int kRows[NVG + 1] = {0, 12, 6, 4, 3};
constexpr int kMc[NVG + 1] = {0, 12, 6, 4, 3};
#endif
constexpr int kRowsMax = kRows[1];

struct Plan {
  int SH, SW, CB, ncb, taps, Wq, P, bandRows, bandsPerImage, phRows, groups;
  long phLen, cbLen;  // floats per phase, per input-channel block
  long tapOff[kMaxTaps];
};

Plan make_plan(const ConvShape& s) {
  Plan p{};
  p.SH = s.strideH;
  p.SW = s.strideW;
  p.CB = s.cin % 16 == 0 ? 16 : s.cin % 8 == 0 ? 8 : 4;
  p.ncb = (s.cin + p.CB - 1) / p.CB;
  p.taps = s.kh * s.kw;
  // SW·Wq pixels must cover every column a valid output reads: (OW-1)·SW + KW.
  p.Wq = std::max(s.outW, s.outW - 1 + (s.kw + p.SW - 1) / p.SW);
  p.P = p.SW * p.Wq;
  // About kChunks bands per batch, so small batches still spread over threads.
  p.bandsPerImage = std::min(s.outH, std::max(1, (kChunks + s.n - 1) / s.n));
  p.bandRows = (s.outH + p.bandsPerImage - 1) / p.bandsPerImage;
  p.bandsPerImage = (s.outH + p.bandRows - 1) / p.bandRows;
  p.phRows = p.bandRows + (s.kh - 1) / p.SH;
  // Margin: the last forward tile may run R pixels past the band.
  p.phLen = (static_cast<long>(p.phRows) * p.P + p.SW * kRowsMax + s.kw) * p.CB;
  p.cbLen = p.SH * p.phLen;
  p.groups = (s.cout + NVG * W - 1) / (NVG * W);
  for (int kh = 0; kh < s.kh; kh++)
    for (int kw = 0; kw < s.kw; kw++)
      p.tapOff[kh * s.kw + kw] = (kh % p.SH) * p.phLen + ((kh / p.SH) * static_cast<long>(p.P) + kw) * p.CB;
  return p;
}

int group_nv(const ConvShape& s, int g) {
  return std::min(NVG, (s.cout - g * NVG * W + W - 1) / W);
}

// xp for output rows [oh0, oh0 + phRows·SH) of image n (rows past the input read zero).
void fill_band(const Plan& p, const ConvShape& s, const float* x, long n, int oh0, float* xp) {
  const int CB = p.CB;
  for (int cb = 0; cb < p.ncb; cb++) {
    const int c0 = cb * CB, cw = std::min(CB, s.cin - c0);
    for (int ph = 0; ph < p.SH; ph++) {
      float* dst = xp + cb * p.cbLen + ph * p.phLen;
      for (int j = 0; j < p.phRows; j++) {
        float* row = dst + static_cast<long>(j) * p.P * CB;
        const int iy = (oh0 + j) * p.SH + ph - s.padTop;
        if (iy < 0 || iy >= s.h) {
          clear(row, static_cast<long>(p.P) * CB);
          continue;
        }
        const float* src = x + ((n * s.h + iy) * s.w) * static_cast<long>(s.cin) + c0;
        const int lo = std::min(p.P, std::max(0, s.padLeft)), hi = std::max(lo, std::min(p.P, s.padLeft + s.w));
        clear(row, static_cast<long>(lo) * CB);
        for (int pc = lo; pc < hi; pc++) {
          float* d = row + static_cast<long>(pc) * CB;
          copy(d, src + static_cast<long>(pc - s.padLeft) * s.cin, cw);
          if (cw < CB) clear(d + cw, CB - cw);
        }
        clear(row + static_cast<long>(hi) * CB, static_cast<long>(p.P - hi) * CB);
      }
      const long used = static_cast<long>(p.phRows) * p.P * CB;
      clear(dst + used, p.phLen - used);
    }
  }
}

// wp[g][cb][tap][c][nv·W] from w (KH,KW,Cin,Cout), zero-padded.
void pack_weights(const Plan& p, const ConvShape& s, const float* w, float* wp) {
  for (int g = 0; g < p.groups; g++) {
    const int width = group_nv(s, g) * W, co0 = g * NVG * W;
    float* dst = wp + static_cast<long>(g) * p.ncb * p.taps * p.CB * NVG * W;
    for (int cb = 0; cb < p.ncb; cb++)
      for (int t = 0; t < p.taps; t++)
        for (int c = 0; c < p.CB; c++, dst += width) {
          const int ci = cb * p.CB + c;
          for (int j = 0; j < width; j++) {
            const int co = co0 + j;
            dst[j] = ci < s.cin && co < s.cout ? w[(static_cast<long>(t) * s.cin + ci) * s.cout + co] : 0.f;
          }
        }
  }
}

// acc[r][v] = Σ_{cb,t,c} a[cb·cbLen + off[t] + r·SW·CB + c] · wp[...][c][v]; stored to out[r] (skipped if null).
template <int R, int NV, int SW, int CB>
void fwd_tile(const float* __restrict a, const long* off, int taps, int ncb, long cbLen, const float* __restrict wp,
              float* const* out, const float* bias, int lastn) {
  V acc[R][NV];
#pragma GCC unroll 32
  for (int r = 0; r < R; r++)
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) acc[r][v] = zero();
  for (int cb = 0; cb < ncb; cb++, a += cbLen)
    for (int t = 0; t < taps; t++) {
      const float* at = a + off[t];
#pragma GCC unroll 16
      for (int c = 0; c < CB; c++, wp += NV * W) {
        V wv[NV];
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) wv[v] = load(wp + v * W);
#pragma GCC unroll 32
        for (int r = 0; r < R; r++) {
          const V xv = set1(at[r * SW * CB + c]);
#pragma GCC unroll 4
          for (int v = 0; v < NV; v++) acc[r][v] = fma(xv, wv[v], acc[r][v]);
        }
      }
    }
  const Mask lm = mask_first(lastn);
  V bv[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; v++) bv[v] = bias ? load(bias + v * W) : zero();
#pragma GCC unroll 32
  for (int r = 0; r < R; r++) {
    float* o = out[r];
    if (!o) continue;
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) {
      const V res = add(acc[r][v], bv[v]);
      if (v < NV - 1 || lastn == W) store(o + v * W, res);
      else storem(o + v * W, res, lm);
    }
  }
}

// d[i·ldd + k·W] += Σ_{q<len} g[q·ldg + i] · a[q·lda + k·W] for i < MC: a transposed weight-gradient tile.
template <int MC, int NVK>
void dw_tile(long len, const float* __restrict a, long lda, const float* __restrict g, long ldg, float* __restrict d,
             long ldd) {
  V acc[MC][NVK];
#pragma GCC unroll 32
  for (int i = 0; i < MC; i++)
#pragma GCC unroll 4
    for (int k = 0; k < NVK; k++) acc[i][k] = zero();
  for (long q = 0; q < len; q++, a += lda, g += ldg) {
    V xv[NVK];
#pragma GCC unroll 4
    for (int k = 0; k < NVK; k++) xv[k] = load(a + k * W);
#pragma GCC unroll 32
    for (int i = 0; i < MC; i++) {
      const V gv = set1(g[i]);
#pragma GCC unroll 4
      for (int k = 0; k < NVK; k++) acc[i][k] = fma(gv, xv[k], acc[i][k]);
    }
  }
#pragma GCC unroll 32
  for (int i = 0; i < MC; i++)
#pragma GCC unroll 4
    for (int k = 0; k < NVK; k++) store(d + i * ldd + k * W, add(load(d + i * ldd + k * W), acc[i][k]));
}

using FwdFn = void (*)(const float*, const long*, int, int, long, const float*, float* const*, const float*, int);
using DwFn = void (*)(long, const float*, long, const float*, long, float*, long);

template <int NV, int SW>
FwdFn pick_cb(int CB) {
  switch (CB) {
    case 16: return fwd_tile<kRows[NV], NV, SW, 16>;
    case 8: return fwd_tile<kRows[NV], NV, SW, 8>;
    default: return fwd_tile<kRows[NV], NV, SW, 4>;
  }
}

template <int NV>
FwdFn pick_sw(int SW, int CB) { return SW == 1 ? pick_cb<NV, 1>(CB) : pick_cb<NV, 2>(CB); }

FwdFn fwd_kernel(const Plan& p, int nv) {
  switch (nv) {
    case 1: return pick_sw<1>(p.SW, p.CB);
    case 2: return pick_sw<2>(p.SW, p.CB);
    case 3: return pick_sw<3>(p.SW, p.CB);
    default: return pick_sw<4>(p.SW, p.CB);
  }
}

// A narrow layer (≤ 8 output channels) takes 8-channel tiles, not mostly empty wide ones.
DwFn dw_kernel(int nvk, bool narrow) {
  switch (nvk) {
    case 1: return narrow ? dw_tile<8, 1> : dw_tile<kMc[1], 1>;
    case 2: return narrow ? dw_tile<8, 2> : dw_tile<kMc[2], 2>;
    case 3: return dw_tile<kMc[3], 3>;
    default: return dw_tile<kMc[4], 4>;
  }
}

}  // namespace

bool conv_direct_fits(const ConvShape& s) {
  if (s.strideH < 1 || s.strideH > 2 || s.strideW < 1 || s.strideW > 2) return false;
  if (s.kh * s.kw > kMaxTaps || (s.kh == 1 && s.kw == 1)) return false;
  // From 3 output vectors on, the GEMM fills its registers as well and wastes no columns.
  return s.cin >= 3 && s.cin <= 64 && s.cout <= 2 * W;
}

void conv_direct_forward(const ConvShape& s, const float* x, const float* w, const float* b, float* y) {
  const Plan p = make_plan(s);
  const long wlen = static_cast<long>(p.groups) * p.ncb * p.taps * p.CB * NVG * W;
  float* wp = shared_scratch(kSharedDirect, static_cast<size_t>(wlen + p.groups * NVG * W));
  pack_weights(p, s, w, wp);
  float* bp = nullptr;
  if (b) {
    bp = wp + wlen;
    for (int j = 0; j < p.groups * NVG * W; j++) bp[j] = j < s.cout ? b[j] : 0.f;
  }
  const long units = static_cast<long>(s.n) * p.bandsPerImage;
  const double flops = 2.0 * s.n * s.outH * s.outW * s.cout * p.taps * s.cin;
  parallel_for(units, threads_for(flops, 400000.0), [&](long u) {
    const long n = u / p.bandsPerImage;
    const int oh0 = static_cast<int>(u % p.bandsPerImage) * p.bandRows, rows = std::min(p.bandRows, s.outH - oh0);
    float* xp = scratch(kSlotIm2col, static_cast<size_t>(p.ncb * p.cbLen));
    fill_band(p, s, x, n, oh0, xp);
    const long qEnd = static_cast<long>(rows) * p.Wq;
    float* yb = y + (n * s.outH + oh0) * static_cast<long>(s.outW) * s.cout;
    for (int g = 0; g < p.groups; g++) {
      const int nv = group_nv(s, g), R = kRows[nv], co0 = g * NVG * W;
      const int lastn = std::min(s.cout - co0, nv * W) - (nv - 1) * W;
      const FwdFn kernel = fwd_kernel(p, nv);
      const float* wg = wp + static_cast<long>(g) * p.ncb * p.taps * p.CB * NVG * W;
      float* out[kRowsMax];
      int oh = 0, ow = 0;  // of q0
      for (long q0 = 0; q0 < qEnd; q0 += R) {
        int r_oh = oh, r_ow = ow;
        for (int r = 0; r < R; r++) {
          out[r] = r_oh < rows && r_ow < s.outW ? yb + (static_cast<long>(r_oh) * s.outW + r_ow) * s.cout + co0 : nullptr;
          if (++r_ow == p.Wq) r_ow = 0, r_oh++;
        }
        oh = r_oh;
        ow = r_ow;
        kernel(xp + p.SW * q0 * p.CB, p.tapOff, p.taps, p.ncb, p.cbLen, wg, out, bp ? bp + co0 : nullptr, lastn);
      }
    }
  });
}

void conv_direct_weight_grad(const ConvShape& s, const float* x, const float* dy, float* dw) {
  const Plan p = make_plan(s);
  // Partials per chunk: [cb][kh][co < coPad][kw·CB + c < LP].
  const int L = s.kw * p.CB, LP = (L + W - 1) / W * W, coPad = (s.cout + kMc[1] - 1) / kMc[1] * kMc[1];
  const long units = static_cast<long>(s.n) * p.bandsPerImage;
  const long chunks = std::min<long>(units, kChunks);
  const long plen = static_cast<long>(p.ncb) * s.kh * coPad * LP;
  float* part = shared_scratch(kSharedPartials, static_cast<size_t>(chunks * plen));
  const double flops = 2.0 * s.n * s.outH * s.outW * s.cout * p.taps * s.cin;
  parallel_for(chunks, threads_for(flops, 400000.0), [&](long c) {
    float* acc = part + c * plen;
    std::memset(acc, 0, sizeof(float) * plen);
    float* xp = scratch(kSlotIm2col, static_cast<size_t>(p.ncb * p.cbLen));
    float* dyq = scratch(kSlotTile, static_cast<size_t>(p.bandRows) * p.Wq * coPad);
    long ub, ue;
    split_range(units, static_cast<int>(chunks), static_cast<int>(c), &ub, &ue);
    for (long u = ub; u < ue; u++) {
      const long n = u / p.bandsPerImage;
      const int oh0 = static_cast<int>(u % p.bandsPerImage) * p.bandRows, rows = std::min(p.bandRows, s.outH - oh0);
      fill_band(p, s, x, n, oh0, xp);
      for (int r = 0; r < rows; r++) {
        const float* src = dy + ((n * s.outH + oh0 + r) * static_cast<long>(s.outW)) * s.cout;
        float* dst = dyq + static_cast<long>(r) * p.Wq * coPad;
        for (int ow = 0; ow < s.outW; ow++) {
          copy(dst + static_cast<long>(ow) * coPad, src + static_cast<long>(ow) * s.cout, s.cout);
          clear(dst + static_cast<long>(ow) * coPad + s.cout, coPad - s.cout);
        }
        clear(dst + static_cast<long>(s.outW) * coPad, static_cast<long>(p.Wq - s.outW) * coPad);
      }
      const long len = static_cast<long>(rows) * p.Wq;
      for (int cb = 0; cb < p.ncb; cb++)
        for (int kh = 0; kh < s.kh; kh++) {
          const float* a = xp + cb * p.cbLen + p.tapOff[kh * s.kw];
          float* d = acc + (static_cast<long>(cb) * s.kh + kh) * coPad * LP;
          for (int k0 = 0; k0 < LP; k0 += NVG * W) {
            const int nvk = std::min(NVG, (LP - k0) / W);
            const bool narrow = s.cout <= 8 && nvk <= 2;
            const int MC = narrow ? 8 : kMc[nvk];
            const DwFn kernel = dw_kernel(nvk, narrow);
            for (int co0 = 0; co0 < s.cout; co0 += MC)
              kernel(len, a + k0, p.SW * p.CB, dyq + co0, coPad, d + static_cast<long>(co0) * LP + k0, LP);
          }
        }
    }
  });
  const long wl = static_cast<long>(p.taps) * s.cin * s.cout;
  parallel_ranges(wl, threads_for(static_cast<double>(chunks) * wl, 32768.0), [&](long b, long e) {
    for (long i = b; i < e; i++) {
      const int co = static_cast<int>(i % s.cout), ci = static_cast<int>((i / s.cout) % s.cin);
      const int t = static_cast<int>(i / (static_cast<long>(s.cout) * s.cin)), kh = t / s.kw, kw = t % s.kw;
      const int cb = ci / p.CB;
      const long j = ((static_cast<long>(cb) * s.kh + kh) * coPad + co) * LP + kw * p.CB + (ci - cb * p.CB);
      float sum = 0.f;
      for (long ch = 0; ch < chunks; ch++) sum += part[ch * plen + j];
      dw[i] = sum;
    }
  });
}

}  // namespace mlf
