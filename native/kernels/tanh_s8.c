/*
 * tanh_s8.c — int8 tanh (TFLite reference_integer_ops::Tanh).
 *
 * x = q - input_zero_point. |x| >= input_range_radius saturates to -128 / 127;
 * otherwise x is scaled into Q4.27 (input_multiplier, input_left_shift),
 * gemmlowp's fixed-point tanh gives Q0.31, and
 *   y = clamp(RoundingDivideByPOT(t, 24), -128, 127)
 * (output scale 1/128, zero point 0).
 */
#include "mlforge_kernels.h"

int32_t mlf_tanh_s8(const mlf_sigmoid_params_t *p, int32_t size, const int8_t *input, int8_t *output) {
  int32_t i;
  for (i = 0; i < size; ++i) {
    const int32_t x = (int32_t)input[i] - p->input_zero_point;
    if (x <= -p->input_range_radius) {
      output[i] = -128;
    } else if (x >= p->input_range_radius) {
      output[i] = 127;
    } else {
      const int32_t x_q4 = mlf_requantize(x, p->input_multiplier, p->input_left_shift, p->rounding);
      const int32_t y = mlf_rdbpot(mlf_tanh_q4(x_q4), 31 - 7);
      output[i] = (int8_t)mlf_clamp32(y, -128, 127);
    }
  }
  return MLF_OK;
}
