/*
 * pool_s8.c — int8 average and max pooling (TFLite
 * reference_integer_ops::AveragePool / MaxPool). Input and output share scale
 * and zero point, so no requantization happens.
 *
 * The window of output (oy, ox) starts at (oy*stride_h - pad_h, ox*stride_w -
 * pad_w) and is clipped to the image. Average: sum / count over the clipped
 * window, rounded half away from zero with integer division
 * ((sum +- count/2) / count); max: the largest in-window value. Both clamp to
 * [act_min, act_max].
 */
#include "mlforge_kernels.h"

int32_t mlf_avg_pool_s8(const mlf_pool_params_t *p, const mlf_dims4_t *in_d, const int8_t *input,
                        const mlf_dims4_t *out_d, int8_t *output) {
  const int32_t depth = in_d->c;
  int32_t b, oy, ox, c, fy, fx;
  for (b = 0; b < out_d->n; ++b) {
    for (oy = 0; oy < out_d->h; ++oy) {
      const int32_t iy0 = oy * p->stride_h - p->pad_h;
      const int32_t fy0 = mlf_max32(0, -iy0);
      const int32_t fy1 = mlf_min32(p->filter_h, in_d->h - iy0);
      for (ox = 0; ox < out_d->w; ++ox) {
        const int32_t ix0 = ox * p->stride_w - p->pad_w;
        const int32_t fx0 = mlf_max32(0, -ix0);
        const int32_t fx1 = mlf_min32(p->filter_w, in_d->w - ix0);
        const int32_t count = mlf_max32(0, fy1 - fy0) * mlf_max32(0, fx1 - fx0);
        int8_t *out = output + (((size_t)b * out_d->h + oy) * out_d->w + ox) * depth;
        for (c = 0; c < depth; ++c) {
          int32_t acc = 0;
          for (fy = fy0; fy < fy1; ++fy) {
            const int8_t *x = input + (((size_t)b * in_d->h + iy0 + fy) * in_d->w + ix0) * depth + c;
            for (fx = fx0; fx < fx1; ++fx) acc += x[(size_t)fx * depth];
          }
          if (count <= 0) {
            acc = 0; /* an empty window (impossible for shapes prepare accepts) */
          } else {
            acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
          }
          out[c] = (int8_t)mlf_clamp32(acc, p->act_min, p->act_max);
        }
      }
    }
  }
  return MLF_OK;
}

int32_t mlf_max_pool_s8(const mlf_pool_params_t *p, const mlf_dims4_t *in_d, const int8_t *input,
                        const mlf_dims4_t *out_d, int8_t *output) {
  const int32_t depth = in_d->c;
  int32_t b, oy, ox, c, fy, fx;
  for (b = 0; b < out_d->n; ++b) {
    for (oy = 0; oy < out_d->h; ++oy) {
      const int32_t iy0 = oy * p->stride_h - p->pad_h;
      const int32_t fy0 = mlf_max32(0, -iy0);
      const int32_t fy1 = mlf_min32(p->filter_h, in_d->h - iy0);
      for (ox = 0; ox < out_d->w; ++ox) {
        const int32_t ix0 = ox * p->stride_w - p->pad_w;
        const int32_t fx0 = mlf_max32(0, -ix0);
        const int32_t fx1 = mlf_min32(p->filter_w, in_d->w - ix0);
        int8_t *out = output + (((size_t)b * out_d->h + oy) * out_d->w + ox) * depth;
        for (c = 0; c < depth; ++c) {
          int32_t max = -128;
          for (fy = fy0; fy < fy1; ++fy) {
            const int8_t *x = input + (((size_t)b * in_d->h + iy0 + fy) * in_d->w + ix0) * depth + c;
            for (fx = fx0; fx < fx1; ++fx) max = mlf_max32(max, x[(size_t)fx * depth]);
          }
          out[c] = (int8_t)mlf_clamp32(max, p->act_min, p->act_max);
        }
      }
    }
  }
  return MLF_OK;
}
