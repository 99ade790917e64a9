import { describe, expect, it } from 'vitest';
import type { ConcatParams } from '../../../src/engine/int8/index.js';
import { rng } from '../../helpers/random.js';
import { breathe, CASES, nativeHost, randomInt8, reference, Tally } from './helpers.js';

describe('int8 concatenation', () => {
  it('concatenates along the channel axis (hand-checked)', () => {
    // (2, 1) ++ (2, 2) along axis 1.
    const p: ConcatParams = { axisSizes: [1, 2], outer: 2, inner: 1 };
    for (const k of [reference, nativeHost]) {
      const y = new Int8Array(6);
      k.concat(p, [Int8Array.of(1, 2), Int8Array.of(10, 11, 20, 21)], y);
      expect(Array.from(y)).toEqual([1, 10, 11, 2, 20, 21]);
    }
  });

  it(`native equals the reference on ${CASES} random cases`, async () => {
    const r = rng(0xc047);
    const tally = new Tally('concatenation');
    for (let i = 0; i < CASES; i++) {
      if (i % 1000 === 999) await breathe();
      const p: ConcatParams = {
        axisSizes: Array.from({ length: r.int(1, 4) }, () => r.int(0, 4)), outer: r.int(1, 6), inner: r.int(1, 6),
      };
      const inputs = p.axisSizes.map((s) => randomInt8(r, p.outer * s * p.inner));
      const size = p.outer * p.inner * p.axisSizes.reduce((a, b) => a + b, 0);
      const want = new Int8Array(size);
      const got = new Int8Array(size);
      reference.concat(p, inputs, want);
      nativeHost.concat(p, inputs, got);
      tally.check('native', got, want, () => JSON.stringify(p));
      tally.cases++;
    }
    tally.expectClean();
  });
});
