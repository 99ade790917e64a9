import { describe, expect, it } from 'vitest';
import {
  expOnNegativeValues, INT32_MAX, INT32_MIN, loadInt8Addon, logisticQ4, mulByQuantizedMultiplierDouble,
  mulByQuantizedMultiplierSingle, oneMinusXOverOnePlusXForXIn01, oneOverOnePlusXForXIn01, quantizeMultiplier,
  requantize, roundingDivideByPOT, srdhm, tanhQ4,
} from '../../../src/engine/int8/index.js';
import { rng, type Rng } from '../../helpers/random.js';

const addon = loadInt8Addon();
const N = 50_000;

/* ---- BigInt truth, straight from the definitions ---- */
const big = BigInt;
function srdhmTruth(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const ab = big(a) * big(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / (1n << 31n)); // BigInt division truncates towards zero, like C
}
/** x / 2^e rounded to nearest, ties away from zero. */
function rdbpotTruth(x: number, e: number): number {
  const d = 1n << big(e);
  const ax = big(Math.abs(x));
  const q = (2n * ax + d) / (2n * d);
  return x < 0 ? -Number(q) : Number(q);
}
function mbqmDoubleTruth(x: number, m: number, s: number): number {
  const left = s > 0 ? s : 0;
  const shifted = Number(BigInt.asIntN(32, big(x) << big(left)));
  return rdbpotTruth(srdhmTruth(shifted, m), s > 0 ? 0 : -s);
}
function mbqmSingleTruth(x: number, m: number, s: number): number {
  const total = big(31 - s);
  return Number(BigInt.asIntN(32, (big(x) * big(m) + (1n << (total - 1n))) >> total));
}

const int32 = (r: Rng): number => {
  const u = r.next();
  if (u < 0.05) return r.pick([0, 1, -1, INT32_MAX, INT32_MIN, INT32_MIN + 1, 1 << 30, -(1 << 30), 65535, 65536, -65536]);
  if (u < 0.5) return r.int(-65536, 65536);
  return r.int(INT32_MIN, INT32_MAX);
};

function runC(fn: number, a: number[], b: number[], c: number[], rounding = 0): Int32Array {
  const out = new Int32Array(a.length);
  addon.fixedpoint(fn, Int32Array.from(a), Int32Array.from(b), Int32Array.from(c), rounding, out);
  return out;
}

/** Compares TS, C and (optionally) truth on every row; returns the first few disagreements. */
function disagreements(rows: number[][], ts: (row: number[]) => number, c: Int32Array, truth?: (row: number[]) => number): string[] {
  const bad: string[] = [];
  rows.forEach((row, i) => {
    const t = ts(row);
    const want = truth ? truth(row) : t;
    if (t !== want || c[i] !== want) bad.push(`(${row.join(', ')}): TS ${t}, C ${c[i]}, truth ${want}`);
  });
  return bad.slice(0, 5);
}

