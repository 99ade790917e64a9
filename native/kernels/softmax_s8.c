/*
 * softmax_s8.c — int8 softmax over the last axis (TFLite reference_ops::Softmax
 * for int8 in / int8 out; gemmlowp fixed-point exp).
 *
 * Per row: d = x - max(row). Entries with d < diff_min contribute nothing and
 * output -128. Otherwise d is scaled by beta * input_scale into Q5.26
 * (input_multiplier, input_left_shift >= 0), e = exp(d) in Q0.31, and
 *   sum   = sum of e rescaled to Q12.19
 *   1/sum = Q0.31 reciprocal of sum normalised to [1, 2) (num_bits_over_unit)
 *   y     = RoundingDivideByPOT(1/sum * e, num_bits_over_unit + 23) - 128,
 * clamped to int8 (output scale 1/256, zero point -128).
 */
#include "mlforge_kernels.h"

#define MLF_SOFTMAX_SCALED_DIFF_BITS 5
#define MLF_SOFTMAX_ACCUM_BITS 12

static inline int32_t mlf_softmax_scaled_exp(const mlf_softmax_params_t *p, int32_t diff) {
  /* MultiplyByQuantizedMultiplierGreaterThanOne: left shift >= 0. */
  const int32_t scaled = mlf_requantize(diff, p->input_multiplier, p->input_left_shift, p->rounding);
  return mlf_exp_on_negative_values(scaled, MLF_SOFTMAX_SCALED_DIFF_BITS);
}

int32_t mlf_softmax_s8(const mlf_softmax_params_t *p, int32_t outer, int32_t depth, const int8_t *input,
                       int8_t *output) {
  int32_t i, c;
  for (i = 0; i < outer; ++i) {
    const int8_t *x = input + (size_t)i * depth;
    int8_t *y = output + (size_t)i * depth;
    int32_t max_in_row = -128;
    int32_t sum_of_exps = 0; /* Q12.19 */
    int headroom_plus_one, num_bits_over_unit, exponent;
    int32_t shifted_sum_minus_one, shifted_scale;
    for (c = 0; c < depth; ++c) max_in_row = mlf_max32(max_in_row, x[c]);
    for (c = 0; c < depth; ++c) {
      const int32_t diff = (int32_t)x[c] - max_in_row;
      if (diff >= p->diff_min) {
        /* Rescale<12>: Q0.31 -> Q12.19. */
        sum_of_exps = mlf_wrap_add(sum_of_exps, mlf_rdbpot(mlf_softmax_scaled_exp(p, diff), MLF_SOFTMAX_ACCUM_BITS));
      }
    }
    /* GetReciprocal: normalise sum to [1, 2), take 1 / (1 + x). */
    headroom_plus_one = mlf_clz32((uint32_t)sum_of_exps);
    if (headroom_plus_one > 31) headroom_plus_one = 31; /* sum >= 2^19 always: the max entry adds exp(0) */
    num_bits_over_unit = MLF_SOFTMAX_ACCUM_BITS - headroom_plus_one;
    shifted_sum_minus_one =
        (int32_t)(((uint32_t)sum_of_exps << headroom_plus_one) - ((uint32_t)1 << 31));
    shifted_scale = mlf_one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one);
    exponent = num_bits_over_unit + 31 - 8;
    for (c = 0; c < depth; ++c) {
      const int32_t diff = (int32_t)x[c] - max_in_row;
      if (diff >= p->diff_min) {
        const int32_t e = mlf_softmax_scaled_exp(p, diff);
        /* TFLite CHECKs exponent <= 31 (rows of > 256 near-equal entries); beyond it
         * the exact quotient of a value < 2^31 by >= 2^32 rounds to 0. */
        const int32_t unsat = exponent > 31 ? 0 : mlf_rdbpot(mlf_srdhm(shifted_scale, e), exponent);
        y[c] = (int8_t)mlf_clamp32(unsat - 128, -128, 127);
      } else {
        y[c] = -128;
      }
    }
  }
  return MLF_OK;
}
