import { describe, expect, it } from 'vitest';
import { calculateInputRadius, softmaxRequant, type SoftmaxParams } from '../../../src/engine/int8/index.js';
import { rng, type Rng } from '../../helpers/random.js';
import { breathe, CASES, logUniform, nativeHost, randomInt8, randomRounding, randomScale, reference, Tally } from './helpers.js';

function randomSoftmaxCase(r: Rng): { p: SoftmaxParams; input: Int8Array } {
  const outer = r.int(1, 2);
  // Mostly short rows; sometimes past 256 entries, where TFLite's exponent check would fire.
  const depth = r.next() < 0.97 ? r.int(1, 24) : r.int(250, 300);
  const rounding = randomRounding(r);
  let requant: Omit<SoftmaxParams, 'outer' | 'depth'> | undefined;
  if (r.next() < 0.6) {
    try {
      requant = softmaxRequant(logUniform(r, 0.1, 10), randomScale(r), rounding);
    } catch {
      requant = undefined; // beta · scale too small for TFLite
    }
  }
  if (!requant) {
    const inputLeftShift = r.int(0, rounding === 'single' ? 30 : 31);
    requant = {
      inputMultiplier: r.int(1 << 30, 2147483647), inputLeftShift,
      diffMin: -calculateInputRadius(5, inputLeftShift), rounding,
    };
  }
  const input = randomInt8(r, outer * depth);
  if (r.next() < 0.3) {
    // Narrow rows: values near each other so many entries pass diffMin.
    const base = r.int(-128, 120);
    for (let i = 0; i < input.length; i++) input[i] = base + r.int(0, 7);
  }
  return { p: { ...requant, outer, depth }, input };
}

describe('int8 softmax', () => {
  it('gives equal probabilities to equal logits (hand-checked)', () => {
    // 4 equal entries: 1/4 → 64/256 → -64 with zero point -128.
    const p: SoftmaxParams = { ...softmaxRequant(1, 0.1, 'double'), outer: 1, depth: 4 };
    for (const k of [reference, nativeHost]) {
      const y = new Int8Array(4);
      k.softmax(p, Int8Array.of(5, 5, 5, 5), y);
      expect(Array.from(y)).toEqual([-64, -64, -64, -64]);
    }
  });

  it('sends a dominant logit to 255/256 and the rest to 0', () => {
    const p: SoftmaxParams = { ...softmaxRequant(1, 1, 'double'), outer: 1, depth: 3 };
    const y = new Int8Array(3);
    reference.softmax(p, Int8Array.of(100, 0, -100), y);
    expect(Array.from(y)).toEqual([127, -128, -128]);
  });

  it(`native equals the reference on ${CASES} random cases`, async () => {
    const r = rng(0x50f7);
    const tally = new Tally('softmax');
    for (let i = 0; i < CASES; i++) {
      if (i % 1000 === 999) await breathe();
      const c = randomSoftmaxCase(r);
      const want = new Int8Array(c.input.length);
      const got = new Int8Array(c.input.length);
      reference.softmax(c.p, c.input, want);
      nativeHost.softmax(c.p, c.input, got);
      tally.check('native', got, want, () => JSON.stringify(c.p));
      tally.cases++;
    }
    tally.expectClean();
  });
});
