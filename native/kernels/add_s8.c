/*
 * add_s8.c — int8 elementwise add with general rescaling (TFLite
 * reference_integer_ops::Add / BroadcastAdd6DSlow).
 *
 * Both inputs are brought to a common scale with 20 bits of headroom:
 *   a = requantize((x1 + input1_offset) * 2^left_shift, M1, s1)
 *   b = requantize((x2 + input2_offset) * 2^left_shift, M2, s2)
 *   y = clamp(requantize(a + b, Mo, so) + output_offset, act_min, act_max)
 * where M1, M2 encode s_i / (2 max(s1, s2)) and Mo encodes
 * 2 max(s1, s2) / (2^left_shift s_out). In double-rounding mode this is
 * TFLite's MultiplyByQuantizedMultiplierSmallerThanOneExp (shifts <= 0).
 */
#include "mlforge_kernels.h"

static inline int8_t mlf_add_one(const mlf_add_params_t *p, int32_t x1, int32_t x2) {
  const int32_t v1 = mlf_wrap_shl(p->input1_offset + x1, p->left_shift);
  const int32_t v2 = mlf_wrap_shl(p->input2_offset + x2, p->left_shift);
  const int32_t s1 = mlf_requantize(v1, p->input1_multiplier, p->input1_shift, p->rounding);
  const int32_t s2 = mlf_requantize(v2, p->input2_multiplier, p->input2_shift, p->rounding);
  const int32_t raw = mlf_wrap_add(
      mlf_requantize(mlf_wrap_add(s1, s2), p->output_multiplier, p->output_shift, p->rounding), p->output_offset);
  return (int8_t)mlf_clamp32(raw, p->act_min, p->act_max);
}

int32_t mlf_add_s8(const mlf_add_params_t *p, int32_t size, const int8_t *input1, const int8_t *input2,
                   int8_t *output) {
  int32_t i;
  for (i = 0; i < size; ++i) output[i] = mlf_add_one(p, input1[i], input2[i]);
  return MLF_OK;
}

int32_t mlf_add_broadcast_s8(const mlf_add_params_t *p, const int32_t *out_dims, const int32_t *s1,
                             const int32_t *s2, const int8_t *input1, const int8_t *input2, int8_t *output) {
  int32_t i0, i1, i2, i3, i4, i5;
  size_t o = 0;
  for (i0 = 0; i0 < out_dims[0]; ++i0) {
    for (i1 = 0; i1 < out_dims[1]; ++i1) {
      for (i2 = 0; i2 < out_dims[2]; ++i2) {
        for (i3 = 0; i3 < out_dims[3]; ++i3) {
          for (i4 = 0; i4 < out_dims[4]; ++i4) {
            const size_t base1 = (size_t)i0 * s1[0] + (size_t)i1 * s1[1] + (size_t)i2 * s1[2] +
                                 (size_t)i3 * s1[3] + (size_t)i4 * s1[4];
            const size_t base2 = (size_t)i0 * s2[0] + (size_t)i1 * s2[1] + (size_t)i2 * s2[2] +
                                 (size_t)i3 * s2[3] + (size_t)i4 * s2[4];
            for (i5 = 0; i5 < out_dims[5]; ++i5) {
              output[o++] = mlf_add_one(p, input1[base1 + (size_t)i5 * s1[5]], input2[base2 + (size_t)i5 * s2[5]]);
            }
          }
        }
      }
    }
  }
  return MLF_OK;
}
