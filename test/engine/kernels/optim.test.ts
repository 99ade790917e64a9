import { describe, it, expect } from 'vitest';
import { accumulate, adamStep, scale, sgdStep, sumSquares } from '../../../src/engine/kernels/optim.js';
import { expectClose } from '../../helpers/compare.js';

// Expected values below were computed by hand-written scalar Python (float64) from the
// formulas in optim.ts, independently of this implementation.
const TIGHT = { atol: 1e-15, rtol: 1e-13 };
const f64 = (...v: number[]): Float64Array => Float64Array.from(v);

describe('adamStep reference', () => {
  const lr = 0.01;
  const beta1 = 0.9;
  const beta2 = 0.999;
  const eps = 1e-8;

  it('applies bias-corrected Adam over two steps', () => {
    const p = f64(1, -2, 0.5);
    const m = f64(0, 0, 0);
    const v = f64(0, 0, 0);
    adamStep(p, f64(0.1, -0.2, 0.3), m, v, lr, beta1, beta2, eps, 0, 1, false);
    // t = 1: mhat = g, vhat = g², so each parameter moves by lr·g/(|g| + eps)
    expectClose(m, [0.01, -0.02, 0.03], { ...TIGHT, label: 'm after t=1' });
    expectClose(v, [1e-5, 4e-5, 9e-5], { ...TIGHT, label: 'v after t=1' });
    expectClose(p, [0.9900000009999999, -1.9900000005, 0.4900000003333333], { ...TIGHT, label: 'p after t=1' });
    adamStep(p, f64(0.2, 0.1, -0.3), m, v, lr, beta1, beta2, eps, 0, 2, false);
    expectClose(m, [0.029, -0.008, -0.003], { ...TIGHT, label: 'm after t=2' });
    expectClose(v, [4.999e-5, 4.996e-5, 1.7991e-4], { ...TIGHT, label: 'v after t=2' });
    expectClose(p, [0.9803481813521252, -1.9873366302718676, 0.4905263161052631], { ...TIGHT, label: 'p after t=2' });
  });

  it('AdamW decays the parameter directly: p -= lr·wd·p', () => {
    const p = f64(1, -2, 0.5);
    const g = f64(0.1, -0.2, 0.3);
    adamStep(p, g, f64(0, 0, 0), f64(0, 0, 0), lr, beta1, beta2, eps, 0.1, 1, true);
    expectClose(p, [0.9890000009999999, -1.9880000005, 0.4895000003333333], { ...TIGHT, label: 'AdamW p' });
    expect(Array.from(g)).toEqual([0.1, -0.2, 0.3]);
  });

  it('Adam with L2 adds wd·p to the gradient (g untouched)', () => {
    const p = f64(1, -2, 0.5);
    const g = f64(0.1, -0.2, 0.3);
    const m = f64(0, 0, 0);
    adamStep(p, g, m, f64(0, 0, 0), lr, beta1, beta2, eps, 0.1, 1, false);
    expectClose(m, [0.02, -0.04, 0.035], { ...TIGHT, label: 'Adam L2 m (g + wd·p = 0.2, -0.4, 0.35)' });
    expectClose(p, [0.9900000004999999, -1.99000000025, 0.4900000002857143], { ...TIGHT, label: 'Adam L2 p' });
    expect(Array.from(g)).toEqual([0.1, -0.2, 0.3]);
  });
});

describe('sgdStep reference', () => {
  // p = (1, -2), g = (0.5, 0.25), v = (0.1, -0.1), lr 0.1, μ 0.9, wd 0.01
  // g + wd·p = (0.51, 0.23); v = μv + g + wd·p = (0.6, 0.14)
  it('momentum: p -= lr·v', () => {
    const p = f64(1, -2);
    const v = f64(0.1, -0.1);
    sgdStep(p, f64(0.5, 0.25), v, 0.1, 0.9, 0.01, false);
    expectClose(v, [0.6, 0.14], { ...TIGHT, label: 'sgd v' });
    expectClose(p, [0.94, -2.014], { ...TIGHT, label: 'sgd p' });
  });

  it('Nesterov: p -= lr·(g + wd·p + μ·v)', () => {
    const p = f64(1, -2);
    const v = f64(0.1, -0.1);
    sgdStep(p, f64(0.5, 0.25), v, 0.1, 0.9, 0.01, true);
    expectClose(v, [0.6, 0.14], { ...TIGHT, label: 'nesterov v' });
    expectClose(p, [1 - 0.1 * (0.51 + 0.54), -2 - 0.1 * (0.23 + 0.126)], { ...TIGHT, label: 'nesterov p' });
  });

  it('plain SGD when μ = 0 and wd = 0', () => {
    const p = f64(1, 2, 3);
    sgdStep(p, f64(1, -1, 0.5), f64(0, 0, 0), 0.5, 0, 0, false);
    expect(Array.from(p)).toEqual([0.5, 2.5, 2.75]);
  });
});

describe('vector helpers', () => {
  it('sumSquares, scale, accumulate', () => {
    expect(sumSquares(f64(3, -4, 0.5))).toBe(25.25);
    expect(sumSquares(f64())).toBe(0);
    const x = f64(1, -2, 4);
    scale(x, 0.5);
    expect(Array.from(x)).toEqual([0.5, -1, 2]);
    const y = f64(10, 20, 30);
    accumulate(x, y);
    expect(Array.from(y)).toEqual([10.5, 19, 32]);
    expect(Array.from(x)).toEqual([0.5, -1, 2]);
  });
});
