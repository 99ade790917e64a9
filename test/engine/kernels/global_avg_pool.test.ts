import { describe, it, expect } from 'vitest';
import { globalAvgPoolBackward, globalAvgPoolForward } from '../../../src/engine/kernels/global_avg_pool.js';
import { avgPoolForward } from '../../../src/engine/kernels/pool.js';
import { expectClose } from '../../helpers/compare.js';
import { rng } from '../../helpers/random.js';
import { checkGrads, dot, nans } from './gradcheck.js';

describe('global average pool reference', () => {
  it('averages over HW per (n, c)', () => {
    // x: (2, HW=2, C=2)
    const y = new Float64Array(4);
    globalAvgPoolForward(2, 2, 2, Float64Array.from([1, 10, 3, 30, -1, 0, -3, 4]), y);
    expect(Array.from(y)).toEqual([2, 20, -2, 2]);
  });

  it('equals an HxW valid average pool', () => {
    const r = rng(700);
    const [n, h, w, c] = [2, 5, 3, 4];
    const x = r.f64(n * h * w * c);
    const yGap = new Float64Array(n * c);
    const yPool = new Float64Array(n * c);
    globalAvgPoolForward(n, h * w, c, x, yGap);
    avgPoolForward({ n, h, w, c, kh: h, kw: w, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, outH: 1, outW: 1 }, x, yPool);
    expectClose(yGap, yPool, { atol: 1e-12, rtol: 1e-12, label: 'gap vs avg pool' });
  });

  for (const [n, hw, c] of [[1, 1, 3], [1, 49, 2], [3, 10, 5]]) {
    it(`gradient check n${n} hw${hw} c${c}`, () => {
      const r = rng(710 + n * 100 + hw);
      const x = r.f64(n * hw * c);
      const y = new Float64Array(n * c);
      const dy = r.f64(n * c);
      const loss = (): number => { globalAvgPoolForward(n, hw, c, x, y); return dot(y, dy); };
      const dx = nans(x.length);
      globalAvgPoolBackward(n, hw, c, dy, dx);
      checkGrads('global avg pool', loss, [{ name: 'x', param: x, analytic: dx }]);
    });
  }
});
