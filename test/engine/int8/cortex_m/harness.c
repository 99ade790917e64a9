/*
 * Cross-target determinism harness for the int8 kernels.
 *
 * Generates the same pseudo-random cases on every target, runs every kernel and
 * prints one line per operator: case count, mismatches between a kernel's fast
 * path and its portable path (conv2d / fully_connected with and without
 * scratch, depthwise 3x3 against a plain loop in this file), and an FNV-1a hash
 * of all outputs. Built for the host (gcc, with and without emulated DSP) and
 * for Cortex-M4 (arm-none-eabi-gcc, real SMLAD, run in QEMU), the printed lines
 * must be identical and report zero mismatches.
 */
#include <stdint.h>
#include <string.h>

#include "mlforge_kernels.h"

#ifdef HARNESS_HOST
#include <stdio.h>
#include <stdlib.h>
static void harness_write(const char *s) { fputs(s, stdout); }
#else
void harness_write(const char *s);
#endif

#define CASES 600

static uint32_t rng_state = 0x9e3779b9u;
static uint32_t rnd(void) {
  uint32_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return rng_state = x;
}
static int32_t rint32(int32_t lo, int32_t hi) { return lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1)); }

static uint32_t hash;
static uint32_t hashes[10];
static void mix_into(uint32_t *h, const void *p, size_t n) {
  const uint8_t *b = (const uint8_t *)p;
  size_t i;
  for (i = 0; i < n; ++i) {
    *h ^= b[i];
    *h *= 16777619u;
  }
}
static void mix(const void *p, size_t n) { mix_into(&hash, p, n); }

static void put_u32(const char *label, uint32_t v, int hex) {
  char buf[16];
  int i = 15;
  buf[i] = 0;
  do {
    uint32_t d = hex ? (v & 15u) : (v % 10u);
    buf[--i] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
    v = hex ? v >> 4 : v / 10u;
  } while (v && i > 0);
  harness_write(label);
  harness_write(buf + i);
}

static void report(const char *op, int cases, int mismatches) {
  harness_write(op);
  put_u32(" cases=", (uint32_t)cases, 0);
  put_u32(" mismatches=", (uint32_t)mismatches, 0);
  put_u32(" hash=", hash, 1);
  harness_write("\n");
}

static int8_t in_a[4096], in_b[4096], filt[4096], out_a[4096], out_b[4096];
static int32_t bias[64], mult[64], shft[64];
static int16_t scratch[2048];

static void fill8(int8_t *p, int n, int lo, int hi) {
  int i;
  for (i = 0; i < n; ++i) p[i] = (int8_t)rint32(lo, hi);
}
static void fill_requant(int n, int32_t rounding) {
  int i;
  for (i = 0; i < n; ++i) {
    mult[i] = rint32(1073741824, 2147483647);
    shft[i] = rint32(-31, rounding == MLF_ROUND_SINGLE ? 30 : 30);
    bias[i] = rint32(-100000, 100000);
  }
}
/* Half the cases clamp to the whole int8 range (no activation; ReLU onto a zero point of -128), the rest to a random range. */
static void act_range(int32_t *lo, int32_t *hi) {
  const int full = rint32(0, 1);
  *lo = full ? -128 : rint32(-128, 0);
  *hi = full ? 127 : rint32(0, 127);
}

static int differ(const int8_t *a, const int8_t *b, int n) { return memcmp(a, b, (size_t)n) != 0; }
static int out_size(const mlf_dims4_t *d) { return d->n * d->h * d->w * d->c; }

static int conv_case(void) {
  mlf_conv_params_t p;
  mlf_dims4_t in, f, out;
  int mism;
  in.n = 1; in.h = rint32(1, 7); in.w = rint32(1, 7); in.c = rint32(1, 9);
  f.n = rint32(1, 8); f.h = rint32(1, 3); f.w = rint32(1, 3); f.c = in.c;
  p.stride_h = rint32(1, 2); p.stride_w = rint32(1, 2); p.dilation_h = rint32(1, 2); p.dilation_w = rint32(1, 2);
  p.pad_h = rint32(0, (f.h - 1) * p.dilation_h); p.pad_w = rint32(0, (f.w - 1) * p.dilation_w);
  out.n = 1; out.c = f.n;
  out.h = (in.h + p.pad_h + rint32(0, 1) - ((f.h - 1) * p.dilation_h + 1)) / p.stride_h + 1;
  out.w = (in.w + p.pad_w + rint32(0, 1) - ((f.w - 1) * p.dilation_w + 1)) / p.stride_w + 1;
  if (out.h < 1) out.h = 1;
  if (out.w < 1) out.w = 1;
  p.input_offset = rint32(-127, 128); p.output_offset = rint32(-128, 127);
  act_range(&p.act_min, &p.act_max); p.rounding = rint32(0, 1);
  fill8(in_a, out_size(&in), -128, 127);
  fill8(filt, out_size(&f), -127, 127);
  fill_requant(out.c, p.rounding);
  mlf_conv2d_s8(&p, mult, shft, &in, in_a, &f, filt, bias, &out, out_a, scratch);
  mlf_conv2d_s8(&p, mult, shft, &in, in_a, &f, filt, bias, &out, out_b, NULL);
  mism = differ(out_a, out_b, out_size(&out));
  mix(out_a, (size_t)out_size(&out));
  return mism;
}

