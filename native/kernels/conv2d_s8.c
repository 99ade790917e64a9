/*
 * conv2d_s8.c — int8 2-D convolution, per-output-channel requantization
 * (TFLite reference_integer_ops::ConvPerChannel).
 *
 *   acc[oc] = bias[oc] + sum over in-bounds taps (ky, kx, ic) of
 *             (x[b, iy, ix, ic] + input_offset) * w[oc, ky, kx, ic]
 *   y = clamp(requantize(acc, M[oc], s[oc]) + output_offset, act_min, act_max)
 *
 * with iy = oy*stride_h - pad_h + ky*dilation_h (likewise ix). Taps outside the
 * image are skipped, which equals padding with the input zero point.
 *
 * Paths (all produce the same bytes; integer sums modulo 2^32 do not depend on
 * the order of terms):
 *  - packed (MLF_PACKED_MAC, needs scratch): the im2col columns of two output
 *    pixels are built once as int16 (x + offset, 0 for padding) and reused by
 *    every output channel, two pixels by two channels per pass, two SMLADs
 *    per four weights per pixel;
 *  - 1x1 without padding (every tap in bounds): a GEMM over pixels, unrolled by four;
 *  - general: the direct loop nest.
 */
#include "mlforge_kernels.h"
#include "mlf_dsp.h"

/* sum (x[i] + offset) * w[i], i < n, unrolled by four. */
static inline int32_t mlf_conv_dot(const int8_t *x, const int8_t *w, int32_t n, int32_t offset) {
  int32_t acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0;
  int32_t i = 0;
  for (; i + 4 <= n; i += 4) {
    acc0 += (x[i + 0] + offset) * w[i + 0];
    acc1 += (x[i + 1] + offset) * w[i + 1];
    acc2 += (x[i + 2] + offset) * w[i + 2];
    acc3 += (x[i + 3] + offset) * w[i + 3];
  }
  for (; i < n; ++i) acc0 += (x[i] + offset) * w[i];
  return mlf_wrap_add(mlf_wrap_add(acc0, acc1), mlf_wrap_add(acc2, acc3));
}

size_t mlf_conv2d_s8_scratch_size(const mlf_dims4_t *input, const mlf_dims4_t *filter) {
  return 2 * (size_t)filter->h * (size_t)filter->w * (size_t)input->c * sizeof(int16_t);
}

#if MLF_PACKED_MAC
/*
 * Column j of the pair in scratch (mlf_dsp.h's pair layout): the im2col column
 * of output pixel `pixel` (over batch, rows, columns), x + offset for taps
 * inside the image, 0 for padding. With Cin a multiple of four every tap is
 * whole groups of four, packed word by word; otherwise value by value.
 */
static void mlf_conv_column(const mlf_conv_params_t *p, const mlf_dims4_t *in_d, const int8_t *input,
                            const mlf_dims4_t *f_d, const mlf_dims4_t *out_d, int32_t pixel, int16_t *pair,
                            int32_t j) {
  const int32_t cin = in_d->c;
  const int32_t k = f_d->h * f_d->w * cin;
  const int32_t per_image = out_d->h * out_d->w;
  const int32_t b = pixel / per_image;
  const int32_t oy = (pixel % per_image) / out_d->w;
  const int32_t ox = pixel % out_d->w;
  const int32_t iy0 = oy * p->stride_h - p->pad_h;
  const int32_t ix0 = ox * p->stride_w - p->pad_w;
  const int words = (cin & 3) == 0;
  const int32_t offset2 = mlf_dup16(p->input_offset);
  int32_t i = 0, ky, kx, ic;
  for (ky = 0; ky < f_d->h; ++ky) {
    const int32_t iy = iy0 + ky * p->dilation_h;
    for (kx = 0; kx < f_d->w; ++kx) {
      const int32_t ix = ix0 + kx * p->dilation_w;
      const int inside = iy >= 0 && iy < in_d->h && ix >= 0 && ix < in_d->w;
      const int8_t *x = inside ? input + (((size_t)b * in_d->h + iy) * in_d->w + ix) * cin : NULL;
      if (words) {
        mlf_pair_words(pair, j, i, x, cin, offset2);
      } else {
        for (ic = 0; ic < cin; ++ic) pair[mlf_pair_index(i + ic, j, k)] = (int16_t)(x ? x[ic] + p->input_offset : 0);
      }
      i += cin;
    }
  }
}

/*
 * Two output pixels by two output channels at a time (mlf_dot_pair_2x2): the
 * columns of both pixels sit interleaved in scratch, each weight word is
 * unpacked once per pixel pair. An odd last pixel or channel is computed as a
 * pair with itself.
 */
