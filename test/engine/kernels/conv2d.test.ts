import { describe, it, expect } from 'vitest';
import { conv2dBackward, conv2dForward } from '../../../src/engine/kernels/conv2d.js';
import { denseForward } from '../../../src/engine/kernels/dense.js';
import type { ConvShape } from '../../../src/engine/kernels/types.js';
import { expectClose } from '../../helpers/compare.js';
import { rng } from '../../helpers/random.js';
import { checkGrads, describeWindow, dot, nans, samePad, validPad, windowCases } from './gradcheck.js';

describe('TensorFlow padding helpers', () => {
  it('matches TF for odd/even sizes and strides 1 and 2', () => {
    expect(samePad(5, 3, 1)).toEqual({ out: 5, padBefore: 1 });
    expect(samePad(5, 3, 2)).toEqual({ out: 3, padBefore: 1 });
    expect(samePad(4, 3, 2)).toEqual({ out: 2, padBefore: 0 }); // total 1: the extra row goes at the bottom
    expect(samePad(6, 1, 2)).toEqual({ out: 3, padBefore: 0 });
    expect(validPad(7, 3, 2)).toEqual({ out: 3, padBefore: 0 });
  });
});

describe('conv2d reference forward', () => {
  // x: (1,3,3,1) = 1..9, w: (2,2,1,1) = [[1,2],[3,4]]
  const x = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const w = Float64Array.from([1, 2, 3, 4]);

  it('computes a hand-checked valid convolution with bias', () => {
    const s: ConvShape = { n: 1, h: 3, w: 3, cin: 1, kh: 2, kw: 2, cout: 1, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, outH: 2, outW: 2 };
    const y = new Float64Array(4);
    conv2dForward(s, x, w, Float64Array.of(0.5), y);
    expect(Array.from(y)).toEqual([37.5, 47.5, 67.5, 77.5]);
  });

  it("reads zeros in the padding ('same', stride 2, padding at bottom/right)", () => {
    const p = samePad(3, 2, 2);
    const s: ConvShape = { n: 1, h: 3, w: 3, cin: 1, kh: 2, kw: 2, cout: 1, strideH: 2, strideW: 2, padTop: p.padBefore, padLeft: p.padBefore, outH: p.out, outW: p.out };
    const y = new Float64Array(4);
    conv2dForward(s, x, w, null, y);
    expect(Array.from(y)).toEqual([37, 21, 23, 9]);
  });

  it('equals dense for a 1x1 kernel (weight layout (KH,KW,Cin,Cout) = (In,Out))', () => {
    const r = rng(1);
    const s: ConvShape = { n: 2, h: 3, w: 5, cin: 4, kh: 1, kw: 1, cout: 3, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, outH: 3, outW: 5 };
    const xs = r.f64(2 * 3 * 5 * 4);
    const ws = r.f64(4 * 3);
    const b = r.f64(3);
    const yConv = new Float64Array(2 * 3 * 5 * 3);
    const yDense = new Float64Array(yConv.length);
    conv2dForward(s, xs, ws, b, yConv);
    denseForward({ n: 2 * 3 * 5, inF: 4, outF: 3 }, xs, ws, b, yDense);
    expectClose(yConv, yDense, { atol: 1e-12, rtol: 1e-12, label: 'conv1x1 vs dense' });
  });
});

describe('conv2d reference backward: finite-difference gradient checks', () => {
  windowCases(rng(20240601), 9).forEach((g, i) => {
    const r = rng(100 + i);
    const cin = r.int(1, 3);
    const cout = r.int(1, 4);
    const s: ConvShape = { ...g, cin, cout };
    it(`${describeWindow(g)} cin${cin} cout${cout}`, () => {
      const x = r.f64(s.n * s.h * s.w * cin);
      const w = r.f64(s.kh * s.kw * cin * cout);
      const b = r.f64(cout);
      const y = new Float64Array(s.n * s.outH * s.outW * cout);
      const dy = r.f64(y.length);
      const loss = (): number => { conv2dForward(s, x, w, b, y); return dot(y, dy); };
      const dx = nans(x.length);
      const dw = nans(w.length);
      const db = nans(b.length);
      conv2dBackward(s, x, w, dy, dx, dw, db);
      checkGrads('conv2d', loss, [
        { name: 'x', param: x, analytic: dx },
        { name: 'w', param: w, analytic: dw },
        { name: 'b', param: b, analytic: db },
      ]);
      const dw2 = nans(w.length);
      conv2dBackward(s, x, w, dy, null, dw2, null);
      expectClose(dw2, dw, { atol: 0, rtol: 0, label: 'conv2d dw with dx = db = null' });
    });
  });
});