describe('fixed-point helpers: hand-checked values', () => {
  it('SaturatingRoundingDoublingHighMul', () => {
    expect(srdhm(1 << 30, 1 << 30)).toBe(1 << 29); // 0.5 · 0.5 = 0.25
    expect(srdhm(INT32_MIN, INT32_MIN)).toBe(INT32_MAX); // the one overflow saturates
    // Ties go towards +infinity: the negative nudge is 1 - 2^30, not -2^30.
    expect(srdhm(3, 1 << 30)).toBe(2); // 1.5 → 2
    expect(srdhm(-3, 1 << 30)).toBe(-1); // -1.5 → -1
    expect(srdhm(1, 1 << 30)).toBe(1); // 0.5 → 1
    expect(srdhm(-1, 1 << 30)).toBe(0); // -0.5 → 0
    expect(srdhm(-5, 1 << 30)).toBe(-2); // -2.5 → -2
  });

  it('RoundingDivideByPOT rounds half away from zero', () => {
    expect([5, -5, 3, -3, 1, -1, 4].map((x) => roundingDivideByPOT(x, 1))).toEqual([3, -3, 2, -2, 1, -1, 2]);
    expect(roundingDivideByPOT(INT32_MIN, 31)).toBe(-1);
    expect(roundingDivideByPOT(INT32_MAX, 31)).toBe(1);
    expect(roundingDivideByPOT(7, 0)).toBe(7);
  });

  it('double and single rounding differ where TFLite says they do', () => {
    // 5 · 0.25: double rounds 2.5 → 3 in the high multiply, then 1.5 → 2; single rounds 1.25 → 1.
    expect(mulByQuantizedMultiplierDouble(5, 1 << 30, -1)).toBe(2);
    expect(mulByQuantizedMultiplierSingle(5, 1 << 30, -1)).toBe(1);
    expect(requantize(100, 1 << 30, 0, 'double')).toBe(50);
    expect(requantize(100, 1 << 30, 0, 'single')).toBe(50);
    expect(requantize(3, 1 << 30, 2, 'double')).toBe(6); // 3 · 0.5 · 4
  });

  it('QuantizeMultiplier follows TFLite, edge cases included', () => {
    expect(quantizeMultiplier(0)).toEqual({ multiplier: 0, shift: 0 });
    expect(quantizeMultiplier(0.5)).toEqual({ multiplier: 1 << 30, shift: 0 });
    expect(quantizeMultiplier(1)).toEqual({ multiplier: 1 << 30, shift: 1 });
    expect(quantizeMultiplier(0.75)).toEqual({ multiplier: 3 << 29, shift: 0 });
    // round(q·2^31) reaching 2^31 becomes 2^30 with shift + 1.
    expect(quantizeMultiplier(1 - 2 ** -40)).toEqual({ multiplier: 1 << 30, shift: 1 });
    // 2^-32 is the smallest kept (shift -31); 2^-33 flushes to zero.
    expect(quantizeMultiplier(2 ** -32)).toEqual({ multiplier: 1 << 30, shift: -31 });
    expect(quantizeMultiplier(2 ** -33)).toEqual({ multiplier: 0, shift: 0 });
    // Single rounding saturates shifts above 30.
    expect(quantizeMultiplier(2 ** 40, 'single')).toEqual({ multiplier: INT32_MAX, shift: 30 });
    expect(quantizeMultiplier(2 ** 40, 'double')).toEqual({ multiplier: 1 << 30, shift: 41 });
  });

  it('gemmlowp exp / logistic / tanh / reciprocal approximate their real functions', () => {
    expect(expOnNegativeValues(0, 5)).toBe(INT32_MAX);
    expect(logisticQ4(0)).toBe(1 << 30);
    expect(tanhQ4(0)).toBe(0);
    const tol = 2 ** 31 * 2e-6;
    for (let x = -31; x <= 0; x += 0.37) {
      expect(Math.abs(expOnNegativeValues(Math.round(x * 2 ** 26), 5) - Math.exp(x) * 2 ** 31)).toBeLessThan(tol);
    }
    for (let x = -15.9; x < 15.9; x += 0.23) {
      const a = Math.round(x * 2 ** 27);
      expect(Math.abs(logisticQ4(a) - 2 ** 31 / (1 + Math.exp(-x)))).toBeLessThan(tol);
      expect(Math.abs(tanhQ4(a) - Math.tanh(x) * 2 ** 31)).toBeLessThan(tol);
    }
    for (let x = 0; x < 1; x += 0.013) {
      const a = Math.round(x * 2 ** 31);
      expect(Math.abs(oneOverOnePlusXForXIn01(a) - 2 ** 31 / (1 + x))).toBeLessThan(tol);
      expect(Math.abs(oneMinusXOverOnePlusXForXIn01(a) - (2 ** 31 * (1 - x)) / (1 + x))).toBeLessThan(tol);
    }
  });
});

