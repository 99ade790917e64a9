/*
 * mlforge_kernels.h — the int8 kernels of MLForge (public C API).
 *
 * One C99 source tree, shipped inside every C export and compiled into the
 * Node addon for in-process evaluation. Arithmetic is bit-exact with
 * TensorFlow Lite Micro's reference kernels (int8 quantization spec).
 *
 * What this is: integer-only kernels that take precomputed requantization
 * parameters (Q31 multiplier + shift per channel, activation clamps). What it is
 * not: a model loader or a "prepare" step — multipliers come from the generator
 * (or from mlf_quantize_multiplier at init time); kernels never allocate, never
 * use floating point (except quantize/dequantize) and trust their arguments.
 *
 * Layouts: activations NHWC; conv filters [Cout, KH, KW, Cin]; depthwise filters
 * [1, KH, KW, Cin*M] (output channel c*M + m reads input channel c);
 * fully-connected weights [Out, In]; biases int32.
 *
 * Offsets follow TFLite: input_offset = -input zero point, output_offset =
 * +output zero point. Padding is explicit (pad_h / pad_w = top / left).
 *
 * Return value of every kernel: MLF_OK, or an MLF_ERR_* code.
 */
#ifndef MLFORGE_KERNELS_H
#define MLFORGE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "fixedpoint.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MLF_OK 0
#define MLF_ERR_SCRATCH 1 /* a scratch buffer was needed but not given */
#define MLF_ERR_ARG 2     /* an argument outside what the kernel supports */

#define MLF_MAX_DIMS 6

typedef struct {
  int32_t n, h, w, c;
} mlf_dims4_t;

/* ---- conv2d_s8.c ---- */
typedef struct {
  int32_t stride_h, stride_w;
  int32_t dilation_h, dilation_w;
  int32_t pad_h, pad_w;
  int32_t input_offset;  /* -input zero point */
  int32_t output_offset; /* output zero point */
  int32_t act_min, act_max;
  int32_t rounding;      /* MLF_ROUND_DOUBLE or MLF_ROUND_SINGLE */
} mlf_conv_params_t;

/* Bytes of scratch mlf_conv2d_s8 uses (the int16 im2col columns of two output
 * pixels, used by the packed-MAC path; the same number on every target so that
 * one memory plan fits all). */
size_t mlf_conv2d_s8_scratch_size(const mlf_dims4_t *input, const mlf_dims4_t *filter);

/* x: (N,H,W,Cin), w: (Cout,KH,KW,Cin), bias: (Cout) or NULL, y: (N,OH,OW,Cout).
 * multiplier/shift: per output channel. scratch: int16-aligned, may be NULL
 * (then the portable path runs). */
int32_t mlf_conv2d_s8(const mlf_conv_params_t *params, const int32_t *multiplier, const int32_t *shift,
                      const mlf_dims4_t *input_dims, const int8_t *input, const mlf_dims4_t *filter_dims,
                      const int8_t *filter, const int32_t *bias, const mlf_dims4_t *output_dims, int8_t *output,
                      int16_t *scratch);

/* ---- depthwise_conv2d_s8.c ---- */
typedef struct {
  int32_t stride_h, stride_w;
  int32_t dilation_h, dilation_w;
  int32_t pad_h, pad_w;
  int32_t depth_multiplier;
  int32_t input_offset, output_offset;
  int32_t act_min, act_max;
  int32_t rounding;
} mlf_dw_conv_params_t;

/* x: (N,H,W,C), w: (1,KH,KW,C*M), bias: (C*M) or NULL, y: (N,OH,OW,C*M). */
int32_t mlf_depthwise_conv2d_s8(const mlf_dw_conv_params_t *params, const int32_t *multiplier,
                                const int32_t *shift, const mlf_dims4_t *input_dims, const int8_t *input,
                                const mlf_dims4_t *filter_dims, const int8_t *filter, const int32_t *bias,
                                const mlf_dims4_t *output_dims, int8_t *output);

/* ---- fully_connected_s8.c ---- */
typedef struct {
  int32_t input_offset, filter_offset, output_offset;
  int32_t act_min, act_max;
  int32_t rounding;
  int32_t per_channel; /* 1: multiplier/shift have out_depth entries; 0: one entry */
} mlf_fc_params_t;

size_t mlf_fully_connected_s8_scratch_size(int32_t accum_depth);

/* x: (batches, accum_depth), w: (out_depth, accum_depth), bias: (out_depth) or
 * NULL, y: (batches, out_depth). scratch may be NULL. */
int32_t mlf_fully_connected_s8(const mlf_fc_params_t *params, const int32_t *multiplier, const int32_t *shift,
                               int32_t batches, int32_t accum_depth, int32_t out_depth, const int8_t *input,
                               const int8_t *filter, const int32_t *bias, int8_t *output, int16_t *scratch);

/* ---- add_s8.c ---- */
typedef struct {
  int32_t input1_offset, input2_offset, output_offset;
  int32_t left_shift; /* 20 for int8 */
  int32_t input1_multiplier, input1_shift;
  int32_t input2_multiplier, input2_shift;
  int32_t output_multiplier, output_shift;
  int32_t act_min, act_max;
  int32_t rounding;
} mlf_add_params_t;

/* Same-shape add over `size` elements. */
int32_t mlf_add_s8(const mlf_add_params_t *params, int32_t size, const int8_t *input1, const int8_t *input2,
                   int8_t *output);

