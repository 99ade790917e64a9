/* Motion features (per-axis statistics and FFT band energies); the twin of src/dsp/motion.ts. */
#include <math.h>
#include "mlf_features.h"

static int32_t count_stats(int32_t mask) {
  int32_t n = 0;
  for (; mask; mask >>= 1) n += mask & 1;
  return n;
}

int32_t mlf_motion_features_scratch_floats(const mlf_motion_features_t *c) {
  return c->num_bands > 0 ? c->fft_len + 2 : 0;
}

int32_t mlf_motion_features_output_len(const mlf_motion_features_t *c) {
  return c->axes * (count_stats(c->stats) + c->num_bands);
}

void mlf_motion_features(const mlf_motion_features_t *c, const float *in, float *out, float *scratch) {
  const int32_t n = c->window_len, axes = c->axes;
  int32_t a, i, b, k;
  for (a = 0; a < axes; a++) {
    /* Sums of x - x[0] (the shifted-data algorithm): a large offset such as
     * gravity then costs the mean no precision. */
    const float x0 = in[a];
    float sum = 0.0f, sq = 0.0f, peak = 0.0f, m2 = 0.0f, m3 = 0.0f, m4 = 0.0f, mean, std;
    int32_t shaped;
    for (i = 0; i < n; i++) {
      const float v = in[i * axes + a];
      sum += v - x0;
      sq += v * v;
      if (fabsf(v) > peak) peak = fabsf(v);
    }
    mean = x0 + sum / (float)n;
    /* Central moments in a second pass: one-pass formulas cancel catastrophically in float32. */
    for (i = 0; i < n; i++) {
      const float d = in[i * axes + a] - mean, d2 = d * d;
      m2 += d2;
      m3 += d2 * d;
      m4 += d2 * d2;
    }
    m2 /= (float)n;
    m3 /= (float)n;
    m4 /= (float)n;
    std = sqrtf(m2);
    shaped = std > MLF_DEGENERATE * peak;
    if (c->stats & MLF_STAT_MEAN) *out++ = mean;
    if (c->stats & MLF_STAT_RMS) *out++ = sqrtf(sq / (float)n);
    if (c->stats & MLF_STAT_STD) *out++ = std;
    if (c->stats & MLF_STAT_SKEW) *out++ = shaped ? m3 / (m2 * std) : 0.0f;
    if (c->stats & MLF_STAT_KURTOSIS) *out++ = shaped ? m4 / (m2 * m2) - 3.0f : 0.0f;
    if (c->stats & MLF_STAT_PEAK) *out++ = peak;
    if (c->num_bands == 0) continue;
    {
      const float offset = c->remove_mean ? mean : 0.0f;
      for (i = 0; i < n; i++) scratch[i] = (in[i * axes + a] - offset) * (c->window ? c->window[i] : 1.0f);
      for (; i < c->fft_len; i++) scratch[i] = 0.0f;
    }
    mlf_rfft(c->twiddle, c->fft_len, scratch);
    mlf_power_spectrum(scratch, c->fft_len / 2 + 1);
    for (b = 0; b < c->num_bands; b++) {
      float e = 0.0f;
      for (k = c->band_edges[b]; k < c->band_edges[b + 1]; k++) e += scratch[k];
      *out++ = c->log_bands ? logf(e + c->log_floor) : e;
    }
  }
}
