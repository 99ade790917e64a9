/*
 * fixedpoint.h — the integer arithmetic every int8 kernel is built on.
 *
 * Bit-exact with TensorFlow Lite (Micro)'s reference kernels: the helpers are
 * transcriptions of the formulas of gemmlowp's fixedpoint.h and TFLite's
 * MultiplyByQuantizedMultiplier. Everything is static inline, integer-only and
 * free of undefined behaviour: wherever TFLite relies on two's-complement
 * wrap-around (int32 multiply by 2^k, int32 adds), we go through uint32_t.
 *
 * Notation: a Qm.n value is an int32 holding value * 2^n, with m integer bits
 * (m + n = 31). A "quantized multiplier" (M, s) represents the real number
 * M * 2^(s - 31) with M in [2^30, 2^31) (or 0) and s the exponent.
 *
 * Requantization modes (MLF_ROUND_*):
 *  - DOUBLE (TFLite's default): SaturatingRoundingDoublingHighMul(x * 2^max(s,0), M)
 *    rounds once (to nearest), then RoundingDivideByPOT(., max(-s,0)) rounds
 *    again (to nearest, ties away from zero).
 *  - SINGLE (TFLITE_SINGLE_ROUNDING): (x * M + 2^(30-s)) >> (31 - s) in 64 bits,
 *    one rounding, half towards +infinity. Requires M >= 0 and -31 <= s <= 30.
 * Define MLFORGE_ROUNDING to MLF_ROUND_DOUBLE or MLF_ROUND_SINGLE at compile time
 * to fix the mode and let the compiler drop the runtime branch.
 */
#ifndef MLFORGE_FIXEDPOINT_H
#define MLFORGE_FIXEDPOINT_H

#include <stdint.h>

#define MLF_ROUND_DOUBLE 0
#define MLF_ROUND_SINGLE 1

#define MLF_INT32_MIN (-2147483647 - 1)
#define MLF_INT32_MAX 2147483647

/* Wrapping int32 arithmetic (two's complement, no UB). */
static inline int32_t mlf_wrap_add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
static inline int32_t mlf_wrap_sub(int32_t a, int32_t b) { return (int32_t)((uint32_t)a - (uint32_t)b); }
static inline int32_t mlf_wrap_neg(int32_t a) { return (int32_t)(0u - (uint32_t)a); }
/* a * 2^k modulo 2^32, 0 <= k <= 31. */
static inline int32_t mlf_wrap_shl(int32_t a, int k) { return (int32_t)((uint32_t)a << k); }

static inline int32_t mlf_min32(int32_t a, int32_t b) { return a < b ? a : b; }
static inline int32_t mlf_max32(int32_t a, int32_t b) { return a > b ? a : b; }
static inline int32_t mlf_clamp32(int32_t x, int32_t lo, int32_t hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}

/* x saturated to int8: SSAT on Armv7-M and later (one instruction), a clamp elsewhere. */
#if defined(__ARM_FEATURE_SAT)
#include <arm_acle.h>
static inline int32_t mlf_sat8(int32_t x) { return __ssat(x, 8); }
#else
static inline int32_t mlf_sat8(int32_t x) { return mlf_clamp32(x, -128, 127); }
#endif

/* Leading zeros of a 32-bit word; 32 for 0 (TFLite's CountLeadingZeros). */
static inline int mlf_clz32(uint32_t x) {
  int n = 0;
  if (x == 0) return 32;
  while ((x & 0x80000000u) == 0) {
    x <<= 1;
    ++n;
  }
  return n;
}

/*
 * SaturatingRoundingDoublingHighMul: a * b / 2^31 rounded to nearest. TFLite
 * computes it as (a*b + nudge) / 2^31 truncated towards zero, with nudge = 2^30
 * for a non-negative product and 1 - 2^30 otherwise (exact halves go towards
 * +infinity: 1.5 -> 2, -1.5 -> -1). That equals floor((a*b + 2^30) / 2^31) for
 * every product: for ab < 0, trunc((ab + 1 - 2^30) / 2^31) = ceil(that) =
 * floor((ab + 1 - 2^30 + 2^31 - 1) / 2^31). The floor form is one 64-bit
 * multiply-accumulate and a shift, with no sign test (SMLAL on Cortex-M4).
 * The only overflow, INT32_MIN * INT32_MIN, saturates to INT32_MAX.
 */
