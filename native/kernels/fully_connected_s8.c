/*
 * fully_connected_s8.c — int8 fully-connected layer (TFLite
 * reference_integer_ops::FullyConnected, per-tensor or per-channel).
 *
 *   acc = bias[o] + sum_d (w[o, d] + filter_offset) * (x[b, d] + input_offset)
 *   y[b, o] = clamp(requantize(acc, M, s) + output_offset, act_min, act_max)
 *
 * (M, s) is per output channel when params->per_channel, else shared.
 * Paths (same bytes): with MLF_PACKED_MAC, symmetric weights (filter_offset 0)
 * and scratch, each input row is packed to int16 once and every output uses
 * SMLAD; otherwise a dot product unrolled by four.
 */
#include "mlforge_kernels.h"
#include "mlf_dsp.h"

/* Output o's stage; (M, s) per channel or shared. */
static inline int8_t mlf_fc_finish(int32_t acc, const mlf_fc_params_t *p, const int32_t *bias,
                                   const int32_t *multiplier, const int32_t *shift, int32_t o, mlf_out_stage_t stage) {
  const int32_t q = p->per_channel ? o : 0;
  return mlf_out_finish(acc, bias ? bias[o] : 0, multiplier[q], shift[q], stage);
}

size_t mlf_fully_connected_s8_scratch_size(int32_t accum_depth) {
  return (size_t)accum_depth * sizeof(int16_t);
}

int32_t mlf_fully_connected_s8(const mlf_fc_params_t *p, const int32_t *multiplier, const int32_t *shift,
                               int32_t batches, int32_t accum_depth, int32_t out_depth, const int8_t *input,
                               const int8_t *filter, const int32_t *bias, int8_t *output, int16_t *scratch) {
  const int32_t in_off = p->input_offset;
  const int32_t f_off = p->filter_offset;
  const mlf_out_stage_t stage = MLF_OUT_STAGE(p);
  int32_t b, o, d;
#if MLF_PACKED_MAC
  if (scratch && f_off == 0) {
    for (b = 0; b < batches; ++b) {
      mlf_pack_column(scratch, input + (size_t)b * accum_depth, accum_depth, in_off);
      for (o = 0; o < out_depth; ++o) {
        const int32_t acc = mlf_dot_packed(scratch, filter + (size_t)o * accum_depth, accum_depth, 0);
        output[(size_t)b * out_depth + o] = mlf_fc_finish(acc, p, bias, multiplier, shift, o, stage);
      }
    }
    return MLF_OK;
  }
#else
  (void)scratch;
#endif
  for (b = 0; b < batches; ++b) {
    const int8_t *x = input + (size_t)b * accum_depth;
    for (o = 0; o < out_depth; ++o) {
      const int8_t *w = filter + (size_t)o * accum_depth;
      int32_t acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0;
      d = 0;
      for (; d + 4 <= accum_depth; d += 4) {
        acc0 += (w[d + 0] + f_off) * (x[d + 0] + in_off);
        acc1 += (w[d + 1] + f_off) * (x[d + 1] + in_off);
        acc2 += (w[d + 2] + f_off) * (x[d + 2] + in_off);
        acc3 += (w[d + 3] + f_off) * (x[d + 3] + in_off);
      }
      for (; d < accum_depth; ++d) acc0 += (w[d] + f_off) * (x[d] + in_off);
      output[(size_t)b * out_depth + o] = mlf_fc_finish(
          mlf_wrap_add(mlf_wrap_add(acc0, acc1), mlf_wrap_add(acc2, acc3)), p, bias, multiplier, shift, o, stage);
    }
  }
  return MLF_OK;
}
