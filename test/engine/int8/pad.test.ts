import { describe, expect, it } from 'vitest';
import type { PadParams } from '../../../src/engine/int8/index.js';
import { rng } from '../../helpers/random.js';
import { breathe, CASES, nativeHost, randomInt8, randomZeroPoint, reference, Tally } from './helpers.js';

describe('int8 pad', () => {
  it('pads a 2x2 image with the zero point (hand-checked)', () => {
    const p: PadParams = { dims: [2, 2], before: [1, 0], after: [0, 1], padValue: -5 };
    for (const k of [reference, nativeHost]) {
      const y = new Int8Array(9);
      k.pad(p, Int8Array.of(1, 2, 3, 4), y);
      expect(Array.from(y)).toEqual([-5, -5, -5, 1, 2, -5, 3, 4, -5]);
    }
  });

  it(`native equals the reference on ${CASES} random cases (1 to 6 dims)`, async () => {
    const r = rng(0x9ad);
    const tally = new Tally('pad');
    for (let i = 0; i < CASES; i++) {
      if (i % 1000 === 999) await breathe();
      const rank = r.int(1, 6);
      const dims = Array.from({ length: rank }, () => r.int(rank > 3 ? 1 : 0, rank > 4 ? 2 : rank > 2 ? 3 : 5));
      const p: PadParams = {
        dims, before: dims.map(() => r.int(0, rank > 3 ? 1 : 2)), after: dims.map(() => r.int(0, rank > 3 ? 1 : 2)), padValue: randomZeroPoint(r),
      };
      const input = randomInt8(r, dims.reduce((a, b) => a * b, 1));
      const size = dims.reduce((a, d, k) => a * (d + p.before[k] + p.after[k]), 1);
      const want = new Int8Array(size);
      const got = new Int8Array(size);
      reference.pad(p, input, want);
      nativeHost.pad(p, input, got);
      tally.check('native', got, want, () => JSON.stringify(p));
      tally.cases++;
    }
    tally.expectClean();
  });
});
