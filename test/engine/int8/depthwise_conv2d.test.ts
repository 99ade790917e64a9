import { describe, expect, it } from 'vitest';
import { computeOutSize, computePadding, type DepthwiseParams } from '../../../src/engine/int8/index.js';
import { rng, type Rng } from '../../helpers/random.js';
import {
  breathe, CASES, nativeDsp, nativeHost, randomActivation, randomBias, randomInt8, randomMultipliers, randomRounding,
  randomWeights, randomZeroPoint, reference, Tally,
} from './helpers.js';

/** Random depthwise conv: 3x3, multiplier 1, no dilation (the fast path) 40% of the time. */
function randomDepthwiseCase(r: Rng): { p: DepthwiseParams; input: Int8Array; filter: Int8Array; bias: Int32Array | null } {
  const fast = r.next() < 0.4;
  const n = r.next() < 0.1 ? 2 : 1;
  const h = r.int(1, 9);
  const w = r.int(1, 9);
  const c = r.int(1, 8);
  const m = fast ? 1 : r.int(1, 3);
  const kh = fast ? 3 : r.int(1, 4);
  const kw = fast ? 3 : r.int(1, 4);
  const strideH = r.int(1, 3);
  const strideW = r.int(1, 3);
  const dilationH = fast ? 1 : r.pick([1, 1, 2, 3]);
  const dilationW = fast ? 1 : r.pick([1, 1, 2, 3]);
  let oh: number, ow: number, padH: number, padW: number;
  if (r.next() < 0.7) {
    const padding = r.pick(['same', 'valid'] as const);
    oh = Math.max(1, computeOutSize(padding, h, kh, strideH, dilationH));
    ow = Math.max(1, computeOutSize(padding, w, kw, strideW, dilationW));
    padH = computePadding(strideH, dilationH, h, kh, oh);
    padW = computePadding(strideW, dilationW, w, kw, ow);
  } else {
    padH = r.int(0, (kh - 1) * dilationH);
    padW = r.int(0, (kw - 1) * dilationW);
    oh = r.int(1, Math.ceil((h + padH) / strideH) + 1);
    ow = r.int(1, Math.ceil((w + padW) / strideW) + 1);
  }
  const cout = c * m;
  const rounding = randomRounding(r);
  const outputOffset = randomZeroPoint(r);
  const p: DepthwiseParams = {
    strideH, strideW, dilationH, dilationW, padH, padW, depthMultiplier: m,
    inputOffset: -randomZeroPoint(r), outputOffset, ...randomActivation(r, outputOffset),
    input: { n, h, w, c }, filter: { n: 1, h: kh, w: kw, c: cout }, output: { n, h: oh, w: ow, c: cout },
    ...randomMultipliers(r, cout, rounding), rounding,
  };
  return { p, input: randomInt8(r, n * h * w * c), filter: randomWeights(r, kh * kw * cout), bias: r.next() < 0.9 ? randomBias(r, cout) : null };
}

describe('int8 depthwise_conv2d', () => {
  it('matches a hand-checked 3x3 window (multiplier 2 per channel)', () => {
    // x (1,3,3,1) all 2 with zero point 1 → every tap contributes (2-1)·w; w all 1, M = 2.
    // Centre of 'same': 9 taps → 9; requantize by 0.5 (double rounding: 4.5 → 5), zero point 0.
    const p: DepthwiseParams = {
      strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padH: 1, padW: 1, depthMultiplier: 2, inputOffset: -1,
      outputOffset: 0, actMin: -128, actMax: 127, input: { n: 1, h: 3, w: 3, c: 1 }, filter: { n: 1, h: 3, w: 3, c: 2 },
      output: { n: 1, h: 3, w: 3, c: 2 }, multiplier: Int32Array.of(1 << 30, 1 << 30), shift: Int32Array.of(0, 0), rounding: 'double',
    };
    for (const k of [reference, nativeHost, nativeDsp]) {
      const y = new Int8Array(18);
      k.depthwiseConv2d(p, new Int8Array(9).fill(2), new Int8Array(18).fill(1), null, y);
      // corners see 4 taps (→ 2), edges 6 (→ 3), the centre 9 (→ 5); both output channels alike.
      expect(Array.from(y)).toEqual([2, 2, 3, 3, 2, 2, 3, 3, 5, 5, 3, 3, 2, 2, 3, 3, 2, 2]);
    }
  });

  it(`native (host and emulated DSP) equals the reference on ${CASES} random cases`, async () => {
    const r = rng(0xd3e);
    const tally = new Tally('depthwise_conv2d');
    for (let i = 0; i < CASES; i++) {
      if (i % 1000 === 999) await breathe();
      const c = randomDepthwiseCase(r);
      const size = c.p.output.n * c.p.output.h * c.p.output.w * c.p.output.c;
      const want = new Int8Array(size);
      reference.depthwiseConv2d(c.p, c.input, c.filter, c.bias, want);
      for (const [name, k] of [['native', nativeHost], ['native-dsp', nativeDsp]] as const) {
        const got = new Int8Array(size);
        k.depthwiseConv2d(c.p, c.input, c.filter, c.bias, got);
        tally.check(name, got, want, () => JSON.stringify({ ...c.p, multiplier: [...c.p.multiplier], shift: [...c.p.shift] }));
      }
      tally.cases++;
    }
    tally.expectClean();
  });
});
