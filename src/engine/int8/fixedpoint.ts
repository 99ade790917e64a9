/**
 * Exact fixed-point arithmetic of TFLite's int8 kernels, in TypeScript: the twin
 * of `native/kernels/fixedpoint.h`. Values are JS numbers holding int32s.
 *
 * int32 × int32 products need 63 bits, more than a double's 53, so products
 * are split into 16-bit limbs: every partial product and partial sum stays
 * below 2^53 and every step is exact (the tests check against BigInt). Where
 * TFLite relies on int32 wrap-around (x·2^k, adds) we wrap the same way
 * (`<<`, `| 0`).
 *
 * Notation: a Qm.n value holds value·2^n in an int32 (m + n = 31). A quantized
 * multiplier (M, s) stands for M·2^(s-31), M in [2^30, 2^31) or 0.
 *
 * Deliberately not here: anything float beyond what TFLite itself does in
 * float (QuantizeMultiplier's frexp, activation-range rounding).
 */
export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;
const TWO_31 = 2147483648;
const TWO_32 = 4294967296;

/** How requantization rounds: TFLite's default (two roundings) or TFLITE_SINGLE_ROUNDING. */
export type Rounding = 'double' | 'single';

/** Wrapping int32 add. */
export const wrapAdd = (a: number, b: number): number => (a + b) | 0;

/**
 * SaturatingRoundingDoublingHighMul: trunc((a·b + nudge) / 2^31) with nudge =
 * 2^30 for a non-negative product, 1 - 2^30 otherwise — round to nearest, exact
 * halves towards +infinity (1.5 → 2, -1.5 → -1); INT32_MIN·INT32_MIN saturates
 * to INT32_MAX.
 */
export function srdhm(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  // a·b = hi·2^16 + lo with hi = (a >> 16)·b, lo = (a & 0xffff)·b, both exact.
  const hi = (a >> 16) * b;
  const lo = (a & 0xffff) * b;
  const negative = a !== 0 && b !== 0 && a < 0 !== b < 0;
  const nudge = negative ? 1 - 1073741824 : 1073741824;
  // hi = q1·2^15 + r1 (0 <= r1 < 2^15), so a·b + nudge = q1·2^31 + r.
  const q1 = Math.floor(hi / 32768);
  const r = (hi - q1 * 32768) * 65536 + lo + nudge;
  const qr = Math.floor(r / TWO_31);
  let t = q1 + qr; // floor((a·b + nudge) / 2^31)
  // A negative sum truncates towards zero: one more unless the division was exact.
  if (negative && r - qr * TWO_31 !== 0) t += 1;
  return t | 0;
}

