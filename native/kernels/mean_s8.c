/*
 * mean_s8.c — int8 mean over a set of axes (TFLite Micro's EvalIntegerMean).
 *
 *   sum  = sum of the raw int8 inputs over the reduced axes (int32, wrapping)
 *   same_quant (input and output share scale and zero point; reference_ops::Mean):
 *        y = sum / count, C integer division (truncates towards zero)
 *   otherwise (reference_ops::QuantizedMeanOrSum, compute_sum = false):
 *        y = clamp(requantize(sum - input_zp * count, M', s') + output_zp, -128, 127)
 *
 * where (M', s') is the input/output scale ratio with 1/count folded in by
 * mlf_mean_s8_fold (done once, before invoke). Any number of axes up to
 * MLF_MAX_DIMS; the output holds the kept axes in their original order.
 */
#include "mlforge_kernels.h"

static int mlf_mean_clz64(uint64_t x) {
  int n = 0;
  if (x == 0) return 64;
  while ((x & ((uint64_t)1 << 63)) == 0) {
    x <<= 1;
    ++n;
  }
  return n;
}

void mlf_mean_s8_fold(int64_t count, int32_t *multiplier, int32_t *shift) {
  int32_t s;
  if (count <= 0) return;
  s = 63 - mlf_mean_clz64((uint64_t)count);
  s = mlf_min32(s, 32);
  s = mlf_min32(s, 31 + *shift);
  if (s < 0) s = 0;
  *multiplier = (int32_t)(((int64_t)*multiplier << s) / count);
  *shift = *shift - s;
}

int32_t mlf_mean_s8(const mlf_mean_params_t *p, const int8_t *input, int8_t *output) {
  int32_t kept[MLF_MAX_DIMS], red[MLF_MAX_DIMS];
  size_t stride[MLF_MAX_DIMS];
  int32_t n_kept = 0, n_red = 0;
  int32_t kept_idx[MLF_MAX_DIMS], red_idx[MLF_MAX_DIMS];
  size_t count = 1, outputs = 1, o;
  int32_t i;
  if (p->num_dims < 1 || p->num_dims > MLF_MAX_DIMS) return MLF_ERR_ARG;
  stride[p->num_dims - 1] = 1;
  for (i = p->num_dims - 2; i >= 0; --i) stride[i] = stride[i + 1] * (size_t)p->dims[i + 1];
  for (i = 0; i < p->num_dims; ++i) {
    if (p->reduce[i]) {
      red[n_red++] = i;
      count *= (size_t)p->dims[i];
    } else {
      kept[n_kept++] = i;
      outputs *= (size_t)p->dims[i];
    }
  }
  for (i = 0; i < n_kept; ++i) kept_idx[i] = 0;
  for (o = 0; o < outputs; ++o) {
    size_t base = 0, r;
    uint32_t sum = 0;
    int32_t y;
    for (i = 0; i < n_kept; ++i) base += (size_t)kept_idx[i] * stride[kept[i]];
    for (i = 0; i < n_red; ++i) red_idx[i] = 0;
    for (r = 0; r < count; ++r) {
      size_t off = base;
      for (i = 0; i < n_red; ++i) off += (size_t)red_idx[i] * stride[red[i]];
      sum += (uint32_t)(int32_t)input[off];
      for (i = n_red - 1; i >= 0; --i) {
        if (++red_idx[i] < p->dims[red[i]]) break;
        red_idx[i] = 0;
      }
    }
    if (count == 0) {
      output[o] = 0;
    } else if (p->same_quant) {
      output[o] = (int8_t)((int32_t)sum / (int32_t)count);
    } else {
      const int32_t shifted = (int32_t)(sum - (uint32_t)p->input_zero_point * (uint32_t)count);
      y = mlf_wrap_add(mlf_requantize(shifted, p->multiplier, p->shift, p->rounding), p->output_zero_point);
      output[o] = (int8_t)mlf_clamp32(y, -128, 127);
    }
    for (i = n_kept - 1; i >= 0; --i) {
      if (++kept_idx[i] < p->dims[kept[i]]) break;
      kept_idx[i] = 0;
    }
  }
  return MLF_OK;
}
