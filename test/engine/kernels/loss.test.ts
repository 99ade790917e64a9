import { describe, it, expect } from 'vitest';
import { mse, softmax, softmaxCrossEntropy } from '../../../src/engine/kernels/loss.js';
import { expectClose } from '../../helpers/compare.js';
import { rng } from '../../helpers/random.js';
import { checkGrads, nans } from './gradcheck.js';

describe('softmax reference', () => {
  it('gives rows that sum to 1, is shift invariant and stable for large logits', () => {
    const x = Float64Array.from([1, 2, 3, 1001, 1002, 1003, -1000, 0, 1000]);
    const y = new Float64Array(9);
    softmax(3, 3, x, y);
    const e = [Math.exp(-2), Math.exp(-1), 1];
    const z = e[0] + e[1] + e[2];
    const row = e.map((v) => v / z);
    expectClose(y, [...row, ...row, 0, 0, 1], { atol: 1e-15, rtol: 1e-12, label: 'softmax' });
  });

  it('runs in place', () => {
    const x = Float64Array.from([0, Math.log(3)]);
    softmax(1, 2, x, x);
    expectClose(x, [0.25, 0.75], { atol: 1e-15, rtol: 1e-14, label: 'softmax in place' });
  });
});

describe('softmax cross-entropy reference', () => {
  it('matches a hand-computed loss, probabilities and gradient', () => {
    // logits (2, 3), labels [2, 0], smoothing 0.1 → targets (1-0.1)·onehot + 0.1/3
    const logits = Float64Array.from([0, 0, Math.log(2), Math.log(4), 0, 0]);
    const probs = new Float64Array(6);
    const dlogits = nans(6);
    const loss = softmaxCrossEntropy(2, 3, logits, Int32Array.from([2, 0]), 0.1, probs, dlogits);
    const p = [0.25, 0.25, 0.5, 4 / 6, 1 / 6, 1 / 6];
    const t = [0.1 / 3, 0.1 / 3, 0.9 + 0.1 / 3, 0.9 + 0.1 / 3, 0.1 / 3, 0.1 / 3];
    const expected = -t.reduce((acc, ti, j) => acc + ti * Math.log(p[j]), 0) / 2;
    expect(loss).toBeCloseTo(expected, 13);
    expectClose(probs, p, { atol: 1e-15, rtol: 1e-13, label: 'probs' });
    expectClose(dlogits, p.map((pj, j) => (pj - t[j]) / 2), { atol: 1e-15, rtol: 1e-13, label: 'dlogits' });
  });

  it('without smoothing the loss is the mean of -log p[label]', () => {
    const logits = Float64Array.from([2, -1, 0.5, 0.3]);
    const probs = new Float64Array(4);
    const loss = softmaxCrossEntropy(2, 2, logits, Int32Array.from([0, 1]), 0, probs, new Float64Array(4));
    expect(loss).toBeCloseTo(-(Math.log(probs[0]) + Math.log(probs[3])) / 2, 14);
  });

  it('stays finite for logits far apart', () => {
    const logits = Float64Array.from([1000, -1000]);
    const loss = softmaxCrossEntropy(1, 2, logits, Int32Array.from([1]), 0, new Float64Array(2), new Float64Array(2));
    expect(loss).toBe(2000);
  });

  for (const smoothing of [0, 0.1]) {
    for (const [n, k] of [[1, 2], [4, 5], [3, 10]]) {
      it(`gradient check n${n} k${k} smoothing ${smoothing}`, () => {
        const r = rng(900 + n * 10 + k);
        const logits = r.f64(n * k, -3, 3);
        const labels = Int32Array.from({ length: n }, () => r.int(0, k - 1));
        const probs = new Float64Array(n * k);
        const scratch = new Float64Array(n * k);
        const loss = (): number => softmaxCrossEntropy(n, k, logits, labels, smoothing, probs, scratch);
        const dlogits = nans(n * k);
        softmaxCrossEntropy(n, k, logits, labels, smoothing, probs, dlogits);
        checkGrads(`softmax CE ε=${smoothing}`, loss, [{ name: 'logits', param: logits, analytic: dlogits }]);
      });
    }
  }
});

describe('mse reference', () => {
  it('averages over all N·F elements', () => {
    const dpred = nans(4);
    const loss = mse(Float64Array.from([1, 2, 3, 4]), Float64Array.from([0, 2, 5, 4]), dpred);
    expect(loss).toBe((1 + 0 + 4 + 0) / 4);
    expect(Array.from(dpred)).toEqual([0.5, 0, -1, 0]);
  });

  it('gradient check', () => {
    const r = rng(950);
    const pred = r.f64(3 * 7);
    const target = r.f64(3 * 7);
    const scratch = new Float64Array(21);
    const dpred = nans(21);
    mse(pred, target, dpred);
    checkGrads('mse', () => mse(pred, target, scratch), [{ name: 'pred', param: pred, analytic: dpred }]);
  });
});
