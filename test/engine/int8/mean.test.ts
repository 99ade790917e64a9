import { describe, expect, it } from 'vitest';
import { foldMeanMultiplier, loadInt8Addon, quantizeMultiplier, type MeanParams } from '../../../src/engine/int8/index.js';
import { rng, type Rng } from '../../helpers/random.js';
import { breathe, CASES, nativeHost, randomInt8, randomMultiplier, randomRounding, randomScale, randomZeroPoint, reference, Tally } from './helpers.js';

function randomMeanCase(r: Rng): { p: MeanParams; input: Int8Array; outSize: number } {
  const rank = r.int(1, r.next() < 0.8 ? 4 : 6);
  const dims = Array.from({ length: rank }, () => r.int(1, rank > 3 ? 2 : 5));
  const reduce = dims.map(() => r.next() < 0.5);
  if (!reduce.some(Boolean)) reduce[r.int(0, rank - 1)] = true;
  const count = dims.reduce((a, d, i) => (reduce[i] ? a * d : a), 1);
  const rounding = randomRounding(r);
  for (;;) {
    const qm = r.next() < 0.5 ? quantizeMultiplier(randomScale(r) / randomScale(r), rounding) : randomMultiplier(r, rounding);
    const f = foldMeanMultiplier(count, qm.multiplier, qm.shift);
    if (f.shift > 30) continue;
    const size = dims.reduce((a, b) => a * b, 1);
    return {
      p: {
        dims, reduce, inputZeroPoint: randomZeroPoint(r), outputZeroPoint: randomZeroPoint(r), multiplier: f.multiplier, shift: f.shift,
        rounding, sameQuant: r.next() < 0.2,
      },
      input: randomInt8(r, size),
      outSize: size / count,
    };
  }
}

describe('int8 mean', () => {
  it('averages a global pool (hand-checked, both TFLite Micro branches)', () => {
    // Same scale and zero point: sum / count truncated, 13 / 4 → 3 and -14 / 4 → -3.
    // Requantizing branch with the ratio 1/4 as (2^30, -1), double rounding: 13·0.5 = 6.5 → 7
    // in the high multiply, then 7 / 2 = 3.5 → 4; -14·0.5 = -7, -7 / 2 = -3.5 → -4.
    const qm = foldMeanMultiplier(4, 1 << 30, 1); // ratio 1 = 2^30 · 2^(1-31), folded to (2^30, -1)
    expect(qm).toEqual({ multiplier: 1 << 30, shift: -1 });
    const base = { dims: [1, 2, 2, 1], reduce: [false, true, true, false], inputZeroPoint: 0, outputZeroPoint: 0, ...qm, rounding: 'double' as const };
    for (const k of [reference, nativeHost]) {
      for (const [sameQuant, pos, neg] of [[true, 3, -3], [false, 4, -4]] as const) {
        const p: MeanParams = { ...base, sameQuant };
        const y = new Int8Array(1);
        k.mean(p, Int8Array.of(1, 2, 3, 7), y);
        expect(y[0]).toBe(pos);
        k.mean(p, Int8Array.of(-1, -2, -3, -8), y);
        expect(y[0]).toBe(neg);
      }
    }
  });

  it('folds 1/count into the multiplier exactly as the C helper does', () => {
    const addon = loadInt8Addon();
    const r = rng(0xf01d);
    const bad: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const count = r.next() < 0.5 ? r.int(1, 64) : r.int(1, 1 << 24);
      const qm = randomMultiplier(r, 'double');
      const ts = foldMeanMultiplier(count, qm.multiplier, qm.shift);
      const [m, s] = addon.meanFold(count, qm.multiplier, qm.shift);
      if (m !== ts.multiplier || s !== ts.shift) bad.push(`${count} ${qm.multiplier} ${qm.shift}: C ${m} ${s}, TS ${ts.multiplier} ${ts.shift}`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it(`native equals the reference on ${CASES} random cases`, async () => {
    const r = rng(0x3ea);
    const tally = new Tally('mean');
    for (let i = 0; i < CASES; i++) {
      if (i % 1000 === 999) await breathe();
      const c = randomMeanCase(r);
      const want = new Int8Array(c.outSize);
      const got = new Int8Array(c.outSize);
      reference.mean(c.p, c.input, want);
      nativeHost.mean(c.p, c.input, got);
      tally.check('native', got, want, () => JSON.stringify(c.p));
      tally.cases++;
    }
    tally.expectClean();
  });
});
