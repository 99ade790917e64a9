import { describe, expect, it } from 'vitest';
import { computeOutSize, computePadding, type PoolParams } from '../../../src/engine/int8/index.js';
import { rng, type Rng } from '../../helpers/random.js';
import { breathe, CASES, nativeHost, randomActivation, randomInt8, randomZeroPoint, reference, Tally } from './helpers.js';

function randomPoolCase(r: Rng): { p: PoolParams; input: Int8Array } {
  const n = r.next() < 0.1 ? 2 : 1;
  const h = r.int(1, 10);
  const w = r.int(1, 10);
  const c = r.int(1, 8);
  const filterH = r.int(1, Math.min(5, h + 1));
  const filterW = r.int(1, Math.min(5, w + 1));
  const strideH = r.int(1, 3);
  const strideW = r.int(1, 3);
  const padding = r.pick(['same', 'valid'] as const);
  const oh = Math.max(1, computeOutSize(padding, h, filterH, strideH));
  const ow = Math.max(1, computeOutSize(padding, w, filterW, strideW));
  const p: PoolParams = {
    strideH, strideW, filterH, filterW,
    padH: computePadding(strideH, 1, h, filterH, oh), padW: computePadding(strideW, 1, w, filterW, ow),
    ...randomActivation(r, randomZeroPoint(r)),
    input: { n, h, w, c }, output: { n, h: oh, w: ow, c },
  };
  return { p, input: randomInt8(r, n * h * w * c) };
}

describe('int8 pooling', () => {
  it('rounds averages half away from zero and takes maxima (hand-checked)', () => {
    // One 2x2 window per channel: [1, 2, 2, 2] → 7/4 = 1.75 → 2; [-1, -2, -2, -2] → -1.75 → -2;
    // [1, 2, 1, 2] → 1.5 → 2; [-1, -2, -1, -2] → -1.5 → -2.
    const p: PoolParams = {
      strideH: 1, strideW: 1, filterH: 2, filterW: 2, padH: 0, padW: 0, actMin: -128, actMax: 127,
      input: { n: 1, h: 2, w: 2, c: 4 }, output: { n: 1, h: 1, w: 1, c: 4 },
    };
    const x = Int8Array.of(1, -1, 1, -1, 2, -2, 2, -2, 2, -2, 1, -1, 2, -2, 2, -2);
    for (const k of [reference, nativeHost]) {
      const avg = new Int8Array(4);
      const max = new Int8Array(4);
      k.avgPool(p, x, avg);
      k.maxPool(p, x, max);
      expect(Array.from(avg)).toEqual([2, -2, 2, -2]);
      expect(Array.from(max)).toEqual([2, -1, 2, -1]);
    }
  });

  it(`native equals the reference on ${CASES} random cases each (average and max)`, async () => {
    const r = rng(0x9001);
    const avgTally = new Tally('avg_pool');
    const maxTally = new Tally('max_pool');
    for (let i = 0; i < CASES; i++) {
      if (i % 1000 === 999) await breathe();
      const c = randomPoolCase(r);
      const size = c.p.output.n * c.p.output.h * c.p.output.w * c.p.output.c;
      for (const [tally, fn] of [[avgTally, 'avgPool'], [maxTally, 'maxPool']] as const) {
        const want = new Int8Array(size);
        const got = new Int8Array(size);
        reference[fn](c.p, c.input, want);
        nativeHost[fn](c.p, c.input, got);
        tally.check('native', got, want, () => JSON.stringify(c.p));
        tally.cases++;
      }
    }
    avgTally.expectClean();
    maxTally.expectClean();
  });
});
