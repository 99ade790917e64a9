import { describe, it, expect } from 'vitest';
import { batchNormBackward, batchNormInfer, batchNormTrain } from '../../../src/engine/kernels/batch_norm.js';
import type { BatchNormShape } from '../../../src/engine/kernels/types.js';
import { expectClose } from '../../helpers/compare.js';
import { rng } from '../../helpers/random.js';
import { checkGrads, dot, nans } from './gradcheck.js';

describe('batch norm reference, training mode', () => {
  it('normalizes with the biased batch variance and updates running stats with the unbiased one', () => {
    // one channel, rows = 4: mean 3, biased var 14/4 = 3.5, unbiased var 14/3
    const s: BatchNormShape = { rows: 4, c: 1, eps: 1e-3 };
    const x = Float64Array.from([1, 2, 3, 6]);
    const y = new Float64Array(4);
    const saveMean = new Float64Array(1);
    const saveInvStd = new Float64Array(1);
    const runMean = Float64Array.of(0.5);
    const runVar = Float64Array.of(2);
    batchNormTrain(s, x, Float64Array.of(2), Float64Array.of(1), y, saveMean, saveInvStd, runMean, runVar, 0.9);
    const invStd = 1 / Math.sqrt(3.5 + 1e-3);
    expect(saveMean[0]).toBe(3);
    expect(saveInvStd[0]).toBeCloseTo(invStd, 14);
    expectClose(y, [1 - 4 * invStd, 1 - 2 * invStd, 1, 1 + 6 * invStd], { atol: 1e-14, rtol: 1e-14, label: 'bn y' });
    expect(runMean[0]).toBeCloseTo(0.9 * 0.5 + 0.1 * 3, 14);
    expect(runVar[0]).toBeCloseTo(0.9 * 2 + 0.1 * (14 / 3), 14);
  });

  it('keeps channels independent (x viewed as (rows, C))', () => {
    const s: BatchNormShape = { rows: 3, c: 2, eps: 0 };
    const x = Float64Array.from([1, 100, 2, 200, 3, 600]); // channel 0: 1,2,3; channel 1: 100,200,600
    const saveMean = new Float64Array(2);
    const saveInvStd = new Float64Array(2);
    batchNormTrain(s, x, Float64Array.of(1, 1), Float64Array.of(0, 0), new Float64Array(6),
      saveMean, saveInvStd, new Float64Array(2), new Float64Array(2), 0.5);
    expectClose(saveMean, [2, 300], { atol: 1e-12, rtol: 1e-12, label: 'bn means' });
    expectClose(saveInvStd, [1 / Math.sqrt(2 / 3), 1 / Math.sqrt(140000 / 3)], { atol: 1e-12, rtol: 1e-12, label: 'bn invStd' });
  });

  it('with rows = 1 the running variance takes the biased variance (0), not NaN', () => {
    const runVar = Float64Array.of(1);
    batchNormTrain({ rows: 1, c: 1, eps: 1e-5 }, Float64Array.of(3), Float64Array.of(1), Float64Array.of(0),
      new Float64Array(1), new Float64Array(1), new Float64Array(1), new Float64Array(1), runVar, 0.9);
    expect(runVar[0]).toBeCloseTo(0.9, 14);
  });

  it('inference with the batch statistics as running stats equals the training output', () => {
    const r = rng(400);
    const s: BatchNormShape = { rows: 10, c: 3, eps: 1e-5 };
    const x = r.f64(30, -2, 3);
    const gamma = r.f64(3, 0.5, 1.5);
    const beta = r.f64(3);
    const yTrain = new Float64Array(30);
    const saveMean = new Float64Array(3);
    const saveInvStd = new Float64Array(3);
    batchNormTrain(s, x, gamma, beta, yTrain, saveMean, saveInvStd, new Float64Array(3), new Float64Array(3), 0.99);
    const biasedVar = Float64Array.from(saveInvStd, (v) => 1 / (v * v) - s.eps);
    const yInfer = new Float64Array(30);
    batchNormInfer(s, x, gamma, beta, saveMean, biasedVar, yInfer);
    expectClose(yInfer, yTrain, { atol: 1e-12, rtol: 1e-10, label: 'bn infer vs train' });
  });
});

describe('batch norm reference backward: finite-difference gradient checks', () => {
  const shapes: BatchNormShape[] = [
    { rows: 2, c: 1, eps: 1e-5 },
    { rows: 7, c: 3, eps: 1e-3 },
    { rows: 2 * 5 * 5, c: 4, eps: 1e-5 }, // (N=2, H=5, W=5, C=4)
    { rows: 1 * 3 * 3, c: 5, eps: 1e-3 },
  ];
  shapes.forEach((s, i) => {
    it(`rows${s.rows} c${s.c} eps${s.eps}`, () => {
      const r = rng(410 + i);
      const x = r.f64(s.rows * s.c, -2, 2);
      const gamma = r.f64(s.c, 0.5, 2);
      const beta = r.f64(s.c);
      const y = new Float64Array(x.length);
      const dy = r.f64(y.length);
      const saveMean = new Float64Array(s.c);
      const saveInvStd = new Float64Array(s.c);
      const runMean = new Float64Array(s.c);
      const runVar = new Float64Array(s.c);
      const forward = (): void => batchNormTrain(s, x, gamma, beta, y, saveMean, saveInvStd, runMean, runVar, 0.9);
      const loss = (): number => { forward(); return dot(y, dy); };
      forward();
      const dx = nans(x.length);
      const dgamma = nans(s.c);
      const dbeta = nans(s.c);
      batchNormBackward(s, x, gamma, dy, saveMean, saveInvStd, dx, dgamma, dbeta);
      checkGrads('batch norm', loss, [
        { name: 'x', param: x, analytic: dx },
        { name: 'gamma', param: gamma, analytic: dgamma },
        { name: 'beta', param: beta, analytic: dbeta },
      ]);
    });
  });
});
