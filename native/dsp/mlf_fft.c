/*
 * Real FFT via a half-length complex FFT and a split step; the twin of
 * src/dsp/fft.ts. The complex FFT is radix-2 decimation in time with its
 * stages fused in pairs (radix-2²): each pass loads four points, runs two
 * butterfly stages on them in registers and stores them once, so memory
 * traffic and loop overhead halve; the second stage's odd twiddle is the
 * first's times −i, a swap. The first pass has only twiddles 1 and −i, so no
 * multiplies; an odd stage count starts with one plain radix-2 stage.
 */
#include "mlf_features.h"

static void bit_reverse(float *buf, int32_t m) {
  int32_t i, j;
  for (i = 0, j = 0; i < m; i++) {
    int32_t bit = m >> 1;
    if (i < j) {
      const float re = buf[2 * i], im = buf[2 * i + 1];
      buf[2 * i] = buf[2 * j];
      buf[2 * i + 1] = buf[2 * j + 1];
      buf[2 * j] = re;
      buf[2 * j + 1] = im;
    }
    while (j & bit) {
      j ^= bit;
      bit >>= 1;
    }
    j |= bit;
  }
}

/* Stage of span 1: every twiddle is 1. */
static void radix2_first(float *buf, int32_t m) {
  int32_t i;
  for (i = 0; i < m; i += 2) {
    float *p = buf + 2 * i;
    const float ar = p[0], ai = p[1], br = p[2], bi = p[3];
    p[0] = ar + br;
    p[1] = ai + bi;
    p[2] = ar - br;
    p[3] = ai - bi;
  }
}

/*
 * The second stage of a fused pair, shared by both passes: (a, c) from A ± U
 * and (b, d) from B ± (−i)·V.
 */
static inline void radix4_store(float *pa, float *pb, float *pc, float *pd, float ar, float ai, float br, float bi,
                                float ur, float ui, float vr, float vi) {
  pa[0] = ar + ur;
  pa[1] = ai + ui;
  pc[0] = ar - ur;
  pc[1] = ai - ui;
  pb[0] = br + vi;
  pb[1] = bi - vr;
  pd[0] = br - vi;
  pd[1] = bi + vr;
}

/* Stages of span 1 and 2: twiddles 1 and −i. */
static void radix4_first(float *buf, int32_t m) {
  int32_t i;
  for (i = 0; i < m; i += 4) {
    float *p = buf + 2 * i;
    const float ar = p[0] + p[2], ai = p[1] + p[3], br = p[0] - p[2], bi = p[1] - p[3];
    const float cr = p[4] + p[6], ci = p[5] + p[7], dr = p[4] - p[6], di = p[5] - p[7];
    radix4_store(p, p + 2, p + 4, p + 6, ar, ai, br, bi, cr, ci, dr, di);
  }
}

/*
 * Stages of span h and 2h. For the points a, b = a+h, c = a+2h, d = a+3h of
 * a group: (a, b) and (c, d) with W1 = W_2h^k, then (a, c) with W2 = W_4h^k
 * and (b, d) with W_4h^(k+h) = −i·W2.
 */
static void radix4_pass(const float *cs, const float *sn, int32_t n, int32_t m, int32_t h, float *buf) {
  const int32_t s1 = n / (2 * h), s2 = n / (4 * h);
  int32_t k, base;
  for (k = 0; k < h; k++) {
    const float w1r = cs[k * s1], w1i = -sn[k * s1], w2r = cs[k * s2], w2i = -sn[k * s2];
    for (base = k; base < m; base += 4 * h) {
      float *pa = buf + 2 * base, *pb = pa + 2 * h, *pc = pb + 2 * h, *pd = pc + 2 * h;
      const float xar = pa[0], xai = pa[1], xbr = pb[0], xbi = pb[1];
      const float xcr = pc[0], xci = pc[1], xdr = pd[0], xdi = pd[1];
      const float t1r = w1r * xbr - w1i * xbi, t1i = w1r * xbi + w1i * xbr;
      const float t2r = w1r * xdr - w1i * xdi, t2i = w1r * xdi + w1i * xdr;
      const float ar = xar + t1r, ai = xai + t1i, br = xar - t1r, bi = xai - t1i;
      const float cr = xcr + t2r, ci = xci + t2i, dr = xcr - t2r, di = xci - t2i;
      const float ur = w2r * cr - w2i * ci, ui = w2r * ci + w2i * cr;
      const float vr = w2r * dr - w2i * di, vi = w2r * di + w2i * dr;
      radix4_store(pa, pb, pc, pd, ar, ai, br, bi, ur, ui, vr, vi);
    }
  }
}

void mlf_rfft(const float *twiddle, int32_t n, float *buf) {
  const int32_t m = n / 2;
  const float *sn = twiddle + m;
  int32_t h, k, stages = 0;
  float r0, i0;

  while ((1 << stages) < m) stages++;
  bit_reverse(buf, m);
  if (stages & 1) {
    radix2_first(buf, m);
    h = 2;
  } else if (stages > 0) {
    radix4_first(buf, m);
    h = 4;
  } else {
    h = m;
  }
  for (; h < m; h *= 4) radix4_pass(twiddle, sn, n, m, h, buf);

  /* Split: X[k] = E + W^k O and X[m-k] = conj(E - W^k O), with
   * E = (Z[k] + conj Z[m-k]) / 2 and O = -i (Z[k] - conj Z[m-k]) / 2. */
  r0 = buf[0];
  i0 = buf[1];
  buf[0] = r0 + i0;
  buf[1] = 0.0f;
  buf[n] = r0 - i0;
  buf[n + 1] = 0.0f;
  for (k = 1; k <= m / 2; k++) {
    const float ar = buf[2 * k], ai = buf[2 * k + 1];
    const float br = buf[2 * (m - k)], bi = -buf[2 * (m - k) + 1];
    const float er = 0.5f * (ar + br), ei = 0.5f * (ai + bi);
    const float or_ = 0.5f * (ai - bi), oi = -0.5f * (ar - br);
    const float wr = twiddle[k], wi = -sn[k];
    const float tr = wr * or_ - wi * oi, ti = wr * oi + wi * or_;
    buf[2 * k] = er + tr;
    buf[2 * k + 1] = ei + ti;
    buf[2 * (m - k)] = er - tr;
    buf[2 * (m - k) + 1] = -(ei - ti);
  }
}

void mlf_power_spectrum(float *buf, int32_t bins) {
  int32_t k;
  for (k = 0; k < bins; k++) buf[k] = buf[2 * k] * buf[2 * k] + buf[2 * k + 1] * buf[2 * k + 1];
}
