import { describe, expect, it } from 'vitest';
import { computeOutSize, computePadding, type ConvParams } from '../../../src/engine/int8/index.js';
import { rng, type Rng } from '../../helpers/random.js';
import {
  breathe, CASES, nativeDsp, nativeHost, randomActivation, randomBias, randomInt8, randomMultipliers, randomRounding,
  randomWeights, randomZeroPoint, reference, Tally,
} from './helpers.js';

/** Random conv2d: 1x1 (the GEMM path) a quarter of the time, else up to 4x4 with strides, dilations, paddings. */
export function randomConvCase(r: Rng): { p: ConvParams; input: Int8Array; filter: Int8Array; bias: Int32Array | null } {
  const oneByOne = r.next() < 0.25;
  const n = r.next() < 0.1 ? 2 : 1;
  const h = r.int(1, 8);
  const w = r.int(1, 8);
  const cin = r.int(1, 9);
  const cout = r.int(1, 8);
  const kh = oneByOne ? 1 : r.int(1, Math.min(4, h + 1));
  const kw = oneByOne ? 1 : r.int(1, Math.min(4, w + 1));
  const strideH = r.int(1, 3);
  const strideW = r.int(1, 3);
  const dilationH = oneByOne ? 1 : r.pick([1, 1, 2, 3]);
  const dilationW = oneByOne ? 1 : r.pick([1, 1, 2, 3]);
  let oh: number, ow: number, padH: number, padW: number;
  if (oneByOne || r.next() < 0.7) {
    const padding = oneByOne ? 'valid' : r.pick(['same', 'valid'] as const);
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
  const rounding = randomRounding(r);
  const outputOffset = randomZeroPoint(r);
  const p: ConvParams = {
    strideH, strideW, dilationH, dilationW, padH, padW,
    inputOffset: -randomZeroPoint(r), outputOffset, ...randomActivation(r, outputOffset),
    input: { n, h, w, c: cin }, filter: { n: cout, h: kh, w: kw, c: cin }, output: { n, h: oh, w: ow, c: cout },
    ...randomMultipliers(r, cout, rounding), rounding,
  };
  return {
    p,
    input: randomInt8(r, n * h * w * cin),
    filter: randomWeights(r, cout * kh * kw * cin),
    bias: r.next() < 0.9 ? randomBias(r, cout) : null,
  };
}

describe('int8 conv2d', () => {
  it('matches a hand-checked 2x2 convolution', () => {
    // x (1,2,2,1) = [1,2,3,4] with zero point 0, w (1,2,2,1) = [1,1,1,1], bias 2:
    // acc = 10 + 2 = 12; multiplier 0.5 (2^30, shift 0) → 6; output zero point -3 → 3.
    const p: ConvParams = {
      strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padH: 0, padW: 0, inputOffset: 0, outputOffset: -3,
      actMin: -128, actMax: 127, input: { n: 1, h: 2, w: 2, c: 1 }, filter: { n: 1, h: 2, w: 2, c: 1 },
      output: { n: 1, h: 1, w: 1, c: 1 }, multiplier: Int32Array.of(1 << 30), shift: Int32Array.of(0), rounding: 'double',
    };
    for (const k of [reference, nativeHost, nativeDsp]) {
      const y = new Int8Array(1);
      k.conv2d(p, Int8Array.of(1, 2, 3, 4), Int8Array.of(1, 1, 1, 1), Int32Array.of(2), y);
      expect(y[0]).toBe(3);
    }
  });

  it(`native (host and emulated DSP) equals the reference on ${CASES} random cases`, async () => {
    const r = rng(0xc0417);
    const tally = new Tally('conv2d');
    for (let i = 0; i < CASES; i++) {
      if (i % 1000 === 999) await breathe();
      const c = randomConvCase(r);
      const size = c.p.output.n * c.p.output.h * c.p.output.w * c.p.output.c;
      const want = new Int8Array(size);
      reference.conv2d(c.p, c.input, c.filter, c.bias, want);
      for (const [name, k] of [['native', nativeHost], ['native-dsp', nativeDsp]] as const) {
        const got = new Int8Array(size);
        k.conv2d(c.p, c.input, c.filter, c.bias, got);
        tally.check(name, got, want, () => JSON.stringify({ ...c.p, multiplier: [...c.p.multiplier], shift: [...c.p.shift] }));
      }
      tally.cases++;
    }
    tally.expectClean();
  });
});
