/**
 * The exported `referenceKernels` object (Float32Array, as training uses it) against
 * the same reference functions run in float64: every TrainKernels entry is wired up,
 * and float32 storage changes results only by float32 rounding.
 */
import { describe, it, expect } from 'vitest';
import { referenceKernels } from '../../../src/engine/kernels/reference.js';
import type { ConvShape, DepthwiseShape, PoolShape, TrainKernels } from '../../../src/engine/kernels/types.js';
import { expectClose } from '../../helpers/compare.js';
import { rng, type Rng } from '../../helpers/random.js';
import { samePad } from './gradcheck.js';

/** Makes a buffer of the precision under test from values (or zeros of a length). */
type Alloc = (src: number | ArrayLike<number>) => Float32Array;
/** Runs one kernel call and returns everything it wrote, scalars as one-element arrays. */
type Case = (k: TrainKernels, alloc: Alloc, r: Rng) => Array<ArrayLike<number>>;

const F32_TOL = { atol: 1e-6, rtol: 1e-5 };

/** float32-representable uniforms, so both precisions start from identical inputs. */
const vals = (r: Rng, n: number, lo = -1, hi = 1): number[] => Array.from({ length: n }, () => Math.fround(r.uniform(lo, hi)));

const sp = samePad(7, 3, 2);
const conv: ConvShape = { n: 2, h: 7, w: 7, cin: 3, kh: 3, kw: 3, cout: 4, strideH: 2, strideW: 2, padTop: sp.padBefore, padLeft: sp.padBefore, outH: sp.out, outW: sp.out };
const dw: DepthwiseShape = { n: 2, h: 7, w: 7, c: 3, multiplier: 2, kh: 3, kw: 3, strideH: 2, strideW: 2, padTop: sp.padBefore, padLeft: sp.padBefore, outH: sp.out, outW: sp.out };
const pool: PoolShape = { n: 2, h: 7, w: 7, c: 3, kh: 3, kw: 3, strideH: 2, strideW: 2, padTop: sp.padBefore, padLeft: sp.padBefore, outH: sp.out, outW: sp.out };
const convOut = conv.n * conv.outH * conv.outW * conv.cout;
const dwOut = dw.n * dw.outH * dw.outW * dw.c * dw.multiplier;
const poolIn = pool.n * pool.h * pool.w * pool.c;
const poolOut = pool.n * pool.outH * pool.outW * pool.c;
const bn = { rows: 50, c: 4, eps: 1e-3 };

