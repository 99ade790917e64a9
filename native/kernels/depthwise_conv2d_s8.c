/*
 * depthwise_conv2d_s8.c — int8 depthwise convolution, per-channel
 * requantization (TFLite reference_integer_ops::DepthwiseConvPerChannel).
 *
 *   oc = ic * M + m
 *   acc = bias[oc] + sum over in-bounds taps (ky, kx) of
 *         (x[b, iy, ix, ic] + input_offset) * w[0, ky, kx, oc]
 *   y = clamp(requantize(acc, M[oc], s[oc]) + output_offset, act_min, act_max)
 *
 * Paths (same bytes): 3x3 with multiplier 1 and dilation 1 gets a dedicated
 * loop (tap window clipped once per pixel, nine explicit MACs inside the image;
 * with MLF_PACKED_MAC, tap pairs go through SMLAD); everything else runs the
 * direct loop nest.
 */
#include "mlforge_kernels.h"
#include "mlf_dsp.h"

static inline int8_t mlf_dw_finish(int32_t acc, const mlf_dw_conv_params_t *p, const int32_t *bias,
                                   const int32_t *multiplier, const int32_t *shift, int32_t oc) {
  if (bias) acc = mlf_wrap_add(acc, bias[oc]);
  acc = mlf_requantize(acc, multiplier[oc], shift[oc], p->rounding);
  acc = mlf_wrap_add(acc, p->output_offset);
  return (int8_t)mlf_clamp32(acc, p->act_min, p->act_max);
}

static void mlf_dw_3x3(const mlf_dw_conv_params_t *p, const int32_t *multiplier, const int32_t *shift,
                       const mlf_dims4_t *in_d, const int8_t *input, const int8_t *filter, const int32_t *bias,
                       const mlf_dims4_t *out_d, int8_t *output) {
  const int32_t c_n = in_d->c;
  const int32_t off = p->input_offset;
  int32_t b, oy, ox, c, ky, kx;
  for (b = 0; b < out_d->n; ++b) {
    for (oy = 0; oy < out_d->h; ++oy) {
      const int32_t iy0 = oy * p->stride_h - p->pad_h;
      const int32_t ky0 = iy0 < 0 ? -iy0 : 0;
      const int32_t ky1 = mlf_min32(3, in_d->h - iy0);
      for (ox = 0; ox < out_d->w; ++ox) {
        const int32_t ix0 = ox * p->stride_w - p->pad_w;
        const int32_t kx0 = ix0 < 0 ? -ix0 : 0;
        const int32_t kx1 = mlf_min32(3, in_d->w - ix0);
        int8_t *out = output + (((size_t)b * out_d->h + oy) * out_d->w + ox) * c_n;
        if (ky0 == 0 && kx0 == 0 && ky1 == 3 && kx1 == 3) {
          /* Whole window inside: nine taps, rows r0..r2 of the input. */
          const size_t row = (size_t)in_d->w * c_n;
          const int8_t *x0 = input + (((size_t)b * in_d->h + iy0) * in_d->w + ix0) * c_n;
          const int8_t *x1 = x0 + row;
          const int8_t *x2 = x1 + row;
          for (c = 0; c < c_n; ++c) {
            const int8_t *w = filter + c;
            int32_t acc;
#if MLF_PACKED_MAC
            acc = mlf_smlad(mlf_pack16(x0[c] + off, x0[c_n + c] + off), mlf_pack16(w[0], w[c_n]), 0);
            acc = mlf_smlad(mlf_pack16(x0[2 * c_n + c] + off, x1[c] + off), mlf_pack16(w[2 * c_n], w[3 * c_n]), acc);
            acc = mlf_smlad(mlf_pack16(x1[c_n + c] + off, x1[2 * c_n + c] + off),
                            mlf_pack16(w[4 * c_n], w[5 * c_n]), acc);
            acc = mlf_smlad(mlf_pack16(x2[c] + off, x2[c_n + c] + off), mlf_pack16(w[6 * c_n], w[7 * c_n]), acc);
            acc = mlf_wrap_add(acc, (x2[2 * c_n + c] + off) * w[8 * c_n]);
#else
            acc = (x0[c] + off) * w[0] + (x0[c_n + c] + off) * w[c_n] + (x0[2 * c_n + c] + off) * w[2 * c_n] +
                  (x1[c] + off) * w[3 * c_n] + (x1[c_n + c] + off) * w[4 * c_n] +
                  (x1[2 * c_n + c] + off) * w[5 * c_n] + (x2[c] + off) * w[6 * c_n] +
                  (x2[c_n + c] + off) * w[7 * c_n] + (x2[2 * c_n + c] + off) * w[8 * c_n];
#endif
            out[c] = mlf_dw_finish(acc, p, bias, multiplier, shift, c);
          }
        } else {
          for (c = 0; c < c_n; ++c) {
            int32_t acc = 0;
            for (ky = ky0; ky < ky1; ++ky) {
              const int8_t *x = input + (((size_t)b * in_d->h + iy0 + ky) * in_d->w + ix0) * c_n + c;
              const int8_t *w = filter + (size_t)ky * 3 * c_n + c;
              for (kx = kx0; kx < kx1; ++kx) acc += (x[(size_t)kx * c_n] + off) * w[(size_t)kx * c_n];
            }
            out[c] = mlf_dw_finish(acc, p, bias, multiplier, shift, c);
          }
        }
      }
    }
  }
}

int32_t mlf_depthwise_conv2d_s8(const mlf_dw_conv_params_t *p, const int32_t *multiplier, const int32_t *shift,
                                const mlf_dims4_t *in_d, const int8_t *input, const mlf_dims4_t *f_d,
                                const int8_t *filter, const int32_t *bias, const mlf_dims4_t *out_d,
                                int8_t *output) {
  const int32_t kh = f_d->h, kw = f_d->w;
  const int32_t mult = p->depth_multiplier;
  const int32_t c_in = in_d->c;
  const int32_t c_out = out_d->c;
  int32_t b, oy, ox, ic, m, ky, kx;
  if (kh == 3 && kw == 3 && mult == 1 && p->dilation_h == 1 && p->dilation_w == 1) {
    mlf_dw_3x3(p, multiplier, shift, in_d, input, filter, bias, out_d, output);
    return MLF_OK;
  }
  for (b = 0; b < out_d->n; ++b) {
    for (oy = 0; oy < out_d->h; ++oy) {
      const int32_t iy0 = oy * p->stride_h - p->pad_h;
      for (ox = 0; ox < out_d->w; ++ox) {
        const int32_t ix0 = ox * p->stride_w - p->pad_w;
        int8_t *out = output + (((size_t)b * out_d->h + oy) * out_d->w + ox) * c_out;
        for (ic = 0; ic < c_in; ++ic) {
          for (m = 0; m < mult; ++m) {
            const int32_t oc = ic * mult + m;
            int32_t acc = 0;
            for (ky = 0; ky < kh; ++ky) {
              const int32_t iy = iy0 + ky * p->dilation_h;
              if (iy < 0 || iy >= in_d->h) continue;
              for (kx = 0; kx < kw; ++kx) {
                const int32_t ix = ix0 + kx * p->dilation_w;
                if (ix < 0 || ix >= in_d->w) continue;
                acc += (input[(((size_t)b * in_d->h + iy) * in_d->w + ix) * c_in + ic] + p->input_offset) *
                       filter[((size_t)ky * kw + kx) * c_out + oc];
              }
            }
            out[oc] = mlf_dw_finish(acc, p, bias, multiplier, shift, oc);
          }
        }
      }
    }
  }
  return MLF_OK;
}