static int fc_case(void) {
  mlf_fc_params_t p;
  int32_t batches = rint32(1, 3), depth = rint32(1, 80), outs = rint32(1, 16);
  int mism;
  p.input_offset = rint32(-127, 128); p.filter_offset = 0; p.output_offset = rint32(-128, 127);
  act_range(&p.act_min, &p.act_max); p.rounding = rint32(0, 1); p.per_channel = rint32(0, 1);
  fill8(in_a, batches * depth, -128, 127);
  fill8(filt, outs * depth, -127, 127);
  fill_requant(outs, p.rounding);
  mlf_fully_connected_s8(&p, mult, shft, batches, depth, outs, in_a, filt, bias, out_a, scratch);
  mlf_fully_connected_s8(&p, mult, shft, batches, depth, outs, in_a, filt, bias, out_b, NULL);
  mism = differ(out_a, out_b, batches * outs);
  mix(out_a, (size_t)(batches * outs));
  return mism;
}

/* Depthwise 3x3, multiplier 1, dilation 1 (the fast path) against a plain loop. */
static int dw_case(void) {
  mlf_dw_conv_params_t p;
  mlf_dims4_t in, f, out;
  int32_t oy, ox, c, ky, kx, mism;
  in.n = 1; in.h = rint32(1, 8); in.w = rint32(1, 8); in.c = rint32(1, 12);
  f.n = 1; f.h = 3; f.w = 3; f.c = in.c;
  p.stride_h = rint32(1, 2); p.stride_w = rint32(1, 2); p.dilation_h = 1; p.dilation_w = 1;
  p.pad_h = rint32(0, 2); p.pad_w = rint32(0, 2); p.depth_multiplier = 1;
  out.n = 1; out.c = in.c;
  out.h = (in.h + 2 * p.pad_h - 3) / p.stride_h + 1;
  out.w = (in.w + 2 * p.pad_w - 3) / p.stride_w + 1;
  if (out.h < 1) out.h = 1;
  if (out.w < 1) out.w = 1;
  p.input_offset = rint32(-127, 128); p.output_offset = rint32(-128, 127);
  act_range(&p.act_min, &p.act_max); p.rounding = rint32(0, 1);
  fill8(in_a, out_size(&in), -128, 127);
  fill8(filt, 9 * in.c, -127, 127);
  fill_requant(out.c, p.rounding);
  mlf_depthwise_conv2d_s8(&p, mult, shft, &in, in_a, &f, filt, bias, &out, out_a);
  for (oy = 0; oy < out.h; ++oy) {
    for (ox = 0; ox < out.w; ++ox) {
      for (c = 0; c < in.c; ++c) {
        int32_t acc = 0;
        for (ky = 0; ky < 3; ++ky) {
          for (kx = 0; kx < 3; ++kx) {
            const int32_t iy = oy * p.stride_h - p.pad_h + ky, ix = ox * p.stride_w - p.pad_w + kx;
            if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w) continue;
            acc += (in_a[(iy * in.w + ix) * in.c + c] + p.input_offset) * filt[(ky * 3 + kx) * in.c + c];
          }
        }
        acc = mlf_wrap_add(acc, bias[c]);
        acc = mlf_wrap_add(mlf_requantize(acc, mult[c], shft[c], p.rounding), p.output_offset);
        out_b[(oy * out.w + ox) * out.c + c] = (int8_t)mlf_clamp32(acc, p.act_min, p.act_max);
      }
    }
  }
  mism = differ(out_a, out_b, out_size(&out));
  mix(out_a, (size_t)out_size(&out));
  return mism;
}

