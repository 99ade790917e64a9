import { describe, it, expect } from 'vitest';
import { denseBackward, denseForward } from '../../../src/engine/kernels/dense.js';
import type { DenseShape } from '../../../src/engine/kernels/types.js';
import { expectClose } from '../../helpers/compare.js';
import { rng } from '../../helpers/random.js';
import { checkGrads, dot, nans } from './gradcheck.js';

describe('dense reference forward', () => {
  it('computes y = x·w + b with w laid out (In, Out)', () => {
    // x: (2,3), w: (3,2), b: (2)
    const x = Float64Array.from([1, 2, 3, -1, 0, 2]);
    const w = Float64Array.from([1, 0, 0, 1, 2, -1]);
    const y = new Float64Array(4);
    denseForward({ n: 2, inF: 3, outF: 2 }, x, w, Float64Array.from([0.5, -0.5]), y);
    expect(Array.from(y)).toEqual([1 + 6 + 0.5, 2 - 3 - 0.5, -1 + 4 + 0.5, -2 - 0.5]);
    denseForward({ n: 2, inF: 3, outF: 2 }, x, w, null, y);
    expect(Array.from(y)).toEqual([7, -1, 3, -2]);
  });
});

describe('dense reference backward: finite-difference gradient checks', () => {
  const shapes: DenseShape[] = [
    { n: 1, inF: 1, outF: 1 },
    { n: 1, inF: 7, outF: 3 },
    { n: 4, inF: 5, outF: 9 },
    { n: 3, inF: 16, outF: 10 },
  ];
  shapes.forEach((s, i) => {
    it(`n${s.n} in${s.inF} out${s.outF}`, () => {
      const r = rng(300 + i);
      const x = r.f64(s.n * s.inF);
      const w = r.f64(s.inF * s.outF);
      const b = r.f64(s.outF);
      const y = new Float64Array(s.n * s.outF);
      const dy = r.f64(y.length);
      const loss = (): number => { denseForward(s, x, w, b, y); return dot(y, dy); };
      const dx = nans(x.length);
      const dw = nans(w.length);
      const db = nans(b.length);
      denseBackward(s, x, w, dy, dx, dw, db);
      checkGrads('dense', loss, [
        { name: 'x', param: x, analytic: dx },
        { name: 'w', param: w, analytic: dw },
        { name: 'b', param: b, analytic: db },
      ]);
      const dw2 = nans(w.length);
      denseBackward(s, x, w, dy, null, dw2, null);
      expectClose(dw2, dw, { atol: 0, rtol: 0, label: 'dense dw with dx = db = null' });
    });
  });
});
