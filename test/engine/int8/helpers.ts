/**
 * Shared pieces of the int8 conformance tests: the three implementations under
 * test (TypeScript reference; native C as built for this host; native C with the
 * Cortex-M packed-MAC paths, intrinsics emulated), seeded random parameters,
 * and a byte-exact comparison that tallies cases and mismatches.
 */
import { expect } from 'vitest';
import {
  activationRange, calculateInputRadius, createNativeKernels, quantizeMultiplier, referenceKernels, sigmoidRequant,
  type Int8Kernels, type QuantizedMultiplier, type Rounding, type SigmoidParams,
} from '../../../src/engine/int8/index.js';
import type { Activation } from '../../../src/ir/int8.js';
import type { Rng } from '../../helpers/random.js';

export const reference: Int8Kernels = referenceKernels;
export const nativeHost: Int8Kernels = createNativeKernels({ variant: 'host' });
export const nativeDsp: Int8Kernels = createNativeKernels({ variant: 'emulated-dsp' });

/** Cases per operator (the brief asks for at least 10,000). */
export const CASES = 10_000;

/**
 * Lets the worker's event loop run (vitest's RPC with the main process), so a
 * long synchronous loop on a busy machine does not time it out. Call every
 * thousand cases or so.
 */
export const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export const logUniform = (r: Rng, lo: number, hi: number): number => Math.exp(r.uniform(Math.log(lo), Math.log(hi)));
/** A float32 scale, log-uniform in [1e-6, 1e2]. */
export const randomScale = (r: Rng): number => Math.fround(logUniform(r, 1e-6, 1e2));
export const randomZeroPoint = (r: Rng): number => r.int(-128, 127);
export const randomRounding = (r: Rng): Rounding => (r.next() < 0.5 ? 'double' : 'single');

export function randomInt8(r: Rng, n: number): Int8Array {
  const a = new Int8Array(n);
  for (let i = 0; i < n; i++) a[i] = r.int(-128, 127);
  return a;
}

/** Symmetric weights in [-127, 127]. */
export function randomWeights(r: Rng, n: number): Int8Array {
  const a = new Int8Array(n);
  for (let i = 0; i < n; i++) a[i] = r.int(-127, 127);
  return a;
}

/** Biases: mostly moderate, sometimes near the int32 edges (the adds wrap identically everywhere). */
export function randomBias(r: Rng, n: number): Int32Array {
  const a = new Int32Array(n);
  const big = r.next() < 0.05;
  for (let i = 0; i < n; i++) a[i] = big ? r.int(-2147483648, 2147483647) : r.int(-(1 << 20), 1 << 20);
  return a;
}

/**
 * A quantized multiplier whose shift lies in -31..30: half directly (shift
 * uniform, multiplier uniform in [2^30, 2^31) plus edge values), half from a
 * product of random scales (as prepare would make them).
 */
export function randomMultiplier(r: Rng, rounding: Rounding): QuantizedMultiplier {
  if (r.next() < 0.5) {
    const shift = r.int(-31, 30);
    const edge = r.next();
    const multiplier = edge < 0.05 ? 1073741824 : edge < 0.1 ? 2147483647 : edge < 0.12 ? 0 : r.int(1073741824, 2147483647);
    return { multiplier, shift };
  }
  for (;;) {
    const real = (randomScale(r) * randomScale(r)) / randomScale(r);
    const qm = quantizeMultiplier(real, rounding);
    if (qm.shift <= 30) return qm;
  }
}

export function randomMultipliers(r: Rng, n: number, rounding: Rounding): { multiplier: Int32Array; shift: Int32Array } {
  const multiplier = new Int32Array(n);
  const shift = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const qm = randomMultiplier(r, rounding);
    multiplier[i] = qm.multiplier;
    shift[i] = qm.shift;
  }
  return { multiplier, shift };
}

const ACTIVATIONS: Activation[] = ['none', 'relu', 'relu6', 'relu_n1_to_1'];

/** Activation clamps: from a fused activation at a random output scale, or a random sub-range. */
export function randomActivation(r: Rng, outputZeroPoint: number): { actMin: number; actMax: number } {
  if (r.next() < 0.5) {
    return activationRange(r.pick(ACTIVATIONS), randomScale(r), outputZeroPoint);
  }
  const a = r.int(-128, 127);
  const b = r.int(-128, 127);
  return { actMin: Math.min(a, b), actMax: Math.max(a, b) };
}

/** Logistic / tanh parameters: from a random input scale, or a random multiplier and shift. */
export function randomSigmoidCase(r: Rng): { p: SigmoidParams; input: Int8Array } {
  const rounding = randomRounding(r);
  const zp = randomZeroPoint(r);
  let p: SigmoidParams;
  if (r.next() < 0.7) {
    p = sigmoidRequant(randomScale(r), zp, rounding);
  } else {
    const inputLeftShift = r.int(0, 31);
    p = { inputZeroPoint: zp, inputRangeRadius: calculateInputRadius(4, inputLeftShift), inputMultiplier: r.int(1 << 30, 2147483647), inputLeftShift, rounding };
  }
  // Values around the zero point and the saturation radius, plus random ones.
  const input = randomInt8(r, 24);
  for (let i = 0; i < 8; i++) {
    const edge = zp + (i < 4 ? r.int(-3, 3) : (i % 2 ? 1 : -1) * (p.inputRangeRadius + r.int(-2, 1)));
    input[i] = Math.max(-128, Math.min(127, edge));
  }
  return { p, input };
}

/** Counts cases and mismatching cases of one implementation against the reference. */
export class Tally {
  cases = 0;
  readonly mismatches = new Map<string, number>();
  readonly first: string[] = [];

  constructor(readonly op: string) {}

  /** Compares byte for byte (bit for bit for floats); records the first few failures. */
  check(impl: string, actual: ArrayLike<number>, expected: ArrayLike<number>, describe: () => string): void {
    let bad = -1;
    if (actual.length !== expected.length) bad = 0;
    else {
      for (let i = 0; i < expected.length; i++) {
        if (!Object.is(actual[i], expected[i])) {
          bad = i;
          break;
        }
      }
    }
    if (bad < 0) return;
    this.mismatches.set(impl, (this.mismatches.get(impl) ?? 0) + 1);
    if (this.first.length < 3) {
      this.first.push(`${impl} differs at [${bad}]: got ${actual[bad]}, expected ${expected[bad]}\n  case: ${describe()}`);
    }
  }

  /** Logs the tally and fails unless every implementation matched every case. */
  expectClean(minCases = CASES): void {
    const counts = [...this.mismatches.entries()].map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
    console.log(`[int8 ${this.op}] ${this.cases} random cases, mismatching cases: ${counts}`);
    expect(this.first.join('\n\n')).toBe('');
    expect(this.cases).toBeGreaterThanOrEqual(minCases);
  }
}