/** RoundingDivideByPOT: x / 2^exponent, nearest, ties away from zero (0 <= exponent <= 31). */
export function roundingDivideByPOT(x: number, exponent: number): number {
  const mask = 2 ** exponent - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/** SaturatingRoundingMultiplyByPOT for exponent > 0: x·2^exponent saturated to int32. */
export function saturatingShl(x: number, exponent: number): number {
  const threshold = 2 ** (31 - exponent) - 1;
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return x << exponent;
}

/** MultiplyByQuantizedMultiplier, double rounding (TFLite default). shift <= 31. */
export function mulByQuantizedMultiplierDouble(x: number, multiplier: number, shift: number): number {
  const leftShift = shift > 0 ? shift : 0;
  const rightShift = shift > 0 ? 0 : -shift;
  return roundingDivideByPOT(srdhm(x << leftShift, multiplier), rightShift);
}

/**
 * MultiplyByQuantizedMultiplier, single rounding: (x·M + 2^(30-s)) >> (31-s) in
 * 64 bits, -31 <= s <= 30. A result outside int32 wraps (TFLite only DCHECKs).
 */
export function mulByQuantizedMultiplierSingle(x: number, multiplier: number, shift: number): number {
  const totalShift = 31 - shift;
  // v = x·M + 2^(totalShift-1) = a·2^32 + b exactly, 0 <= b < 2^32, |a| < 2^31,
  // built from 16-bit limbs: x·M = hi·2^16 + lo, hi = ha·2^16 + hb.
  const hi = (x >> 16) * multiplier;
  const lo = (x & 0xffff) * multiplier;
  const ha = Math.floor(hi / 65536);
  const t = (hi - ha * 65536) * 65536 + lo;
  const tc = Math.floor(t / TWO_32);
  let a = ha + tc;
  let b = t - tc * TWO_32;
  if (totalShift - 1 < 32) {
    b += 2 ** (totalShift - 1);
    if (b >= TWO_32) {
      b -= TWO_32;
      a += 1;
    }
  } else {
    a += 2 ** (totalShift - 33);
  }
  // floor(v / 2^totalShift) modulo 2^32.
  if (totalShift >= 32) return a >> (totalShift - 32);
  return ((a << (32 - totalShift)) + Math.floor(b / 2 ** totalShift)) | 0;
}

/** x scaled by the quantized multiplier (multiplier, shift) in the given rounding mode. */
export function requantize(x: number, multiplier: number, shift: number, rounding: Rounding): number {
  return rounding === 'single'
    ? mulByQuantizedMultiplierSingle(x, multiplier, shift)
    : mulByQuantizedMultiplierDouble(x, multiplier, shift);
}

/** std::round: nearest integer, ties away from zero (exact for every double). */
export function roundHalfAway(x: number): number {
  const a = Math.abs(x);
  let r = Math.floor(a);
  if (a - r >= 0.5) r += 1;
  return x < 0 ? -r : r;
}

/** std::frexp: x = q·2^e with 0.5 <= |q| < 1 (x finite, non-zero). Exact. */
export function frexp(x: number): { q: number; e: number } {
  let e = Math.max(-1074, Math.min(1023, Math.ceil(Math.log2(Math.abs(x))))) | 0;
  let q = x / 2 ** e;
  while (Math.abs(q) >= 1) {
    q /= 2;
    e += 1;
  }
  while (Math.abs(q) < 0.5) {
    q *= 2;
    e -= 1;
  }
  return { q, e };
}

export interface QuantizedMultiplier {
  multiplier: number;
  shift: number;
}

/**
 * TFLite's QuantizeMultiplier: real = q·2^shift by frexp, multiplier =
 * round(q·2^31) (ties away from zero); 2^31 becomes 2^30 with shift + 1; a shift
 * below -31 flushes to (0, 0); in single-rounding mode a shift above 30
 * saturates to (2^31 - 1, 30).
 */
export function quantizeMultiplier(real: number, rounding: Rounding = 'double'): QuantizedMultiplier {
  if (real === 0) return { multiplier: 0, shift: 0 };
  const { q, e } = frexp(real);
  let shift = e;
  let qFixed = roundHalfAway(q * TWO_31);
  if (qFixed === TWO_31) {
    qFixed /= 2;
    shift += 1;
  }
  if (shift < -31) {
    shift = 0;
    qFixed = 0;
  }
  if (rounding === 'single' && shift > 30) {
    shift = 30;
    qFixed = TWO_31 - 1;
  }
  return { multiplier: qFixed, shift };
}

/** TFLite's CalculateInputRadius (total_signed_bits = 31), inputLeftShift >= 0. */
export function calculateInputRadius(inputIntegerBits: number, inputLeftShift: number): number {
  const maxInputRescaled = ((2 ** inputIntegerBits - 1) * 2 ** (31 - inputIntegerBits)) / 2 ** inputLeftShift;
  return Math.floor(maxInputRescaled);
}

/* ---- gemmlowp fixed-point functions on raw int32 values ---- */

/** (a + b) / 2 rounded half away from zero (RoundingHalfSum). */
export function roundingHalfSum(a: number, b: number): number {
  const sum = a + b; // exact: |sum| < 2^32
  const sign = sum >= 0 ? 1 : -1;
  return Math.trunc((sum + sign) / 2);
}

/** exp(a) for a in [-1/4, 0); Q0.31 in and out. */
export function expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a: number): number {
  const constantTerm = 1895147668; // exp(-1/8)
  const constant1Over3 = 715827883; // 1/3
  const x = (a + (1 << 28)) | 0; // a + 1/8
  const x2 = srdhm(x, x);
  const x3 = srdhm(x2, x);
  const x4 = srdhm(x2, x2);
  const x4Over4 = roundingDivideByPOT(x4, 2);
  const poly = roundingDivideByPOT((srdhm((x4Over4 + x3) | 0, constant1Over3) + x2) | 0, 1);
  return (constantTerm + srdhm(constantTerm, (x + poly) | 0)) | 0;
}

