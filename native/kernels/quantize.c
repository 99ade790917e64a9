/*
 * quantize.c — conversions between float and int8 (TFLite Quantize /
 * Dequantize / Requantize) and QuantizeMultiplier for prepare time.
 *
 * Floating point is used here on purpose: these are the model's edges and its
 * init step. The int8 kernels themselves stay integer-only.
 */
#include <math.h>

#include "mlforge_kernels.h"

void mlf_quantize_multiplier(double real_multiplier, int32_t rounding, int32_t *multiplier, int32_t *shift) {
  int exponent = 0;
  double q;
  int64_t q_fixed;
  if (real_multiplier == 0.0) {
    *multiplier = 0;
    *shift = 0;
    return;
  }
  q = frexp(real_multiplier, &exponent); /* real = q * 2^exponent, q in [0.5, 1) */
  q_fixed = (int64_t)round(q * 2147483648.0);
  if (q_fixed == ((int64_t)1 << 31)) {
    q_fixed /= 2;
    ++exponent;
  }
  if (exponent < -31) {
    exponent = 0;
    q_fixed = 0;
  }
  if (rounding == MLF_ROUND_SINGLE && exponent > 30) {
    exponent = 30;
    q_fixed = ((int64_t)1 << 31) - 1;
  }
  *multiplier = (int32_t)q_fixed;
  *shift = (int32_t)exponent;
}

int32_t mlf_quantize_f32_s8(const float *input, int32_t size, float scale, int32_t zero_point, int8_t *output) {
  int32_t i;
  for (i = 0; i < size; ++i) {
    float r = roundf(input[i] / scale);
    int32_t q;
    /* Beyond +-2^20 every value clamps anyway; this keeps the cast defined
     * (NaN goes low, as a truncating x86 conversion would). */
    if (!(r >= -1048576.0f)) r = -1048576.0f;
    if (r > 1048576.0f) r = 1048576.0f;
    q = (int32_t)r + zero_point;
    output[i] = (int8_t)mlf_clamp32(q, -128, 127);
  }
  return MLF_OK;
}

int32_t mlf_dequantize_s8_f32(const int8_t *input, int32_t size, float scale, int32_t zero_point, float *output) {
  const double s = (double)scale;
  int32_t i;
  for (i = 0; i < size; ++i) output[i] = (float)(s * (double)((int32_t)input[i] - zero_point));
  return MLF_OK;
}

int32_t mlf_requantize_s8(const int8_t *input, int32_t size, int32_t input_zero_point, int32_t output_zero_point,
                          int32_t multiplier, int32_t shift, int32_t rounding, int8_t *output) {
  int32_t i;
  for (i = 0; i < size; ++i) {
    const int32_t x = (int32_t)input[i] - input_zero_point;
    const int32_t y = mlf_wrap_add(mlf_requantize(x, multiplier, shift, rounding), output_zero_point);
    output[i] = (int8_t)mlf_clamp32(y, -128, 127);
  }
  return MLF_OK;
}
