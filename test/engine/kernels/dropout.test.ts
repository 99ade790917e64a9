import { describe, it, expect } from 'vitest';
import { dropoutBackward, dropoutForward, dropoutUniform } from '../../../src/engine/kernels/dropout.js';
import { rng } from '../../helpers/random.js';
import { checkGrads, dot, nans } from './gradcheck.js';

/** The counter hash of types.ts transcribed with BigInt, as an independent check of the Math.imul version. */
function uniformBigInt(seed: number, i: number): number {
  const m = (1n << 32n) - 1n;
  let h = (BigInt(seed) + BigInt(i) * 0x9e3779b9n) & m;
  h ^= h >> 16n;
  h = (h * 0x85ebca6bn) & m;
  h ^= h >> 13n;
  h = (h * 0xc2b2ae35n) & m;
  h ^= h >> 16n;
  return Number(h) / 2 ** 32;
}

describe('dropout counter hash', () => {
  it('matches golden values (h = u·2^32, computed independently with Python integers)', () => {
    const golden: Array<[number, number, number]> = [
      [0, 0, 0],
      [0, 1, 2462723854],
      [42, 0, 142593372],
      [42, 1, 939911724],
      [42, 7, 564296667],
      [0xdeadbeef, 123456, 2452644866],
      [1, 2 ** 31 + 5, 2014810327],
    ];
    for (const [seed, i, h] of golden) expect(dropoutUniform(seed, i) * 2 ** 32).toBe(h);
  });

  it('matches a BigInt transcription for random seeds and large indices', () => {
    const r = rng(800);
    const differ: string[] = [];
    for (let k = 0; k < 2000; k++) {
      const seed = r.int(0, 2 ** 32 - 1);
      const i = k < 1000 ? k : r.int(0, 2 ** 32 - 1);
      if (dropoutUniform(seed, i) !== uniformBigInt(seed, i)) differ.push(`seed ${seed} i ${i}`);
    }
    expect(differ.slice(0, 5)).toEqual([]);
  });

  it('is roughly uniform on [0, 1)', () => {
    const bins = new Array<number>(10).fill(0);
    let min = 1;
    let max = 0;
    for (let i = 0; i < 100000; i++) {
      const u = dropoutUniform(12345, i);
      min = Math.min(min, u);
      max = Math.max(max, u);
      bins[Math.floor(u * 10)]++;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    for (const b of bins) expect(Math.abs(b - 10000)).toBeLessThan(500);
  });
});

describe('dropout reference', () => {
  it('keeps u_i >= rate, scales kept elements by 1/(1-rate), drops about rate of them', () => {
    const n = 20000;
    const rate = 0.3;
    const x = rng(810).f64(n);
    const y = new Float64Array(n);
    const mask = nans(n);
    dropoutForward(x, y, mask, rate, 7);
    let dropped = 0;
    const wrong: number[] = [];
    for (let i = 0; i < n; i++) {
      const keep = dropoutUniform(7, i) >= rate;
      if (mask[i] !== (keep ? 1 / (1 - rate) : 0) || y[i] !== x[i] * mask[i]) wrong.push(i);
      if (!keep) dropped++;
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(Math.abs(dropped / n - rate)).toBeLessThan(0.02);
  });

  it('is the identity at rate 0 and depends on the seed', () => {
    const x = rng(820).f64(100);
    const y = new Float64Array(100);
    const mask = new Float64Array(100);
    dropoutForward(x, y, mask, 0, 99);
    expect(Array.from(y)).toEqual(Array.from(x));
    const m1 = new Float64Array(100);
    const m2 = new Float64Array(100);
    dropoutForward(x, y, m1, 0.5, 1);
    dropoutForward(x, y, m2, 0.5, 2);
    expect(Array.from(m1)).not.toEqual(Array.from(m2));
  });

  it('gradient check: dx = dy · mask', () => {
    const r = rng(830);
    const x = r.f64(333);
    const y = new Float64Array(333);
    const mask = new Float64Array(333);
    const dy = r.f64(333);
    const loss = (): number => { dropoutForward(x, y, mask, 0.25, 2024); return dot(y, dy); };
    loss();
    const dx = nans(333);
    dropoutBackward(dy, mask, dx);
    checkGrads('dropout', loss, [{ name: 'x', param: x, analytic: dx }]);
  });
});
