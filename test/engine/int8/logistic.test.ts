import { describe, expect, it } from 'vitest';
import { sigmoidRequant } from '../../../src/engine/int8/index.js';
import { rng } from '../../helpers/random.js';
import { breathe, CASES, nativeHost, randomSigmoidCase, reference, Tally } from './helpers.js';

describe('int8 logistic', () => {
  it('maps the zero point to 1/2 and saturates far out (hand-checked)', () => {
    const p = sigmoidRequant(0.1, 3, 'double');
    for (const k of [reference, nativeHost]) {
      const y = new Int8Array(3);
      k.logistic(p, Int8Array.of(3, 127, -128), y);
      // σ(0) = 0.5 → 128/256 → 0; σ(12.4) → 127; σ(-13.1) → -128.
      expect(Array.from(y)).toEqual([0, 127, -128]);
    }
  });

  it(`native equals the reference on ${CASES} random cases`, async () => {
    const r = rng(0x1061);
    const tally = new Tally('logistic');
    for (let i = 0; i < CASES; i++) {
      if (i % 1000 === 999) await breathe();
      const c = randomSigmoidCase(r);
      const want = new Int8Array(c.input.length);
      const got = new Int8Array(c.input.length);
      reference.logistic(c.p, c.input, want);
      nativeHost.logistic(c.p, c.input, got);
      tally.check('native', got, want, () => JSON.stringify(c.p));
      tally.cases++;
    }
    tally.expectClean();
  });
});