describe(`fixed-point helpers: TypeScript = C = BigInt truth on ${N} random inputs each`, () => {
  it('srdhm', () => {
    const r = rng(11);
    const rows = Array.from({ length: N }, () => [int32(r), int32(r)]);
    const c = runC(0, rows.map((x) => x[0]), rows.map((x) => x[1]), rows.map(() => 0));
    expect(disagreements(rows, ([a, b]) => srdhm(a, b), c, ([a, b]) => srdhmTruth(a, b))).toEqual([]);
  });

  it('RoundingDivideByPOT', () => {
    const r = rng(12);
    const rows = Array.from({ length: N }, () => [int32(r), r.int(0, 31)]);
    const c = runC(1, rows.map((x) => x[0]), rows.map((x) => x[1]), rows.map(() => 0));
    expect(disagreements(rows, ([x, e]) => roundingDivideByPOT(x, e), c, ([x, e]) => rdbpotTruth(x, e))).toEqual([]);
  });

  for (const rounding of ['double', 'single'] as const) {
    it(`MultiplyByQuantizedMultiplier, ${rounding} rounding, shifts -31..${rounding === 'single' ? 30 : 31}`, () => {
      const r = rng(rounding === 'double' ? 13 : 14);
      const rows = Array.from({ length: N }, () => [
        int32(r), r.next() < 0.05 ? r.pick([0, 1 << 30, INT32_MAX]) : r.int(1 << 30, INT32_MAX), r.int(-31, rounding === 'single' ? 30 : 31),
      ]);
      const c = runC(2, rows.map((x) => x[0]), rows.map((x) => x[1]), rows.map((x) => x[2]), rounding === 'single' ? 1 : 0);
      const truth = rounding === 'single' ? mbqmSingleTruth : mbqmDoubleTruth;
      expect(disagreements(rows, ([x, m, s]) => requantize(x, m, s, rounding), c, ([x, m, s]) => truth(x, m, s))).toEqual([]);
    });
  }

  it('exp_on_negative_values (Q4 and Q5 inputs), logistic, tanh, 1/(1+x), (1-x)/(1+x)', () => {
    const r = rng(15);
    const neg = (): number => (r.next() < 0.5 ? -r.int(0, 1 << 27) : -r.int(0, INT32_MAX));
    const expRows = Array.from({ length: N / 4 }, () => [neg(), r.pick([4, 5])]);
    const cExp = runC(3, expRows.map((x) => x[0]), expRows.map((x) => x[1]), expRows.map(() => 0));
    expect(disagreements(expRows, ([a, bits]) => expOnNegativeValues(a, bits), cExp)).toEqual([]);
    const any = Array.from({ length: N / 4 }, () => [r.next() < 0.5 ? r.int(INT32_MIN, INT32_MAX) : r.int(-(1 << 28), 1 << 28)]);
    const unit = Array.from({ length: N / 4 }, () => [r.int(0, INT32_MAX)]);
    const zeros = (rows: number[][]): number[] => rows.map(() => 0);
    expect(disagreements(any, ([a]) => logisticQ4(a), runC(4, any.map((x) => x[0]), zeros(any), zeros(any)))).toEqual([]);
    expect(disagreements(any, ([a]) => tanhQ4(a), runC(5, any.map((x) => x[0]), zeros(any), zeros(any)))).toEqual([]);
    expect(disagreements(unit, ([a]) => oneOverOnePlusXForXIn01(a), runC(6, unit.map((x) => x[0]), zeros(unit), zeros(unit)))).toEqual([]);
    expect(disagreements(unit, ([a]) => oneMinusXOverOnePlusXForXIn01(a), runC(7, unit.map((x) => x[0]), zeros(unit), zeros(unit)))).toEqual([]);
  });

  it('QuantizeMultiplier: TypeScript equals the C prepare-time helper', () => {
    const r = rng(16);
    const bad: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      const u = r.next();
      const real = u < 0.1 ? 2 ** r.int(-40, 40) : u < 0.2 ? (1 - 2 ** -r.int(20, 52)) * 2 ** r.int(-35, 35) : Math.exp(r.uniform(Math.log(1e-12), Math.log(1e12)));
      for (const rounding of ['double', 'single'] as const) {
        const ts = quantizeMultiplier(real, rounding);
        const [m, s] = addon.quantizeMultiplier(real, rounding === 'single' ? 1 : 0);
        if (m !== ts.multiplier || s !== ts.shift) bad.push(`${real} (${rounding}): C (${m}, ${s}), TS (${ts.multiplier}, ${ts.shift})`);
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });
});