static void other_kernels(void) {
  int i, k;
  for (k = 0; k < CASES; ++k) {
    const int32_t n = rint32(1, 64);
    mlf_add_params_t a;
    mlf_pool_params_t pp;
    mlf_dims4_t pin, pout;
    mlf_softmax_params_t sm;
    mlf_sigmoid_params_t sg;
    mlf_mean_params_t mp;
    float fx[64], fy[64];
    a.input1_offset = rint32(-127, 128); a.input2_offset = rint32(-127, 128); a.output_offset = rint32(-128, 127);
    a.left_shift = 20; a.rounding = rint32(0, 1);
    a.input1_multiplier = rint32(1073741824, 2147483647); a.input1_shift = rint32(-31, 0);
    a.input2_multiplier = rint32(1073741824, 2147483647); a.input2_shift = rint32(-31, 0);
    a.output_multiplier = rint32(1073741824, 2147483647); a.output_shift = rint32(-31, 10);
    a.act_min = -128; a.act_max = 127;
    fill8(in_a, n, -128, 127);
    fill8(in_b, n, -128, 127);
    mlf_add_s8(&a, n, in_a, in_b, out_a);
    mix_into(&hashes[0], out_a, (size_t)n);

    pin.n = 1; pin.h = rint32(1, 6); pin.w = rint32(1, 6); pin.c = rint32(1, 4);
    pp.filter_h = rint32(1, 3); pp.filter_w = rint32(1, 3); pp.stride_h = rint32(1, 2); pp.stride_w = rint32(1, 2);
    pp.pad_h = rint32(0, pp.filter_h - 1); pp.pad_w = rint32(0, pp.filter_w - 1);
    pp.act_min = -128; pp.act_max = 127;
    pout.n = 1; pout.c = pin.c;
    pout.h = (pin.h + pp.pad_h - pp.filter_h) / pp.stride_h + 1;
    pout.w = (pin.w + pp.pad_w - pp.filter_w) / pp.stride_w + 1;
    if (pout.h < 1) pout.h = 1;
    if (pout.w < 1) pout.w = 1;
    fill8(in_a, out_size(&pin), -128, 127);
    mlf_avg_pool_s8(&pp, &pin, in_a, &pout, out_a);
    mix_into(&hashes[1], out_a, (size_t)out_size(&pout));
    mlf_max_pool_s8(&pp, &pin, in_a, &pout, out_a);
    mix_into(&hashes[2], out_a, (size_t)out_size(&pout));

    sm.input_multiplier = rint32(1073741824, 2147483647); sm.input_left_shift = rint32(0, 30);
    sm.diff_min = -(int32_t)(((int64_t)31 << 26) >> sm.input_left_shift); sm.rounding = rint32(0, 1);
    fill8(in_a, n, -128, 127);
    mlf_softmax_s8(&sm, 1, n, in_a, out_a);
    mix_into(&hashes[3], out_a, (size_t)n);

    sg.input_zero_point = rint32(-128, 127); sg.input_left_shift = rint32(0, 30);
    sg.input_range_radius = (int32_t)(((int64_t)15 << 27) >> sg.input_left_shift);
    sg.input_multiplier = rint32(1073741824, 2147483647); sg.rounding = rint32(0, 1);
    mlf_logistic_s8(&sg, n, in_a, out_a);
    mix_into(&hashes[4], out_a, (size_t)n);
    mlf_tanh_s8(&sg, n, in_a, out_b);
    mix_into(&hashes[5], out_b, (size_t)n);

    mp.num_dims = 3; mp.dims[0] = rint32(1, 4); mp.dims[1] = rint32(1, 4); mp.dims[2] = rint32(1, 4);
    mp.reduce[0] = 0; mp.reduce[1] = 1; mp.reduce[2] = rint32(0, 1);
    mp.input_zero_point = rint32(-128, 127); mp.output_zero_point = rint32(-128, 127);
    mp.multiplier = rint32(1073741824, 2147483647); mp.shift = rint32(-31, 0); mp.rounding = rint32(0, 1);
    mp.same_quant = rint32(0, 1);
    mlf_mean_s8_fold(mp.dims[1] * (mp.reduce[2] ? mp.dims[2] : 1), &mp.multiplier, &mp.shift);
    fill8(in_a, mp.dims[0] * mp.dims[1] * mp.dims[2], -128, 127);
    mlf_mean_s8(&mp, in_a, out_a);
    mix_into(&hashes[6], out_a, (size_t)(mp.dims[0] * (mp.reduce[2] ? 1 : mp.dims[2])));

    {
      /* Drawn one by one: the order in which arguments are evaluated differs between compilers. */
      const int32_t zin = rint32(-128, 127), zout = rint32(-128, 127), m = rint32(1073741824, 2147483647);
      const int32_t sh = rint32(-31, 30), rounding = rint32(0, 1);
      mlf_requantize_s8(in_b, n, zin, zout, m, sh, rounding, out_a);
    }
    mix_into(&hashes[7], out_a, (size_t)n);
    for (i = 0; i < n; ++i) fx[i] = (float)rint32(-3000, 3000) * 0.0625f + 0.03125f;
    mlf_quantize_f32_s8(fx, n, 0.25f, rint32(-128, 127), out_a);
    mix_into(&hashes[8], out_a, (size_t)n);
    mlf_dequantize_s8_f32(in_b, n, 0.0123f, rint32(-128, 127), fy);
    mix_into(&hashes[9], fy, sizeof(float) * (size_t)n);
  }
}

int main(void) {
  int k, m;
  hash = 2166136261u;
  for (k = 0, m = 0; k < CASES; ++k) m += conv_case();
  report("conv2d", CASES, m);
  for (k = 0, m = 0; k < CASES; ++k) m += fc_case();
  report("fully_connected", CASES, m);
  for (k = 0, m = 0; k < CASES; ++k) m += dw_case();
  report("depthwise_conv2d_3x3", CASES, m);
  other_kernels();
  {
    static const char *const names[10] = {"add", "avg_pool", "max_pool", "softmax", "logistic", "tanh", "mean",
                                           "requantize", "quantize", "dequantize"};
    for (k = 0; k < 10; ++k) {
      hash = hashes[k];
      report(names[k], CASES, 0);
    }
  }
  return 0;
}
