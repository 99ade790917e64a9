import { describe, expect, it } from 'vitest';
import { quantizeMultiplier, type QuantizeParams, type RequantizeParams } from '../../../src/engine/int8/index.js';
import { rng, type Rng } from '../../helpers/random.js';
import {
  breathe, CASES, logUniform, nativeHost, randomInt8, randomMultiplier, randomRounding, randomScale, randomZeroPoint, reference, Tally,
} from './helpers.js';

/** Floats around the quantization grid, exact ties (k + 1/2)·scale, huge values, infinities and NaN. */
function randomFloats(r: Rng, n: number, scale: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = r.next();
    if (u < 0.5) a[i] = r.uniform(-200, 200) * scale;
    else if (u < 0.8) a[i] = (r.int(-200, 200) + 0.5) * scale;
    else if (u < 0.95) a[i] = (r.next() < 0.5 ? -1 : 1) * logUniform(r, 1e-30, 1e30);
    else a[i] = r.pick([Infinity, -Infinity, NaN, 0, -0]);
  }
  return a;
}

describe('int8 quantize / dequantize / requantize', () => {
  it('rounds ties away from zero and clamps (hand-checked)', () => {
    const p: QuantizeParams = { scale: 0.5, zeroPoint: 1 };
    for (const k of [reference, nativeHost]) {
      const y = new Int8Array(6);
      k.quantize(p, Float32Array.of(0.25, -0.25, 0.75, 1000, -1000, NaN), y);
      // 0.5 → 1 (+1) = 2; -0.5 → -1 (+1) = 0; 1.5 → 2 (+1) = 3; clamps; NaN low.
      expect(Array.from(y)).toEqual([2, 0, 3, 127, -128, -128]);
      const x = new Float32Array(2);
      k.dequantize(p, Int8Array.of(3, -128), x);
      expect(Array.from(x)).toEqual([1, -64.5]);
    }
  });

  it(`native equals the reference on ${CASES} random cases of each conversion`, async () => {
    const r = rng(0x9a47);
    const tq = new Tally('quantize');
    const td = new Tally('dequantize');
    const tr = new Tally('requantize');
    for (let i = 0; i < CASES; i++) {
      if (i % 1000 === 999) await breathe();
      const n = r.int(1, 32);
      const scale = r.next() < 0.3 ? 2 ** r.int(-10, 5) : randomScale(r);
      const p: QuantizeParams = { scale, zeroPoint: randomZeroPoint(r) };
      const f = randomFloats(r, n, scale);
      const q1 = new Int8Array(n);
      const q2 = new Int8Array(n);
      reference.quantize(p, f, q1);
      nativeHost.quantize(p, f, q2);
      tq.check('native', q2, q1, () => JSON.stringify({ p, f: [...f] }));
      tq.cases++;

      const q = randomInt8(r, n);
      const d1 = new Float32Array(n);
      const d2 = new Float32Array(n);
      reference.dequantize(p, q, d1);
      nativeHost.dequantize(p, q, d2);
      td.check('native', d2, d1, () => JSON.stringify(p));
      td.cases++;

      const rounding = randomRounding(r);
      const qm = r.next() < 0.5 ? quantizeMultiplier(randomScale(r) / randomScale(r), rounding) : randomMultiplier(r, rounding);
      if (qm.shift > 30) qm.shift = 30;
      const rp: RequantizeParams = { inputZeroPoint: randomZeroPoint(r), outputZeroPoint: randomZeroPoint(r), ...qm, rounding };
      const y1 = new Int8Array(n);
      const y2 = new Int8Array(n);
      reference.requantize(rp, q, y1);
      nativeHost.requantize(rp, q, y2);
      tr.check('native', y2, y1, () => JSON.stringify(rp));
      tr.cases++;
    }
    tq.expectClean();
    td.expectClean();
    tr.expectClean();
  });
});