/* Broadcasting add: output has dims out_dims[0..5] (row-major, padded with
 * leading 1s); in1_strides/in2_strides are element strides per output axis
 * (0 on broadcast axes). */
int32_t mlf_add_broadcast_s8(const mlf_add_params_t *params, const int32_t *out_dims, const int32_t *in1_strides,
                             const int32_t *in2_strides, const int8_t *input1, const int8_t *input2,
                             int8_t *output);

/* ---- pool_s8.c ---- */
typedef struct {
  int32_t stride_h, stride_w;
  int32_t filter_h, filter_w;
  int32_t pad_h, pad_w;
  int32_t act_min, act_max;
} mlf_pool_params_t;

/* Input and output share scale and zero point. Average = sum of in-bounds taps
 * divided by their count, rounded half away from zero. */
int32_t mlf_avg_pool_s8(const mlf_pool_params_t *params, const mlf_dims4_t *input_dims, const int8_t *input,
                        const mlf_dims4_t *output_dims, int8_t *output);
int32_t mlf_max_pool_s8(const mlf_pool_params_t *params, const mlf_dims4_t *input_dims, const int8_t *input,
                        const mlf_dims4_t *output_dims, int8_t *output);

/* ---- mean_s8.c ---- */
typedef struct {
  int32_t num_dims;              /* 1..MLF_MAX_DIMS */
  int32_t dims[MLF_MAX_DIMS];    /* input shape */
  int32_t reduce[MLF_MAX_DIMS];  /* 1 on reduced axes */
  int32_t input_zero_point, output_zero_point;
  /* The input/output scale ratio with 1/count folded in (see mlf_mean_s8_fold). */
  int32_t multiplier, shift;
  int32_t rounding;
  /* 1 when input and output share scale and zero point: TFLite Micro then takes
   * sum / count of the raw values with truncating integer division instead. */
  int32_t same_quant;
} mlf_mean_params_t;

/* Folds 1/count into (multiplier, shift) the way TFLite's QuantizedMeanOrSum
 * does: shift' = min(floor(log2 count), 32, 31 + shift),
 * multiplier' = (multiplier << shift') / count, shift -= shift'. */
void mlf_mean_s8_fold(int64_t count, int32_t *multiplier, int32_t *shift);

/* Output: the kept axes in order (keep_dims does not change the layout). */
int32_t mlf_mean_s8(const mlf_mean_params_t *params, const int8_t *input, int8_t *output);

/* ---- softmax_s8.c ---- */
typedef struct {
  int32_t input_multiplier, input_left_shift; /* beta * input scale in Q5.26 */
  int32_t diff_min;
  int32_t rounding;
} mlf_softmax_params_t;

/* Softmax over the last axis; output scale 1/256, zero point -128. */
int32_t mlf_softmax_s8(const mlf_softmax_params_t *params, int32_t outer, int32_t depth, const int8_t *input,
                       int8_t *output);

/* ---- pad_s8.c ---- */
typedef struct {
  int32_t num_dims;
  int32_t dims[MLF_MAX_DIMS]; /* input shape */
  int32_t before[MLF_MAX_DIMS];
  int32_t after[MLF_MAX_DIMS];
  int32_t pad_value; /* the output zero point */
} mlf_pad_params_t;

int32_t mlf_pad_s8(const mlf_pad_params_t *params, const int8_t *input, int8_t *output);

/* ---- concat_s8.c ---- */
/* All inputs share the output's scale and zero point. outer = product of the
 * dims before the axis, inner = product after it; input i has axis_sizes[i]. */
int32_t mlf_concat_s8(int32_t num_inputs, const int8_t *const *inputs, const int32_t *axis_sizes, int32_t outer,
                      int32_t inner, int8_t *output);

/* ---- quantize.c ---- */
/* real -> (multiplier, shift) as TFLite's QuantizeMultiplier (frexp, round half
 * away from zero, 2^31 -> 2^30 with shift+1, shift < -31 flushes to 0; in
 * single-rounding mode shift > 30 saturates to (2^31 - 1, 30)). Prepare-time. */
void mlf_quantize_multiplier(double real_multiplier, int32_t rounding, int32_t *multiplier, int32_t *shift);

/* float -> int8: round(x / scale) + zero_point (float division, half away from
 * zero), clamped. */
int32_t mlf_quantize_f32_s8(const float *input, int32_t size, float scale, int32_t zero_point, int8_t *output);
/* int8 -> float: (float)((double)scale * (q - zero_point)). */
int32_t mlf_dequantize_s8_f32(const int8_t *input, int32_t size, float scale, int32_t zero_point, float *output);
/* int8 -> int8 with another scale/zero point. */
int32_t mlf_requantize_s8(const int8_t *input, int32_t size, int32_t input_zero_point, int32_t output_zero_point,
                          int32_t multiplier, int32_t shift, int32_t rounding, int8_t *output);

/* ---- logistic_s8.c / tanh_s8.c ---- */
typedef struct {
  int32_t input_zero_point;
  int32_t input_range_radius; /* |x - zp| at or beyond this saturates */
  int32_t input_multiplier, input_left_shift; /* input scale in Q4.27 */
  int32_t rounding;
} mlf_sigmoid_params_t;

/* Output scale 1/256, zero point -128. */
int32_t mlf_logistic_s8(const mlf_sigmoid_params_t *params, int32_t size, const int8_t *input, int8_t *output);
/* Output scale 1/128, zero point 0. */
int32_t mlf_tanh_s8(const mlf_sigmoid_params_t *params, int32_t size, const int8_t *input, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MLFORGE_KERNELS_H */
