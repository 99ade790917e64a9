/* Real FFT via a half-length complex radix-2 FFT and a split step; the twin of src/dsp/fft.ts. */
#include "mlf_features.h"

void mlf_rfft(const float *twiddle, int32_t n, float *buf) {
  const int32_t m = n / 2;
  const float *sn = twiddle + m;
  int32_t i, j, size, k;
  float r0, i0;

  /* Bit-reversal permutation of the m complex values. */
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
  /* Radix-2 butterflies; W_size^k = W_n^(k*n/size). */
  for (size = 2; size <= m; size *= 2) {
    const int32_t half = size / 2, step = n / size;
    int32_t base;
    for (base = 0; base < m; base += size) {
      for (k = 0; k < half; k++) {
        const float wr = twiddle[k * step], wi = -sn[k * step];
        float *p = buf + 2 * (base + k);
        float *q = p + size;
        const float tr = wr * q[0] - wi * q[1];
        const float ti = wr * q[1] + wi * q[0];
        q[0] = p[0] - tr;
        q[1] = p[1] - ti;
        p[0] += tr;
        p[1] += ti;
      }
    }
  }
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