const cases: Record<string, Case> = {
  conv2d: (k, a, r) => {
    const x = a(vals(r, 2 * 7 * 7 * 3)), w = a(vals(r, 3 * 3 * 3 * 4)), b = a(vals(r, 4)), dy = a(vals(r, convOut));
    const y = a(convOut), dx = a(x.length), dW = a(w.length), db = a(4);
    k.conv2dForward(conv, x, w, b, y);
    k.conv2dBackward(conv, x, w, dy, dx, dW, db);
    return [y, dx, dW, db];
  },
  depthwise: (k, a, r) => {
    const x = a(vals(r, 2 * 7 * 7 * 3)), w = a(vals(r, 3 * 3 * 6)), b = a(vals(r, 6)), dy = a(vals(r, dwOut));
    const y = a(dwOut), dx = a(x.length), dW = a(w.length), db = a(6);
    k.depthwiseForward(dw, x, w, b, y);
    k.depthwiseBackward(dw, x, w, dy, dx, dW, db);
    return [y, dx, dW, db];
  },
  dense: (k, a, r) => {
    const s = { n: 5, inF: 12, outF: 7 };
    const x = a(vals(r, 60)), w = a(vals(r, 84)), b = a(vals(r, 7)), dy = a(vals(r, 35));
    const y = a(35), dx = a(60), dW = a(84), db = a(7);
    k.denseForward(s, x, w, b, y);
    k.denseBackward(s, x, w, dy, dx, dW, db);
    return [y, dx, dW, db];
  },
  batchNorm: (k, a, r) => {
    const x = a(vals(r, 200, -2, 3)), gamma = a(vals(r, 4, 0.5, 1.5)), beta = a(vals(r, 4)), dy = a(vals(r, 200));
    const y = a(200), mean = a(4), invStd = a(4), runMean = a(vals(r, 4)), runVar = a(vals(r, 4, 0.5, 2));
    const yInfer = a(200), dx = a(200), dgamma = a(4), dbeta = a(4);
    k.batchNormTrain(bn, x, gamma, beta, y, mean, invStd, runMean, runVar, 0.99);
    k.batchNormInfer(bn, x, gamma, beta, runMean, runVar, yInfer);
    k.batchNormBackward(bn, x, gamma, dy, mean, invStd, dx, dgamma, dbeta);
    return [y, mean, invStd, runMean, runVar, yInfer, dx, dgamma, dbeta];
  },
  relu: (k, a, r) => {
    const x = a(vals(r, 100, -8, 8)), dy = a(vals(r, 100)), y = a(100), dx = a(100), y6 = a(100), dx6 = a(100);
    k.reluForward(x, y, Infinity);
    k.reluBackward(y, dy, dx, Infinity);
    k.reluForward(x, y6, 6);
    k.reluBackward(y6, dy, dx6, 6);
    return [y, dx, y6, dx6];
  },
  add: (k, a, r) => {
    const y = a(50);
    k.addForward(a(vals(r, 50)), a(vals(r, 50)), y);
    return [y];
  },
  pools: (k, a, r) => {
    const x = a(vals(r, poolIn)), dy = a(vals(r, poolOut));
    const yAvg = a(poolOut), dxAvg = a(poolIn), yMax = a(poolOut), dxMax = a(poolIn);
    k.avgPoolForward(pool, x, yAvg);
    k.avgPoolBackward(pool, dy, dxAvg);
    k.maxPoolForward(pool, x, yMax);
    k.maxPoolBackward(pool, x, dy, dxMax);
    return [yAvg, dxAvg, yMax, dxMax];
  },
  globalAvgPool: (k, a, r) => {
    const x = a(vals(r, 2 * 9 * 5)), dy = a(vals(r, 10)), y = a(10), dx = a(90);
    k.globalAvgPoolForward(2, 9, 5, x, y);
    k.globalAvgPoolBackward(2, 9, 5, dy, dx);
    return [y, dx];
  },
  dropout: (k, a, r) => {
    const x = a(vals(r, 100)), dy = a(vals(r, 100)), y = a(100), mask = a(100), dx = a(100);
    k.dropoutForward(x, y, mask, 0.3, 77);
    k.dropoutBackward(dy, mask, dx);
    return [y, mask, dx];
  },
  losses: (k, a, r) => {
    const logits = a(vals(r, 40, -4, 4)), labels = Int32Array.from({ length: 4 }, () => r.int(0, 9));
    const probs = a(40), dlogits = a(40), dpred = a(40), sm = a(40);
    const ce = k.softmaxCrossEntropy(4, 10, logits, labels, 0.1, probs, dlogits);
    const l2 = k.mse(logits, a(vals(r, 40)), dpred);
    k.softmax(4, 10, logits, sm);
    return [[ce], probs, dlogits, [l2], dpred, sm];
  },
  optimizers: (k, a, r) => {
    const g = a(vals(r, 20));
    const p1 = a(vals(r, 20)), m = a(20), v = a(20);
    for (let t = 1; t <= 3; t++) k.adamStep(p1, g, m, v, 1e-2, 0.9, 0.999, 1e-7, 0.01, t, t % 2 === 0);
    const p2 = a(vals(r, 20)), mom = a(vals(r, 20));
    k.sgdStep(p2, g, mom, 0.05, 0.9, 1e-4, true);
    const ss = k.sumSquares(g);
    const y = a(vals(r, 20));
    k.scale(y, 0.3);
    k.accumulate(g, y);
    return [p1, m, v, p2, mom, [ss], y];
  },
};

describe('referenceKernels (float32) agree with the float64 reference', () => {
  it('is named reference and implements every kernel', () => {
    expect(referenceKernels.name).toBe('reference');
    for (const [key, value] of Object.entries(referenceKernels)) {
      if (key !== 'name') expect(typeof value, key).toBe('function');
    }
  });

  Object.entries(cases).forEach(([name, run], i) => {
    it(name, () => {
      const f32: Alloc = (src) => (typeof src === 'number' ? new Float32Array(src) : Float32Array.from(src));
      // The reference functions are generic over Float32Array | Float64Array; TrainKernels types them as float32.
      const f64: Alloc = (src) => (typeof src === 'number' ? new Float64Array(src) : Float64Array.from(src)) as unknown as Float32Array;
      const single = run(referenceKernels, f32, rng(1000 + i));
      const double = run(referenceKernels, f64, rng(1000 + i));
      single.forEach((out, j) => expectClose(out, double[j], { ...F32_TOL, label: `${name} output ${j}` }));
    });
  });
});
