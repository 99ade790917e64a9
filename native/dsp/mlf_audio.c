/* Audio features (spectrogram, log-mel, MFCC); the twin of src/dsp/audio.ts. */
#include <math.h>
#include "mlf_features.h"

static int32_t bins_per_frame(const mlf_audio_features_t *c) {
  if (c->kind == MLF_FEAT_SPECTROGRAM) return c->fft_len / 2 + 1;
  return c->kind == MLF_FEAT_LOGMEL ? c->mel_bins : c->num_coeffs;
}

int32_t mlf_audio_features_scratch_floats(const mlf_audio_features_t *c) {
  return c->fft_len + 2 + (c->kind == MLF_FEAT_MFCC ? c->mel_bins : 0);
}

int32_t mlf_audio_features_output_len(const mlf_audio_features_t *c) {
  return c->num_frames * bins_per_frame(c);
}

/* Triangular mel filters over the power spectrum, then ln(e + floor). */
static void mel_log(const mlf_audio_features_t *c, const float *power, float *out) {
  const float *w = c->mel_weights;
  int32_t j, k;
  for (j = 0; j < c->mel_bins; j++) {
    const float *p = power + c->mel_start[j];
    float e = 0.0f;
    for (k = 0; k < c->mel_len[j]; k++) e += w[k] * p[k];
    w += c->mel_len[j];
    out[j] = logf(e + c->log_floor);
  }
}

static void dct(const mlf_audio_features_t *c, const float *mel, float *out) {
  int32_t k, j;
  for (k = 0; k < c->num_coeffs; k++) {
    const float *row = c->dct + k * c->mel_bins;
    float v = 0.0f;
    for (j = 0; j < c->mel_bins; j++) v += row[j] * mel[j];
    out[k] = v;
  }
}

/* Subtracts each column's mean over the rows. */
static void mean_normalize(float *x, int32_t rows, int32_t cols) {
  int32_t r, j;
  for (j = 0; j < cols; j++) {
    float sum = 0.0f, mean;
    for (r = 0; r < rows; r++) sum += x[r * cols + j];
    mean = sum / (float)rows;
    for (r = 0; r < rows; r++) x[r * cols + j] -= mean;
  }
}

void mlf_audio_features(const mlf_audio_features_t *c, const float *in, float *out, float *scratch) {
  const int32_t per_frame = bins_per_frame(c), bins = c->fft_len / 2 + 1;
  float *buf = scratch;                  /* fft_len + 2 */
  float *mel = scratch + c->fft_len + 2; /* mel_bins, MFCC only */
  int32_t f, i;
  for (f = 0; f < c->num_frames; f++) {
    const float *x = in + f * c->frame_stride;
    float *o = out + f * per_frame;
    /* Pre-emphasis on the fly, so no copy of the whole input is needed. */
    float prev = f * c->frame_stride > 0 ? x[-1] : 0.0f;
    for (i = 0; i < c->frame_len; i++) {
      buf[i] = (x[i] - c->pre_emphasis * prev) * c->window[i];
      prev = x[i];
    }
    for (; i < c->fft_len; i++) buf[i] = 0.0f;
    mlf_rfft(c->twiddle, c->fft_len, buf);
    mlf_power_spectrum(buf, bins);
    if (c->kind == MLF_FEAT_SPECTROGRAM) {
      for (i = 0; i < bins; i++) o[i] = c->log ? logf(buf[i] + c->log_floor) : buf[i];
    } else if (c->kind == MLF_FEAT_LOGMEL) {
      mel_log(c, buf, o);
    } else {
      mel_log(c, buf, mel);
      dct(c, mel, o);
    }
  }
  if (c->cmn) mean_normalize(out, c->num_frames, per_frame);
}
