import { describe, expect, it } from 'vitest';
import { createObserver } from '../../src/quant/observers.js';
import {
  activationQuant, fakeQuantInPlace, quantizeValue, quantizeWeights, representable, weightScales,
} from '../../src/quant/qparams.js';
import { rng } from '../helpers/random.js';

const normals = (n: number, seed: number) => {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => r.normal());
};

describe('range observers', () => {
  it('minmax returns the extremes over all batches', () => {
    const o = createObserver({ method: 'minmax' });
    o.observe(Float32Array.of(0.5, -1, 2));
    o.observe(Float32Array.of(3, 0));
    expect(o.range()).toEqual({ min: -1, max: 3 });
  });

  it('percentile clips rare outliers and matches the sorted quantile when the histogram grows', () => {
    const x = normals(100_000, 1);
    x[123] = 40; // one outlier
    const o = createObserver({ method: 'percentile', percentile: 99.9 });
    // Batches of increasing spread force the histogram to double its radius several times.
    for (let s = 0; s < x.length; s += 10_000) o.observe(x.subarray(s, s + 10_000).map((v, i) => (i === 0 && s > 0 ? v * (1 + s / 10_000) : v)));
    const sorted = Float64Array.from(x).sort();
    const r = o.range();
    const bin = (2 * 64) / 4096; // radius after growth ≤ 64
    expect(r.max).toBeLessThan(4);
    expect(Math.abs(r.max - sorted[Math.ceil(0.999 * x.length) - 1]!)).toBeLessThan(2 * bin);
    expect(Math.abs(r.min - sorted[Math.floor(0.001 * x.length)]!)).toBeLessThan(2 * bin);
  });

  it('mse clips a Laplace tail (optimum near 10b for 8 bits) but keeps the whole range of a uniform', () => {
    const r = rng(3);
    const laplace = Float32Array.from({ length: 100_000 }, () => (r.next() < 0.5 ? -1 : 1) * -Math.log(1 - r.next()));
    const o = createObserver({ method: 'mse' });
    o.observe(laplace);
    const max = Math.max(...laplace);
    expect(o.range().max).toBeLessThan(0.9 * max);
    expect(o.range().max).toBeGreaterThan(7);
    const u = createObserver({ method: 'mse' });
    u.observe(Float32Array.from({ length: 50_000 }, () => r.uniform(-1, 1)));
    expect(u.range().max).toBeGreaterThan(0.97);
    expect(u.range().min).toBeLessThan(-0.97);
  });

  it('counts exact zeros apart (ReLU outputs) without shrinking the range for them', () => {
    const r = rng(4);
    const relu = Float32Array.from({ length: 40_000 }, () => Math.max(0, r.normal()));
    const o = createObserver({ method: 'percentile', percentile: 99.99 });
    o.observe(relu);
    expect(o.range().min).toBe(0);
    expect(o.range().max).toBeGreaterThan(3);
  });
});

describe('quantization grid', () => {
  it('nudges a range to contain 0 exactly with an integer zero point', () => {
    for (const [min, max] of [[-1, 3], [0.5, 6], [-7, -2], [0, 0], [-0.3, 0.0001]] as const) {
      const q = activationQuant({ min, max });
      expect(Number.isInteger(q.zeroPoint) && q.zeroPoint >= -128 && q.zeroPoint <= 127).toBe(true);
      const rep = representable(q);
      expect(rep.min).toBeLessThanOrEqual(Math.min(min, 0) + q.scale / 2);
      expect(rep.max).toBeGreaterThanOrEqual(Math.max(max, 0) - q.scale / 2);
      expect(quantizeValue(0, q)).toBe(q.zeroPoint);
    }
    expect(activationQuant({ min: 0, max: 6 })).toEqual({ scale: Math.fround(6 / 255), zeroPoint: -128 });
  });

  it('fake quantization lands on the grid and clamps', () => {
    const q = activationQuant({ min: -1, max: 1 });
    const x = Float32Array.of(-5, -0.3, 0, 0.001, 0.77, 5);
    fakeQuantInPlace(x, q);
    for (const v of x) expect(Math.abs(v / q.scale - Math.round(v / q.scale))).toBeLessThan(1e-3);
    expect(x[0]).toBeCloseTo(representable(q).min, 6);
    expect(x[5]).toBeCloseTo(representable(q).max, 6);
    expect(x[2]).toBe(0);
  });

  it('per-channel weights: symmetric, [-127, 127], error at most half a step', () => {
    const w = normals(3 * 3 * 4 * 5, 7).map((v, i) => v * (i % 5 + 1)); // channel c scaled by c + 1
    const s = weightScales(w, 5);
    const q = quantizeWeights(w, s);
    for (let i = 0; i < w.length; i++) {
      expect(Math.abs(q[i]!)).toBeLessThanOrEqual(127);
      expect(Math.abs(q[i]! * s[i % 5]! - w[i]!)).toBeLessThanOrEqual(s[i % 5]! / 2 + 1e-7);
    }
    for (let c = 0; c < 5; c++) expect(Math.max(...Array.from(q).filter((_, i) => i % 5 === c).map(Math.abs))).toBe(127);
    expect(weightScales(new Float32Array(4), 2)).toEqual(Float64Array.of(Math.fround(1 / 127), Math.fround(1 / 127)));
  });
});
