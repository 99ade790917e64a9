import { describe, it, expect } from 'vitest';
import { conv2dForward } from '../../../src/engine/kernels/conv2d.js';
import { depthwiseBackward, depthwiseForward } from '../../../src/engine/kernels/depthwise_conv2d.js';
import type { DepthwiseShape } from '../../../src/engine/kernels/types.js';
import { expectClose } from '../../helpers/compare.js';
import { rng } from '../../helpers/random.js';
import { checkGrads, describeWindow, dot, nans, windowCases } from './gradcheck.js';

describe('depthwise reference forward', () => {
  it('output channel c*M+m reads input channel c (hand-checked, M = 2)', () => {
    // x: (1,1,2,2) pixels [(1,10), (2,20)]; w: (1,2,4); valid 1x2 kernel → y: (1,1,1,4)
    const s: DepthwiseShape = { n: 1, h: 1, w: 2, c: 2, multiplier: 2, kh: 1, kw: 2, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, outH: 1, outW: 1 };
    const x = Float64Array.from([1, 10, 2, 20]);
    const w = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]); // w[0,kx,oc] then w[0,1,oc]
    const y = new Float64Array(4);
    depthwiseForward(s, x, w, Float64Array.from([0, 0, 0, 100]), y);
    expect(Array.from(y)).toEqual([1 * 1 + 2 * 5, 1 * 2 + 2 * 6, 10 * 3 + 20 * 7, 10 * 4 + 20 * 8 + 100]);
  });

  it('equals conv2d with block-diagonal weights (M = 1, 2, 3)', () => {
    const r = rng(7);
    for (const multiplier of [1, 2, 3]) {
      const c = 3;
      const oc = c * multiplier;
      const s: DepthwiseShape = { n: 2, h: 5, w: 4, c, multiplier, kh: 3, kw: 2, strideH: 2, strideW: 1, padTop: 1, padLeft: 0, outH: 3, outW: 4 };
      const x = r.f64(2 * 5 * 4 * c);
      const w = r.f64(3 * 2 * oc);
      const b = r.f64(oc);
      const full = new Float64Array(3 * 2 * c * oc); // (KH,KW,Cin,Cout), zero off the block diagonal
      for (let k = 0; k < 3 * 2; k++) {
        for (let o = 0; o < oc; o++) full[(k * c + Math.floor(o / multiplier)) * oc + o] = w[k * oc + o];
      }
      const yDw = new Float64Array(2 * 3 * 4 * oc);
      const yConv = new Float64Array(yDw.length);
      depthwiseForward(s, x, w, b, yDw);
      conv2dForward({ ...s, cin: c, cout: oc }, x, full, b, yConv);
      expectClose(yDw, yConv, { atol: 1e-12, rtol: 1e-12, label: `depthwise M=${multiplier} vs conv2d` });
    }
  });
});

describe('depthwise reference backward: finite-difference gradient checks', () => {
  windowCases(rng(31337), 9).forEach((g, i) => {
    const r = rng(200 + i);
    const c = r.int(1, 3);
    const multiplier = i % 3 === 0 ? 1 : i % 3 === 1 ? 2 : r.int(1, 3);
    const s: DepthwiseShape = { ...g, c, multiplier };
    it(`${describeWindow(g)} c${c} M${multiplier}`, () => {
      const oc = c * multiplier;
      const x = r.f64(s.n * s.h * s.w * c);
      const w = r.f64(s.kh * s.kw * oc);
      const b = r.f64(oc);
      const y = new Float64Array(s.n * s.outH * s.outW * oc);
      const dy = r.f64(y.length);
      const loss = (): number => { depthwiseForward(s, x, w, b, y); return dot(y, dy); };
      const dx = nans(x.length);
      const dw = nans(w.length);
      const db = nans(b.length);
      depthwiseBackward(s, x, w, dy, dx, dw, db);
      checkGrads('depthwise', loss, [
        { name: 'x', param: x, analytic: dx },
        { name: 'w', param: w, analytic: dw },
        { name: 'b', param: b, analytic: db },
      ]);
      const dw2 = nans(w.length);
      depthwiseBackward(s, x, w, dy, null, dw2, null);
      expectClose(dw2, dw, { atol: 0, rtol: 0, label: 'depthwise dw with dx = db = null' });
    });
  });
});