const EXP_BARREL = [1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242]; // exp(-2^k), k = -2..4

/** exp(a) for a <= 0; a in Q(integerBits), result Q0.31 (gemmlowp exp_on_negative_values). */
export function expOnNegativeValues(a: number, integerBits: number): number {
  const fractionalBits = 31 - integerBits;
  const oneQuarter = 1 << (fractionalBits - 2);
  const mask = oneQuarter - 1;
  const aModQuarterMinusOneQuarter = ((a & mask) - oneQuarter) | 0;
  let result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(saturatingShl(aModQuarterMinusOneQuarter, integerBits));
  const remainder = (aModQuarterMinusOneQuarter - a) | 0;
  for (let exponent = -2; exponent <= 4; exponent++) {
    if (integerBits > exponent && (remainder & (1 << (fractionalBits + exponent))) !== 0) {
      result = srdhm(result, EXP_BARREL[exponent + 2]);
    }
  }
  if (integerBits > 5) {
    const clamp = -(2 ** (36 - integerBits)) | 0;
    if (a < clamp) result = 0;
  }
  return a === 0 ? INT32_MAX : result;
}

/** Newton–Raphson: x ≈ 1 / halfDenominator in Q2.29 (3 iterations from 48/17 − 32/17·d). */
function newtonReciprocalQ2(halfDenominator: number): number {
  const constant48Over17 = 1515870810;
  const constantNeg32Over17 = -1010580540;
  const f2One = 1 << 29;
  let x = (constant48Over17 + srdhm(halfDenominator, constantNeg32Over17)) | 0;
  for (let i = 0; i < 3; i++) {
    const halfDenominatorTimesX = srdhm(halfDenominator, x);
    const oneMinus = (f2One - halfDenominatorTimesX) | 0;
    x = (x + saturatingShl(srdhm(x, oneMinus), 2)) | 0;
  }
  return x;
}

/** 1 / (1 + a) for a in [0, 1); Q0.31 in and out. */
export function oneOverOnePlusXForXIn01(a: number): number {
  return saturatingShl(newtonReciprocalQ2(roundingHalfSum(a, INT32_MAX)), 1);
}

/** (1 - a) / (1 + a) for a in [0, 1); Q0.31 in and out. */
export function oneMinusXOverOnePlusXForXIn01(a: number): number {
  return saturatingShl((newtonReciprocalQ2(roundingHalfSum(a, INT32_MAX)) - (1 << 29)) | 0, 2);
}

/** logistic(a), a in Q4.27, result Q0.31. */
export function logisticQ4(a: number): number {
  const absInput = a > 0 ? a : -a | 0;
  const resultIfPositive = oneOverOnePlusXForXIn01(expOnNegativeValues(-absInput | 0, 4));
  if (a === 0) return 1 << 30;
  return a > 0 ? resultIfPositive : (INT32_MAX - resultIfPositive) | 0;
}

/** tanh(a), a in Q4.27, result Q0.31. */
export function tanhQ4(a: number): number {
  const n = a < 0 ? a : -a | 0;
  // ExactMulByPot<1>: the same raw value read as Q5.26 is 2n.
  const t = oneMinusXOverOnePlusXForXIn01(expOnNegativeValues(n, 5));
  if (a === 0) return 0;
  return a < 0 ? -t | 0 : t;
}
