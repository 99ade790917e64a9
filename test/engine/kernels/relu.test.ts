import { describe, it, expect } from 'vitest';
import { reluBackward, reluForward } from '../../../src/engine/kernels/relu.js';
import { rng } from '../../helpers/random.js';
import { checkGrads, dot, nans } from './gradcheck.js';

/** Uniform values in [-8, 8] at least `margin` away from the kinks at 0 and 6. */
function awayFromKinks(n: number, seed: number, margin = 1e-3): Float64Array {
  const r = rng(seed);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = r.uniform(-8, 8);
    while (Math.abs(v) < margin || Math.abs(v - 6) < margin) v = r.uniform(-8, 8);
    x[i] = v;
  }
  return x;
}

describe('relu / relu6 reference', () => {
  it('clamps to [0, cap]', () => {
    const x = Float64Array.from([-3, -0, 0.5, 6, 7.5, 1e9]);
    const y = new Float64Array(6);
    reluForward(x, y, Infinity);
    expect(Array.from(y)).toEqual([0, 0, 0.5, 6, 7.5, 1e9]);
    reluForward(x, y, 6);
    expect(Array.from(y)).toEqual([0, 0, 0.5, 6, 6, 6]);
  });

  it('passes the gradient only where 0 < y < cap (0 at the kinks)', () => {
    const y = Float64Array.from([0, 0.5, 6, 7]);
    const dy = Float64Array.from([1, 2, 3, 4]);
    const dx = nans(4);
    reluBackward(y, dy, dx, 6);
    expect(Array.from(dx)).toEqual([0, 2, 0, 0]);
    reluBackward(y, dy, dx, Infinity);
    expect(Array.from(dx)).toEqual([0, 2, 3, 4]);
  });

  it('runs in place (y === x, dx === dy)', () => {
    const x = Float64Array.from([-1, 2, 9]);
    reluForward(x, x, 6);
    expect(Array.from(x)).toEqual([0, 2, 6]);
    const g = Float64Array.from([5, 5, 5]);
    reluBackward(x, g, g, 6);
    expect(Array.from(g)).toEqual([0, 5, 0]);
  });

  for (const cap of [Infinity, 6]) {
    it(`gradient check, cap ${cap} (inputs away from the kinks)`, () => {
      const x = awayFromKinks(257, cap === 6 ? 501 : 500);
      const y = new Float64Array(x.length);
      const dy = rng(502).f64(x.length);
      const loss = (): number => { reluForward(x, y, cap); return dot(y, dy); };
      loss();
      const dx = nans(x.length);
      reluBackward(y, dy, dx, cap);
      checkGrads(`relu cap ${cap}`, loss, [{ name: 'x', param: x, analytic: dx }]);
    });
  }
});
