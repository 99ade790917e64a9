import { describe, expect, it } from 'vitest';
import { sigmoidRequant } from '../../../src/engine/int8/index.js';
import { rng } from '../../helpers/random.js';
import { breathe, CASES, nativeHost, randomSigmoidCase, reference, Tally } from './helpers.js';

describe('int8 tanh', () => {
  it('is odd around the zero point and saturates (hand-checked)', () => {
    const p = sigmoidRequant(0.05, 0, 'double');
    for (const k of [reference, nativeHost]) {
      const y = new Int8Array(5);
      k.tanh(p, Int8Array.of(0, 10, -10, 127, -128), y);
      // tanh(0) = 0; tanh(±0.5) = ±0.4621 → ±59.2 → ±59; ±6.35 → ±127/-128.
      expect(Array.from(y)).toEqual([0, 59, -59, 127, -128]);
    }
  });

  it(`native equals the reference on ${CASES} random cases`, async () => {
    const r = rng(0x7a9);
    const tally = new Tally('tanh');
    for (let i = 0; i < CASES; i++) {
      if (i % 1000 === 999) await breathe();
      const c = randomSigmoidCase(r);
      const want = new Int8Array(c.input.length);
      const got = new Int8Array(c.input.length);
      reference.tanh(c.p, c.input, want);
      nativeHost.tanh(c.p, c.input, got);
      tally.check('native', got, want, () => JSON.stringify(c.p));
      tally.cases++;
    }
    tally.expectClean();
  });
});