static inline int32_t mlf_srdhm(int32_t a, int32_t b) {
  if (a == b && a == MLF_INT32_MIN) return MLF_INT32_MAX;
  return (int32_t)(((int64_t)a * (int64_t)b + ((int64_t)1 << 30)) >> 31);
}

/*
 * RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero,
 * 0 <= exponent <= 31. (remainder > threshold, where the threshold is half the
 * divisor, plus one for negative x so that -0.5 rounds to -1.) The mask is
 * built in 32 bits: 1u << 31 is defined, and 32-bit cores have no 64-bit shift.
 */
static inline int32_t mlf_rdbpot(int32_t x, int exponent) {
  const int32_t mask = (int32_t)((1u << exponent) - 1u);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/*
 * SaturatingRoundingMultiplyByPOT for a positive exponent: x * 2^exponent,
 * saturated to the int32 range (gemmlowp's rule: |x| > 2^(31-e) - 1 saturates).
 */
static inline int32_t mlf_sat_shl(int32_t x, int exponent) {
  const int32_t threshold = (int32_t)(((int64_t)1 << (31 - exponent)) - 1);
  if (x > threshold) return MLF_INT32_MAX;
  if (x < -threshold) return MLF_INT32_MIN;
  return mlf_wrap_shl(x, exponent);
}

/* Double rounding (TFLite default MultiplyByQuantizedMultiplier). shift <= 31. */
static inline int32_t mlf_mbqm_double(int32_t x, int32_t multiplier, int32_t shift) {
  const int left_shift = shift > 0 ? (int)shift : 0;
  const int right_shift = shift > 0 ? 0 : (int)-shift;
  return mlf_rdbpot(mlf_srdhm(mlf_wrap_shl(x, left_shift), multiplier), right_shift);
}

/*
 * Single rounding (TFLITE_SINGLE_ROUNDING MultiplyByQuantizedMultiplier),
 * -31 <= shift <= 30, multiplier >= 0. A result outside int32 (TFLite only
 * DCHECKs against it) wraps.
 */
static inline int32_t mlf_mbqm_single(int32_t x, int32_t multiplier, int32_t shift) {
  const int total_shift = 31 - (int)shift;
  const int64_t round = (int64_t)1 << (total_shift - 1);
  const int64_t result = ((int64_t)x * (int64_t)multiplier + round) >> total_shift;
  return (int32_t)(uint32_t)(uint64_t)result;
}

/* x * (multiplier, shift) in the chosen rounding mode. */
static inline int32_t mlf_requantize(int32_t x, int32_t multiplier, int32_t shift, int32_t rounding) {
#if defined(MLFORGE_ROUNDING)
  (void)rounding;
#if MLFORGE_ROUNDING == MLF_ROUND_SINGLE
  return mlf_mbqm_single(x, multiplier, shift);
#else
  return mlf_mbqm_double(x, multiplier, shift);
#endif
#else
  return rounding == MLF_ROUND_SINGLE ? mlf_mbqm_single(x, multiplier, shift)
                                      : mlf_mbqm_double(x, multiplier, shift);
#endif
}

/*
 * The output stage of conv, depthwise and fully-connected kernels: bias,
 * requantization, output offset, activation clamp. Kernels copy the stage's
 * parameters into a local mlf_out_stage_t once: an int8 store may alias any
 * object, so fields read through the params pointer would be reloaded after
 * every output byte.
 */
typedef struct {
  int32_t output_offset, act_min, act_max, rounding;
  /* act_min, act_max = -128, 127 (no activation, or ReLU onto a zero point of -128): a saturation does the clamp. */
  int32_t full_range;
} mlf_out_stage_t;

#define MLF_OUT_STAGE(p) {(p)->output_offset, (p)->act_min, (p)->act_max, (p)->rounding, (p)->act_min == -128 && (p)->act_max == 127}

/*
 * mlf_mbqm_double for a multiplier from QuantizeMultiplier (>= 0), as every
 * output stage (conv, depthwise, fully connected, on every path) has: srdhm's saturating case (both operands INT32_MIN) cannot
 * occur, and the two shifts come without branches.
 */
static inline int32_t mlf_mbqm_double_nonneg(int32_t x, int32_t multiplier, int32_t shift) {
  const int32_t left = shift & ~(shift >> 31); /* max(shift, 0) */
  const int32_t right = left - shift;          /* max(-shift, 0) */
  const int32_t y = (int32_t)(((int64_t)mlf_wrap_shl(x, left) * multiplier + ((int64_t)1 << 30)) >> 31);
  const int32_t mask = (int32_t)((1u << right) - 1u);
  const int32_t threshold = (mask >> 1) + (int32_t)((uint32_t)y >> 31);
  /* remainder > threshold as the sign bit of threshold - remainder (both in [0, 2^31)): no compare. */
  return (y >> right) + (int32_t)((uint32_t)(threshold - (y & mask)) >> 31);
}

static inline int8_t mlf_out_finish(int32_t acc, int32_t bias, int32_t multiplier, int32_t shift, mlf_out_stage_t o) {
#if defined(MLFORGE_ROUNDING) && MLFORGE_ROUNDING == MLF_ROUND_DOUBLE
  acc = mlf_mbqm_double_nonneg(mlf_wrap_add(acc, bias), multiplier, shift);
#else
  acc = mlf_requantize(mlf_wrap_add(acc, bias), multiplier, shift, o.rounding);
#endif
  acc = mlf_wrap_add(acc, o.output_offset);
  return (int8_t)(o.full_range ? mlf_sat8(acc) : mlf_clamp32(acc, o.act_min, o.act_max));
}

/* --- gemmlowp fixed-point transcendental functions (int32 raw values) --- */

/* (a + b) / 2 rounded half away from zero (gemmlowp RoundingHalfSum). */
static inline int32_t mlf_rounding_half_sum(int32_t a, int32_t b) {
  const int64_t sum = (int64_t)a + (int64_t)b;
  const int64_t sign = sum >= 0 ? 1 : -1;
  return (int32_t)((sum + sign) / 2);
}

/* exp(a) for a in [-1/4, 0), a and result in Q0.31. */
static inline int32_t mlf_exp_on_interval_neg_quarter_to_0(int32_t a) {
  const int32_t constant_term = 1895147668;    /* exp(-1/8) in Q0.31 */
  const int32_t constant_1_over_3 = 715827883; /* 1/3 in Q0.31 */
  /* Taylor expansion around -1/8: x = a + 1/8 (1/8 is 2^28 in Q0.31). */
  const int32_t x = mlf_wrap_add(a, (int32_t)1 << 28);
  const int32_t x2 = mlf_srdhm(x, x);
  const int32_t x3 = mlf_srdhm(x2, x);
  const int32_t x4 = mlf_srdhm(x2, x2);
  const int32_t x4_over_4 = mlf_rdbpot(x4, 2);
  const int32_t poly = mlf_rdbpot(
      mlf_wrap_add(mlf_srdhm(mlf_wrap_add(x4_over_4, x3), constant_1_over_3), x2), 1);
  return mlf_wrap_add(constant_term, mlf_srdhm(constant_term, mlf_wrap_add(x, poly)));
}

/*
 * exp(a) for a <= 0; a in Q(integer_bits).(31-integer_bits), result Q0.31.
 * Splits a into a multiple of 1/4 and a remainder in [-1/4, 0), then multiplies
 * by exp(-2^k) for every set bit k of the multiple (the "barrel shifter").
 */
static inline int32_t mlf_exp_on_negative_values(int32_t a, int integer_bits) {
  static const int32_t kMultipliers[7] = {
      1672461947, /* exp(-1/4) */
      1302514674, /* exp(-1/2) */
      790015084,  /* exp(-1) */
      290630308,  /* exp(-2) */
      39332535,   /* exp(-4) */
      720401,     /* exp(-8) */
      242         /* exp(-16) */
  };
  const int fractional_bits = 31 - integer_bits;
  const int32_t one_quarter = (int32_t)1 << (fractional_bits - 2);
  const int32_t mask = one_quarter - 1;
  const int32_t a_mod_quarter_minus_one_quarter = mlf_wrap_sub(a & mask, one_quarter);
  int32_t result = mlf_exp_on_interval_neg_quarter_to_0(
      mlf_sat_shl(a_mod_quarter_minus_one_quarter, integer_bits));
  const int32_t remainder = mlf_wrap_sub(a_mod_quarter_minus_one_quarter, a);
  int exponent;
  for (exponent = -2; exponent <= 4; ++exponent) {
    if (integer_bits > exponent) {
      const int shift_amount = fractional_bits + exponent;
      if (remainder & (int32_t)((uint32_t)1 << shift_amount)) {
        result = mlf_srdhm(result, kMultipliers[exponent + 2]);
      }
    }
  }
  if (integer_bits > 5) {
    const int32_t clamp = mlf_wrap_neg((int32_t)((uint32_t)1 << (36 - integer_bits)));
    if (a < clamp) result = 0;
  }
  if (a == 0) result = MLF_INT32_MAX;
  return result;
}

/*
 * Newton-Raphson for 1 / (1 + a), a in [0, 1) as Q0.31; returns x in Q2.29
 * approximating 1 / half_denominator, half_denominator = (1 + a) / 2.
 */
static inline int32_t mlf_newton_reciprocal_q2(int32_t half_denominator) {
  const int32_t constant_48_over_17 = 1515870810;   /* Q2.29 */
  const int32_t constant_neg_32_over_17 = -1010580540; /* Q2.29 */
  const int32_t f2_one = (int32_t)1 << 29;
  int32_t x = mlf_wrap_add(constant_48_over_17, mlf_srdhm(half_denominator, constant_neg_32_over_17));
  int i;
  for (i = 0; i < 3; ++i) {
    const int32_t half_denominator_times_x = mlf_srdhm(half_denominator, x);
    const int32_t one_minus = mlf_wrap_sub(f2_one, half_denominator_times_x);
    /* Q2 * Q2 = Q4; Rescale<2> = saturating multiply by 2^2. */
    x = mlf_wrap_add(x, mlf_sat_shl(mlf_srdhm(x, one_minus), 2));
  }
  return x;
}

/* 1 / (1 + a) for a in [0, 1), Q0.31 in and out. */
static inline int32_t mlf_one_over_one_plus_x_for_x_in_0_1(int32_t a) {
  const int32_t half_denominator = mlf_rounding_half_sum(a, MLF_INT32_MAX);
  const int32_t x = mlf_newton_reciprocal_q2(half_denominator);
  /* ExactMulByPot<-1>: same raw as Q1.30; Rescale<0> = saturating shl by 1. */
  return mlf_sat_shl(x, 1);
}

/* (1 - a) / (1 + a) for a in [0, 1), Q0.31 in and out. */
static inline int32_t mlf_one_minus_x_over_one_plus_x_for_x_in_0_1(int32_t a) {
  const int32_t half_denominator = mlf_rounding_half_sum(a, MLF_INT32_MAX);
  const int32_t x = mlf_newton_reciprocal_q2(half_denominator);
  return mlf_sat_shl(mlf_wrap_sub(x, (int32_t)1 << 29), 2);
}

/* logistic(a), a in Q4.27, result Q0.31 (gemmlowp::logistic). */
static inline int32_t mlf_logistic_q4(int32_t a) {
  const int32_t abs_input = a > 0 ? a : mlf_wrap_neg(a);
  const int32_t result_if_positive =
      mlf_one_over_one_plus_x_for_x_in_0_1(mlf_exp_on_negative_values(mlf_wrap_neg(abs_input), 4));
  const int32_t result_if_negative = mlf_wrap_sub(MLF_INT32_MAX, result_if_positive);
  if (a == 0) return (int32_t)1 << 30;
  return a > 0 ? result_if_positive : result_if_negative;
}

/* tanh(a), a in Q4.27, result Q0.31 (gemmlowp::tanh). */
static inline int32_t mlf_tanh_q4(int32_t a) {
  const int32_t n = a < 0 ? a : mlf_wrap_neg(a);
  /* ExactMulByPot<1>: the same raw value read as Q5.26 is 2n. */
  const int32_t t = mlf_one_minus_x_over_one_plus_x_for_x_in_0_1(mlf_exp_on_negative_values(n, 5));
  if (a == 0) return 0;
  return a < 0 ? mlf_wrap_neg(t) : t;
}

#endif /* MLFORGE_FIXEDPOINT_H */