static void mlf_conv_packed(const mlf_conv_params_t *p, const int32_t *multiplier, const int32_t *shift,
                            const mlf_dims4_t *in_d, const int8_t *input, const mlf_dims4_t *f_d,
                            const int8_t *filter, const int32_t *bias, const mlf_dims4_t *out_d, int8_t *output,
                            int16_t *scratch, mlf_out_stage_t o) {
  const int32_t k = f_d->h * f_d->w * in_d->c;
  const int32_t pixels = out_d->n * out_d->h * out_d->w;
  const int32_t cout = out_d->c;
  int32_t px, oc;
  for (px = 0; px < pixels; px += 2) {
    const int two = px + 1 < pixels;
    int8_t *out0 = output + (size_t)px * cout;
    int8_t *out1 = out0 + cout;
    mlf_conv_column(p, in_d, input, f_d, out_d, px, scratch, 0);
    mlf_conv_column(p, in_d, input, f_d, out_d, two ? px + 1 : px, scratch, 1);
    for (oc = 0; oc < cout; oc += 2) {
      const int pair = oc + 1 < cout;
      const int8_t *w0 = filter + (size_t)oc * k;
      const int32_t b0 = bias ? bias[oc] : 0, m0 = multiplier[oc], s0 = shift[oc];
      int32_t acc[4];
      mlf_dot_pair_2x2(scratch, w0, pair ? w0 + k : w0, k, acc);
      out0[oc] = mlf_out_finish(acc[0], b0, m0, s0, o);
      if (two) out1[oc] = mlf_out_finish(acc[1], b0, m0, s0, o);
      if (pair) {
        const int32_t b1 = bias ? bias[oc + 1] : 0, m1 = multiplier[oc + 1], s1 = shift[oc + 1];
        out0[oc + 1] = mlf_out_finish(acc[2], b1, m1, s1, o);
        if (two) out1[oc + 1] = mlf_out_finish(acc[3], b1, m1, s1, o);
      }
    }
  }
}
#endif

int32_t mlf_conv2d_s8(const mlf_conv_params_t *p, const int32_t *multiplier, const int32_t *shift,
                      const mlf_dims4_t *in_d, const int8_t *input, const mlf_dims4_t *f_d, const int8_t *filter,
                      const int32_t *bias, const mlf_dims4_t *out_d, int8_t *output, int16_t *scratch) {
  const int32_t cin = in_d->c;
  const int32_t kh = f_d->h, kw = f_d->w;
  const mlf_out_stage_t o = MLF_OUT_STAGE(p);
  int32_t b, oy, ox, oc, ky, kx;
#if MLF_PACKED_MAC
  if (scratch) {
    mlf_conv_packed(p, multiplier, shift, in_d, input, f_d, filter, bias, out_d, output, scratch, o);
    return MLF_OK;
  }
#else
  (void)scratch;
#endif
  if (kh == 1 && kw == 1 && p->pad_h == 0 && p->pad_w == 0 && (out_d->h - 1) * p->stride_h < in_d->h &&
      (out_d->w - 1) * p->stride_w < in_d->w) {
    /* 1x1 with every tap in bounds; the weights of oc are one row of Cin. */
    for (b = 0; b < out_d->n; ++b) {
      for (oy = 0; oy < out_d->h; ++oy) {
        for (ox = 0; ox < out_d->w; ++ox) {
          const int8_t *x =
              input + (((size_t)b * in_d->h + (size_t)oy * p->stride_h) * in_d->w + (size_t)ox * p->stride_w) * cin;
          int8_t *out = output + (((size_t)b * out_d->h + oy) * out_d->w + ox) * out_d->c;
          for (oc = 0; oc < out_d->c; ++oc) {
            const int32_t acc = mlf_conv_dot(x, filter + (size_t)oc * cin, cin, p->input_offset);
            out[oc] = mlf_out_finish(acc, bias ? bias[oc] : 0, multiplier[oc], shift[oc], o);
          }
        }
      }
    }
    return MLF_OK;
  }
  for (b = 0; b < out_d->n; ++b) {
    for (oy = 0; oy < out_d->h; ++oy) {
      const int32_t iy0 = oy * p->stride_h - p->pad_h;
      for (ox = 0; ox < out_d->w; ++ox) {
        const int32_t ix0 = ox * p->stride_w - p->pad_w;
        int8_t *out = output + (((size_t)b * out_d->h + oy) * out_d->w + ox) * out_d->c;
        for (oc = 0; oc < out_d->c; ++oc) {
          int32_t acc = 0;
          for (ky = 0; ky < kh; ++ky) {
            const int32_t iy = iy0 + ky * p->dilation_h;
            if (iy < 0 || iy >= in_d->h) continue;
            for (kx = 0; kx < kw; ++kx) {
              const int32_t ix = ix0 + kx * p->dilation_w;
              if (ix < 0 || ix >= in_d->w) continue;
              acc = mlf_wrap_add(acc, mlf_conv_dot(input + (((size_t)b * in_d->h + iy) * in_d->w + ix) * cin,
                                                   filter + (((size_t)oc * kh + ky) * kw + kx) * cin, cin,
                                                   p->input_offset));
            }
          }
          out[oc] = mlf_out_finish(acc, bias ? bias[oc] : 0, multiplier[oc], shift[oc], o);
        }
      }
    }
  }
  return MLF_OK;
}
