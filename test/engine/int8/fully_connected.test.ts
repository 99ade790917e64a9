import { describe, expect, it } from 'vitest';
import type { FullyConnectedParams } from '../../../src/engine/int8/index.js';
import { rng, type Rng } from '../../helpers/random.js';
import {
  breathe, CASES, nativeDsp, nativeHost, randomActivation, randomBias, randomInt8, randomMultipliers, randomRounding,
  randomWeights, randomZeroPoint, reference, Tally,
} from './helpers.js';

function randomFcCase(r: Rng): { p: FullyConnectedParams; input: Int8Array; filter: Int8Array; bias: Int32Array | null } {
  const batches = r.int(1, 3);
  const accumDepth = r.int(1, 70);
  const outDepth = r.int(1, 16);
  const perChannel = r.next() < 0.5;
  const rounding = randomRounding(r);
  const outputOffset = randomZeroPoint(r);
  const p: FullyConnectedParams = {
    inputOffset: -randomZeroPoint(r),
    filterOffset: !perChannel && r.next() < 0.2 ? -r.int(-127, 127) : 0,
    outputOffset, ...randomActivation(r, outputOffset),
    perChannel, batches, accumDepth, outDepth,
    ...randomMultipliers(r, perChannel ? outDepth : 1, rounding), rounding,
  };
  return { p, input: randomInt8(r, batches * accumDepth), filter: randomWeights(r, outDepth * accumDepth), bias: r.next() < 0.9 ? randomBias(r, outDepth) : null };
}

describe('int8 fully_connected', () => {
  it('matches a hand-checked dot product with weight and input offsets', () => {
    // (w + 1)·(x - 2) over x = [3, 4, 5], w = [0, 1, 2]: 1·1 + 2·2 + 3·3 = 14; + bias 6 = 20;
    // · 0.25 (2^30, shift -1) = 5; + output zero point 10 = 15.
    const p: FullyConnectedParams = {
      inputOffset: -2, filterOffset: 1, outputOffset: 10, actMin: -128, actMax: 127, perChannel: false,
      batches: 1, accumDepth: 3, outDepth: 1, multiplier: Int32Array.of(1 << 30), shift: Int32Array.of(-1), rounding: 'double',
    };
    for (const k of [reference, nativeHost, nativeDsp]) {
      const y = new Int8Array(1);
      k.fullyConnected(p, Int8Array.of(3, 4, 5), Int8Array.of(0, 1, 2), Int32Array.of(6), y);
      expect(y[0]).toBe(15);
    }
  });

  it(`native (host and emulated DSP) equals the reference on ${CASES} random cases`, async () => {
    const r = rng(0xfc);
    const tally = new Tally('fully_connected');
    for (let i = 0; i < CASES; i++) {
      if (i % 1000 === 999) await breathe();
      const c = randomFcCase(r);
      const want = new Int8Array(c.p.batches * c.p.outDepth);
      reference.fullyConnected(c.p, c.input, c.filter, c.bias, want);
      for (const [name, k] of [['native', nativeHost], ['native-dsp', nativeDsp]] as const) {
        const got = new Int8Array(want.length);
        k.fullyConnected(c.p, c.input, c.filter, c.bias, got);
        tally.check(name, got, want, () => JSON.stringify({ ...c.p, multiplier: [...c.p.multiplier], shift: [...c.p.shift] }));
      }
      tally.cases++;
    }
    tally.expectClean();
  });
});
