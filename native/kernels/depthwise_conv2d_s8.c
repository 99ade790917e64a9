/*
 * depthwise_conv2d_s8.c — int8 depthwise convolution, per-channel
 * requantization (TFLite reference_integer_ops::DepthwiseConvPerChannel).
 *
 *   oc = ic * M + m
 *   acc = bias[oc] + sum over in-bounds taps (ky, kx) of
 *         (x[b, iy, ix, ic] + input_offset) * w[0, ky, kx, oc]
 *   y = clamp(requantize(acc, M[oc], s[oc]) + output_offset, act_min, act_max)
 *
 * Paths (same bytes):
 *  - packed (MLF_PACKED_MAC), multiplier 1 and dilation 1, any kernel size:
 *    four channels at a time; per tap one word of inputs and one of weights,
 *    unpacked to 16-bit halves (the input offset added by SXTAB16), and one
 *    SMLABB/SMLATT per channel; the tap window is clipped once per pixel;
 *  - otherwise 3x3 with multiplier 1 and dilation 1: the window clipped once
 *    per pixel, nine explicit MACs inside the image;
 *  - everything else: the direct loop nest.
 */
#include "mlforge_kernels.h"
#include "mlf_dsp.h"

#if MLF_PACKED_MAC
static void mlf_dw_packed(const mlf_dw_conv_params_t *p, const int32_t *multiplier, const int32_t *shift,
                          const mlf_dims4_t *in_d, const int8_t *input, const mlf_dims4_t *f_d, const int8_t *filter,
                          const int32_t *bias, const mlf_dims4_t *out_d, int8_t *output, mlf_out_stage_t o) {
  const int32_t c_n = in_d->c;
  const int32_t kh = f_d->h, kw = f_d->w;
  const int32_t off = p->input_offset;
  const int32_t off2 = mlf_dup16(off);
  int32_t b, oy, ox, c, ky, kx;
  for (b = 0; b < out_d->n; ++b) {
    for (oy = 0; oy < out_d->h; ++oy) {
      const int32_t iy0 = oy * p->stride_h - p->pad_h;
      const int32_t ky0 = iy0 < 0 ? -iy0 : 0;
      const int32_t ky1 = mlf_min32(kh, in_d->h - iy0);
      for (ox = 0; ox < out_d->w; ++ox) {
        const int32_t ix0 = ox * p->stride_w - p->pad_w;
        const int32_t kx0 = ix0 < 0 ? -ix0 : 0;
        const int32_t kx1 = mlf_min32(kw, in_d->w - ix0);
        /* Row ky of the clipped window starts at input pixel (iy0 + ky, ix0 + kx0). */
        const int8_t *x_row = input + (((size_t)b * in_d->h + (size_t)(iy0 + ky0)) * in_d->w + (size_t)(ix0 + kx0)) * c_n;
        const size_t row = (size_t)in_d->w * c_n;
        int8_t *out = output + (((size_t)b * out_d->h + oy) * out_d->w + ox) * c_n;
        for (c = 0; c + 4 <= c_n; c += 4) {
          /* The bias starts the sums: one test of the pointer per four channels. */
          int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
          if (bias) {
            a0 = bias[c];
            a1 = bias[c + 1];
            a2 = bias[c + 2];
            a3 = bias[c + 3];
          }
          for (ky = ky0; ky < ky1; ++ky) {
            const int8_t *x = x_row + (size_t)(ky - ky0) * row + c;
            const int8_t *w = filter + ((size_t)ky * kw + kx0) * c_n + c;
            for (kx = kx0; kx < kx1; ++kx, x += c_n, w += c_n) {
              int32_t xv;
              int32_t wv;
              int32_t x02;
              int32_t x13;
              int32_t w02;
              int32_t w13;
              memcpy(&xv, x, 4);
              memcpy(&wv, w, 4);
              x02 = mlf_sxtab16(off2, xv);
              x13 = mlf_sxtab16_ror8(off2, xv);
              w02 = mlf_sxtb16(wv);
              w13 = mlf_sxtb16_ror8(wv);
              a0 = mlf_smlabb(x02, w02, a0);
              a2 = mlf_smlatt(x02, w02, a2);
              a1 = mlf_smlabb(x13, w13, a1);
              a3 = mlf_smlatt(x13, w13, a3);
            }
          }
          out[c] = mlf_out_finish(a0, 0, multiplier[c], shift[c], o);
          out[c + 1] = mlf_out_finish(a1, 0, multiplier[c + 1], shift[c + 1], o);
          out[c + 2] = mlf_out_finish(a2, 0, multiplier[c + 2], shift[c + 2], o);
          out[c + 3] = mlf_out_finish(a3, 0, multiplier[c + 3], shift[c + 3], o);
        }
        for (; c < c_n; ++c) {
          int32_t acc = 0;
          for (ky = ky0; ky < ky1; ++ky) {
            const int8_t *x = x_row + (size_t)(ky - ky0) * row + c;
            const int8_t *w = filter + ((size_t)ky * kw + kx0) * c_n + c;
            for (kx = kx0; kx < kx1; ++kx, x += c_n, w += c_n) acc += (*x + off) * *w;
          }
          out[c] = mlf_out_finish(acc, bias ? bias[c] : 0, multiplier[c], shift[c], o);
        }
      }
    }
  }
}

