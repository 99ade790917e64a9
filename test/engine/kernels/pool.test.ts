import { describe, it, expect } from 'vitest';
import { avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward } from '../../../src/engine/kernels/pool.js';
import type { PoolShape } from '../../../src/engine/kernels/types.js';
import { rng } from '../../helpers/random.js';
import { checkGrads, describeWindow, dot, nans, samePad, windowCases } from './gradcheck.js';

// x: (1,3,3,1) = 1..9
const x9 = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
const p = samePad(3, 2, 2); // out 2, padding 1 at the bottom/right
const same2x2s2: PoolShape = { n: 1, h: 3, w: 3, c: 1, kh: 2, kw: 2, strideH: 2, strideW: 2, padTop: p.padBefore, padLeft: p.padBefore, outH: p.out, outW: p.out };

describe('pool reference forward', () => {
  it('average divides by the count of in-bounds taps', () => {
    const y = new Float64Array(4);
    avgPoolForward(same2x2s2, x9, y);
    expect(Array.from(y)).toEqual([3, 4.5, 7.5, 9]);
    const centred: PoolShape = { ...same2x2s2, kh: 3, kw: 3, strideH: 1, strideW: 1, padTop: 1, padLeft: 1, outH: 3, outW: 3 };
    const y3 = new Float64Array(9);
    avgPoolForward(centred, x9, y3);
    expect(y3[0]).toBe((1 + 2 + 4 + 5) / 4);
    expect(y3[4]).toBe(5);
  });

  it('max ignores padding taps (even with all-negative inputs)', () => {
    const y = new Float64Array(4);
    maxPoolForward(same2x2s2, x9, y);
    expect(Array.from(y)).toEqual([5, 6, 8, 9]);
    maxPoolForward(same2x2s2, x9.map((v) => -v), y);
    expect(Array.from(y)).toEqual([-1, -3, -7, -9]);
  });

  it('keeps channels apart', () => {
    // x: (1,2,2,2): channel 0 = 1..4, channel 1 = 40..10
    const x = Float64Array.from([1, 40, 2, 30, 3, 20, 4, 10]);
    const s: PoolShape = { n: 1, h: 2, w: 2, c: 2, kh: 2, kw: 2, strideH: 2, strideW: 2, padTop: 0, padLeft: 0, outH: 1, outW: 1 };
    const y = new Float64Array(2);
    maxPoolForward(s, x, y);
    expect(Array.from(y)).toEqual([4, 40]);
    avgPoolForward(s, x, y);
    expect(Array.from(y)).toEqual([2.5, 25]);
  });
});

describe('pool reference backward', () => {
  it('max sends the gradient to the first maximal tap in scan order (kh outer, kw inner)', () => {
    const s: PoolShape = { n: 1, h: 2, w: 2, c: 1, kh: 2, kw: 2, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, outH: 1, outW: 1 };
    const dx = nans(4);
    maxPoolBackward(s, Float64Array.from([1, 5, 5, 0]), Float64Array.of(2), dx);
    expect(Array.from(dx)).toEqual([0, 2, 0, 0]);
    maxPoolBackward(s, Float64Array.from([3, 1, 3, 3]), Float64Array.of(2), dx);
    expect(Array.from(dx)).toEqual([2, 0, 0, 0]);
  });

  it('overlapping windows sum their gradients', () => {
    // x: (1,1,3,1), 1x2 windows with stride 1 share the middle tap
    const s: PoolShape = { n: 1, h: 1, w: 3, c: 1, kh: 1, kw: 2, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, outH: 1, outW: 2 };
    const dx = nans(3);
    maxPoolBackward(s, Float64Array.from([0, 9, 1]), Float64Array.of(1, 2), dx);
    expect(Array.from(dx)).toEqual([0, 3, 0]);
    avgPoolBackward(s, Float64Array.of(1, 2), dx);
    expect(Array.from(dx)).toEqual([0.5, 1.5, 1]);
  });

  describe('finite-difference gradient checks', () => {
    windowCases(rng(600), 9).forEach((g, i) => {
      const c = rng(610 + i).int(1, 3);
      const s: PoolShape = { ...g, c };
      const size = s.n * s.h * s.w * c;
      const outSize = s.n * s.outH * s.outW * c;

      it(`avg ${describeWindow(g)} c${c}`, () => {
        const r = rng(620 + i);
        const x = r.f64(size);
        const y = new Float64Array(outSize);
        const dy = r.f64(outSize);
        const loss = (): number => { avgPoolForward(s, x, y); return dot(y, dy); };
        const dx = nans(size);
        avgPoolBackward(s, dy, dx);
        checkGrads('avg pool', loss, [{ name: 'x', param: x, analytic: dx }]);
      });

      it(`max ${describeWindow(g)} c${c} (distinct inputs, no ties)`, () => {
        const r = rng(640 + i);
        const x = Float64Array.from(r.permutation(size), (k) => (k - size / 2) * 0.01);
        const y = new Float64Array(outSize);
        const dy = r.f64(outSize);
        const loss = (): number => { maxPoolForward(s, x, y); return dot(y, dy); };
        const dx = nans(size);
        maxPoolBackward(s, x, dy, dx);
        checkGrads('max pool', loss, [{ name: 'x', param: x, analytic: dx }]);
      });
    });
  });
});