#else
static void mlf_dw_3x3(const mlf_dw_conv_params_t *p, const int32_t *multiplier, const int32_t *shift,
                       const mlf_dims4_t *in_d, const int8_t *input, const int8_t *filter, const int32_t *bias,
                       const mlf_dims4_t *out_d, int8_t *output, mlf_out_stage_t o) {
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
            acc = (x0[c] + off) * w[0] + (x0[c_n + c] + off) * w[c_n] + (x0[2 * c_n + c] + off) * w[2 * c_n] +
                  (x1[c] + off) * w[3 * c_n] + (x1[c_n + c] + off) * w[4 * c_n] +
                  (x1[2 * c_n + c] + off) * w[5 * c_n] + (x2[c] + off) * w[6 * c_n] +
                  (x2[c_n + c] + off) * w[7 * c_n] + (x2[2 * c_n + c] + off) * w[8 * c_n];
            out[c] = mlf_out_finish(acc, bias ? bias[c] : 0, multiplier[c], shift[c], o);
          }
        } else {
          for (c = 0; c < c_n; ++c) {
            int32_t acc = 0;
            for (ky = ky0; ky < ky1; ++ky) {
              const int8_t *x = input + (((size_t)b * in_d->h + iy0 + ky) * in_d->w + ix0) * c_n + c;
              const int8_t *w = filter + (size_t)ky * 3 * c_n + c;
              for (kx = kx0; kx < kx1; ++kx) acc += (x[(size_t)kx * c_n] + off) * w[(size_t)kx * c_n];
            }
            out[c] = mlf_out_finish(acc, bias ? bias[c] : 0, multiplier[c], shift[c], o);
          }
        }
      }
    }
  }
}

#endif

int32_t mlf_depthwise_conv2d_s8(const mlf_dw_conv_params_t *p, const int32_t *multiplier, const int32_t *shift,
                                const mlf_dims4_t *in_d, const int8_t *input, const mlf_dims4_t *f_d,
                                const int8_t *filter, const int32_t *bias, const mlf_dims4_t *out_d,
                                int8_t *output) {
  const int32_t kh = f_d->h, kw = f_d->w;
  const int32_t mult = p->depth_multiplier;
  const int32_t c_in = in_d->c;
  const int32_t c_out = out_d->c;
  const mlf_out_stage_t o = MLF_OUT_STAGE(p);
  int32_t b, oy, ox, ic, m, ky, kx;
#if MLF_PACKED_MAC
  if (mult == 1 && p->dilation_h == 1 && p->dilation_w == 1) {
    mlf_dw_packed(p, multiplier, shift, in_d, input, f_d, filter, bias, out_d, output, o);
    return MLF_OK;
  }
#else
  if (kh == 3 && kw == 3 && mult == 1 && p->dilation_h == 1 && p->dilation_w == 1) {
    mlf_dw_3x3(p, multiplier, shift, in_d, input, filter, bias, out_d, output, o);
    return MLF_OK;
  }
#endif
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
            out[oc] = mlf_out_finish(acc, bias ? bias[oc] : 0, multiplier[oc], shift[oc], o);
          }
        }
      }
    }
  }
  return MLF_OK;
}
