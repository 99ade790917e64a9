/**
 * Native training kernels vs the TypeScript reference twins, on random shapes:
 * odd sizes, strides 1 and 2, 'same' (TensorFlow convention) and 'valid'
 * padding, batch 1, depthwise multipliers 1 and 2, channel counts that leave
 * SIMD tails, contractions longer than one GEMM block. The reference runs in
 * float64 on the same float32 inputs; tolerances scale with the contraction
 * length (atol) and the value (rtol). Needs the native build.
 */
import { describe, expect, it } from 'vitest';
import { nativeKernels, nativeLoadError, nativeThreads } from '../../src/engine/kernels/native.js';
import { referenceKernels } from '../../src/engine/kernels/reference.js';
import type { ConvShape, DepthwiseShape, PoolShape, TrainKernels } from '../../src/engine/kernels/types.js';
import { expectClose } from '../helpers/compare.js';
import { rng, type Rng } from '../helpers/random.js';
import { checkConv2d, f32, f64, tol, wide } from '../helpers/conv-check.js';

const ref = referenceKernels;

/** TensorFlow padding along one axis: 'same' → out = ceil(size/stride), padBefore = floor(total/2). */
function pad(size: number, k: number, stride: number, mode: 'same' | 'valid'): { out: number; before: number } {
  if (mode === 'valid') return { out: Math.floor((size - k) / stride) + 1, before: 0 };
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + k - size, 0);
  return { out, before: Math.floor(total / 2) };
}

/** Bit-for-bit equality (fast on large arrays, unlike toEqual). */
const same = (actual: ArrayLike<number>, expected: ArrayLike<number>, label: string) =>
  expectClose(actual, expected, { atol: 0, rtol: 0, label });

interface ConvCase { n: number; h: number; w: number; cin: number; kh: number; kw: number; cout: number; stride: [number, number]; mode: 'same' | 'valid'; bias?: boolean }

function convShape(c: ConvCase): ConvShape {
  const ph = pad(c.h, c.kh, c.stride[0], c.mode), pw = pad(c.w, c.kw, c.stride[1], c.mode);
  return { n: c.n, h: c.h, w: c.w, cin: c.cin, kh: c.kh, kw: c.kw, cout: c.cout, strideH: c.stride[0], strideW: c.stride[1], padTop: ph.before, padLeft: pw.before, outH: ph.out, outW: pw.out };
}

const conv2dCases: ConvCase[] = [
  { n: 1, h: 5, w: 7, cin: 3, kh: 3, kw: 3, cout: 5, stride: [1, 1], mode: 'same' },
  { n: 2, h: 9, w: 8, cin: 4, kh: 3, kw: 3, cout: 17, stride: [2, 2], mode: 'same' },
  { n: 3, h: 8, w: 8, cin: 16, kh: 3, kw: 3, cout: 16, stride: [1, 1], mode: 'same' },
  { n: 2, h: 11, w: 6, cin: 5, kh: 3, kw: 2, cout: 33, stride: [2, 1], mode: 'valid' },
  { n: 2, h: 13, w: 10, cin: 1, kh: 10, kw: 4, cout: 64, stride: [2, 2], mode: 'same' }, // ds-cnn stem
  { n: 2, h: 6, w: 5, cin: 24, kh: 1, kw: 1, cout: 40, stride: [1, 1], mode: 'same' }, // pointwise
  { n: 2, h: 7, w: 7, cin: 16, kh: 1, kw: 1, cout: 32, stride: [2, 2], mode: 'same' }, // resnet shortcut
  { n: 1, h: 4, w: 4, cin: 40, kh: 3, kw: 3, cout: 70, stride: [1, 1], mode: 'same', bias: false }, // K > one block
  { n: 4, h: 20, w: 20, cin: 8, kh: 3, kw: 3, cout: 16, stride: [1, 1], mode: 'same' }, // several weight chunks
  { n: 2, h: 7, w: 9, cin: 300, kh: 1, kw: 1, cout: 3, stride: [1, 1], mode: 'valid' }, // 1x1, K > KC, narrow
  { n: 1, h: 6, w: 6, cin: 2, kh: 5, kw: 5, cout: 7, stride: [2, 2], mode: 'same' }, // pad 2 on one side
];

describe.skipIf(nativeKernels === null)(nativeKernels ? 'native training kernels' : `native training kernels (not built: ${nativeLoadError})`, () => {
  const nat = nativeKernels as TrainKernels;

  describe('conv2d', () => {
    conv2dCases.forEach((c, ci) => {
      const s = convShape(c);
      const name = `#${ci} x(${s.n},${s.h},${s.w},${s.cin}) k${s.kh}x${s.kw} s${s.strideH}${s.strideW} ${c.mode} → (${s.outH},${s.outW},${s.cout})`;
      it(name, () => {
        const { x, w, dy, dwN } = checkConv2d(nat, ref, s, rng(100 + ci), name, c.bias !== false);

        const dw2 = f32(w.length);
        nat.conv2dBackward(s, x, w, dy, null, dw2, null); // dx, db optional
        same(dw2, dwN, 'dw2');
      });
    });
  });

  describe('depthwise_conv2d', () => {
    const cases: (Omit<ConvCase, 'cin' | 'cout'> & { c: number; m: number })[] = [
      { n: 1, h: 5, w: 7, c: 3, m: 1, kh: 3, kw: 3, stride: [1, 1], mode: 'same' },
      { n: 2, h: 9, w: 8, c: 16, m: 1, kh: 3, kw: 3, stride: [2, 2], mode: 'same' },
      { n: 2, h: 8, w: 7, c: 37, m: 1, kh: 3, kw: 3, stride: [1, 2], mode: 'valid' },
      { n: 3, h: 6, w: 6, c: 5, m: 2, kh: 3, kw: 3, stride: [1, 1], mode: 'same' },
      { n: 1, h: 7, w: 5, c: 9, m: 2, kh: 2, kw: 3, stride: [2, 2], mode: 'same', bias: false },
      { n: 2, h: 25, w: 5, c: 64, m: 1, kh: 3, kw: 3, stride: [1, 1], mode: 'same' }, // ds-cnn block
      { n: 2, h: 12, w: 12, c: 70, m: 1, kh: 5, kw: 5, stride: [2, 2], mode: 'same' },
      { n: 2, h: 9, w: 11, c: 70, m: 1, kh: 5, kw: 5, stride: [1, 1], mode: 'valid' },
      { n: 3, h: 6, w: 7, c: 8, m: 1, kh: 3, kw: 3, stride: [1, 1], mode: 'same' }, // mobilenet-like C = 8
      { n: 1, h: 4, w: 5, c: 3, m: 1, kh: 2, kw: 4, stride: [1, 1], mode: 'same' }, // even kernel, asymmetric pad
    ];
    cases.forEach((c, ci) => {
      const ph = pad(c.h, c.kh, c.stride[0], c.mode), pw = pad(c.w, c.kw, c.stride[1], c.mode);
      const s: DepthwiseShape = { n: c.n, h: c.h, w: c.w, c: c.c, multiplier: c.m, kh: c.kh, kw: c.kw, strideH: c.stride[0], strideW: c.stride[1], padTop: ph.before, padLeft: pw.before, outH: ph.out, outW: pw.out };
      const name = `#${ci} x(${s.n},${s.h},${s.w},${s.c}) ×${s.multiplier} k${s.kh}x${s.kw} s${s.strideH}${s.strideW} ${c.mode}`;
      it(name, () => {
        const r = rng(200 + ci);
        const oc = s.c * s.multiplier;
        const xl = s.n * s.h * s.w * s.c, wl = s.kh * s.kw * oc, yl = s.n * s.outH * s.outW * oc;
        const x = r.f32(xl), w = r.f32(wl), b = c.bias === false ? null : r.f32(oc), dy = r.f32(yl);
        const yN = f32(yl), yR = f64(yl);
        nat.depthwiseForward(s, x, w, b, yN);
        ref.depthwiseForward(s, x, w, b, wide(yR));
        expectClose(yN, yR, tol(s.kh * s.kw, `${name} y`));
        const dxN = f32(xl).fill(NaN), dwN = f32(wl).fill(NaN), dbN = f32(oc).fill(NaN);
        const dxR = f64(xl), dwR = f64(wl), dbR = f64(oc);
        nat.depthwiseBackward(s, x, w, dy, dxN, dwN, dbN);
        ref.depthwiseBackward(s, x, w, dy, wide(dxR), wide(dwR), wide(dbR));
        const P = s.n * s.outH * s.outW;
        expectClose(dwN, dwR, tol(P, `${name} dw`));
        expectClose(dbN, dbR, tol(P, `${name} db`));
        expectClose(dxN, dxR, tol(s.kh * s.kw * s.multiplier, `${name} dx`));
      });
    });
  });

  describe('dense', () => {
    const cases = [
      { n: 1, inF: 5, outF: 3 }, { n: 7, inF: 33, outF: 17 }, { n: 32, inF: 640, outF: 128 },
      { n: 33, inF: 128, outF: 8 }, { n: 5, inF: 300, outF: 300 }, { n: 300, inF: 3, outF: 65 },
    ];
    cases.forEach((s, ci) => {
      const name = `#${ci} (${s.n}×${s.inF}) → ${s.outF}`;
      it(name, () => {
        const r = rng(300 + ci);
        const x = r.f32(s.n * s.inF), w = r.f32(s.inF * s.outF), b = r.f32(s.outF), dy = r.f32(s.n * s.outF);
        const yN = f32(s.n * s.outF), yR = f64(s.n * s.outF);
        nat.denseForward(s, x, w, b, yN);
        ref.denseForward(s, x, w, b, wide(yR));
        expectClose(yN, yR, tol(s.inF, `${name} y`));
        const dxN = f32(s.n * s.inF), dwN = f32(s.inF * s.outF), dbN = f32(s.outF);
        const dxR = f64(s.n * s.inF), dwR = f64(s.inF * s.outF), dbR = f64(s.outF);
        nat.denseBackward(s, x, w, dy, dxN, dwN, dbN);
        ref.denseBackward(s, x, w, dy, wide(dxR), wide(dwR), wide(dbR));
        expectClose(dxN, dxR, tol(s.outF, `${name} dx`));
        expectClose(dwN, dwR, tol(s.n, `${name} dw`));
        expectClose(dbN, dbR, tol(s.n, `${name} db`));
      });
    });
  });

  describe('batch_norm', () => {
    const cases = [
      { rows: 1, c: 3 }, { rows: 3, c: 1 }, { rows: 130, c: 5 }, { rows: 1000, c: 16 }, { rows: 257, c: 70 },
    ];
    cases.forEach((s, ci) => {
      const name = `#${ci} (${s.rows}×${s.c})`;
      it(name, () => {
        const r = rng(400 + ci);
        const len = s.rows * s.c;
        // an offset mean per channel tests the cancellation-free statistics
        const x = Float32Array.from(r.f32(len), (v, i) => 3 * v + 10 * ((i % s.c) - 1));
        const gamma = r.f32(s.c, 0.5, 1.5), beta = r.f32(s.c), dy = r.f32(len);
        const shape = { rows: s.rows, c: s.c, eps: 1e-3 };
        const runN = [r.f32(s.c), r.f32(s.c, 0.5, 2)];
        const runR = [Float64Array.from(runN[0]), Float64Array.from(runN[1])];
        const yN = f32(len), mN = f32(s.c), iN = f32(s.c);
        const yR = f64(len), mR = f64(s.c), iR = f64(s.c);
        nat.batchNormTrain(shape, x, gamma, beta, yN, mN, iN, runN[0], runN[1], 0.99);
        ref.batchNormTrain(shape, x, gamma, beta, wide(yR), wide(mR), wide(iR), wide(runR[0]), wide(runR[1]), 0.99);
        expectClose(mN, mR, { atol: 1e-5, rtol: 1e-5, label: `${name} mean` });
        expectClose(iN, iR, { atol: 1e-5, rtol: 1e-4, label: `${name} invStd` });
        expectClose(yN, yR, { atol: 1e-4, rtol: 1e-4, label: `${name} y` });
        expectClose(runN[0], runR[0], { atol: 1e-5, rtol: 1e-5, label: `${name} runMean` });
        expectClose(runN[1], runR[1], { atol: 1e-5, rtol: 1e-4, label: `${name} runVar` });

        const dxN = f32(len), dgN = f32(s.c), dbN = f32(s.c);
        const dxR = f64(len), dgR = f64(s.c), dbR = f64(s.c);
        nat.batchNormBackward(shape, x, gamma, dy, mN, iN, dxN, dgN, dbN);
        ref.batchNormBackward(shape, x, gamma, dy, mN, iN, wide(dxR), wide(dgR), wide(dbR));
        expectClose(dbN, dbR, tol(s.rows, `${name} dbeta`));
        expectClose(dgN, dgR, tol(s.rows, `${name} dgamma`));
        expectClose(dxN, dxR, { atol: 1e-4, rtol: 1e-3, label: `${name} dx` });

        const yiN = f32(len), yiR = f64(len);
        nat.batchNormInfer(shape, x, gamma, beta, runN[0], runN[1], yiN);
        ref.batchNormInfer(shape, x, gamma, beta, runN[0], runN[1], wide(yiR));
        expectClose(yiN, yiR, { atol: 1e-4, rtol: 1e-4, label: `${name} infer` });
      });
    });
  });

  describe('pools', () => {
    const cases: { n: number; h: number; w: number; c: number; k: [number, number]; s: [number, number]; mode: 'same' | 'valid' }[] = [
      { n: 2, h: 25, w: 5, c: 64, k: [25, 5], s: [25, 5], mode: 'valid' },
      { n: 1, h: 7, w: 6, c: 3, k: [2, 2], s: [2, 2], mode: 'same' },
      { n: 2, h: 8, w: 9, c: 17, k: [3, 3], s: [1, 1], mode: 'same' },
      { n: 3, h: 9, w: 9, c: 5, k: [3, 2], s: [2, 1], mode: 'valid' },
      { n: 1, h: 5, w: 5, c: 20, k: [3, 3], s: [2, 2], mode: 'same' },
    ];
    cases.forEach((c, ci) => {
      const ph = pad(c.h, c.k[0], c.s[0], c.mode), pw = pad(c.w, c.k[1], c.s[1], c.mode);
      const s: PoolShape = { n: c.n, h: c.h, w: c.w, c: c.c, kh: c.k[0], kw: c.k[1], strideH: c.s[0], strideW: c.s[1], padTop: ph.before, padLeft: pw.before, outH: ph.out, outW: pw.out };
      const name = `#${ci} x(${s.n},${s.h},${s.w},${s.c}) pool ${s.kh}x${s.kw} s${s.strideH}${s.strideW} ${c.mode}`;
      it(name, () => {
        const r = rng(500 + ci);
        const xl = s.n * s.h * s.w * s.c, yl = s.n * s.outH * s.outW * s.c;
        // few distinct values: ties exercise "first maximal tap"
        const x = Float32Array.from({ length: xl }, () => r.int(-4, 4) / 4);
        const dy = r.f32(yl);
        for (const kind of ['avg', 'max'] as const) {
          const yN = f32(yl), yR = f64(yl), dxN = f32(xl).fill(NaN), dxR = f64(xl);
          if (kind === 'avg') {
            nat.avgPoolForward(s, x, yN); ref.avgPoolForward(s, x, wide(yR));
            nat.avgPoolBackward(s, dy, dxN); ref.avgPoolBackward(s, dy, wide(dxR));
          } else {
            nat.maxPoolForward(s, x, yN); ref.maxPoolForward(s, x, wide(yR));
            nat.maxPoolBackward(s, x, dy, dxN); ref.maxPoolBackward(s, x, dy, wide(dxR));
          }
          expectClose(yN, yR, tol(s.kh * s.kw, `${name} ${kind} y`));
          expectClose(dxN, dxR, tol(s.kh * s.kw, `${name} ${kind} dx`));
        }
      });
    });

    it('global average pool', () => {
      const r = rng(550);
      for (const [n, hw, c] of [[1, 9, 3], [5, 64, 64], [3, 7, 17]]) {
        const x = r.f32(n * hw * c), dy = r.f32(n * c);
        const yN = f32(n * c), yR = f64(n * c), dxN = f32(n * hw * c), dxR = f64(n * hw * c);
        nat.globalAvgPoolForward(n, hw, c, x, yN); ref.globalAvgPoolForward(n, hw, c, x, wide(yR));
        nat.globalAvgPoolBackward(n, hw, c, dy, dxN); ref.globalAvgPoolBackward(n, hw, c, dy, wide(dxR));
        expectClose(yN, yR, tol(hw, `gap ${n}×${hw}×${c} y`));
        expectClose(dxN, dxR, tol(1, `gap ${n}×${hw}×${c} dx`));
      }
    });
  });

  describe('element-wise', () => {
    const r = rng(600);
    const len = 100_003; // large enough to split across threads, odd tail
    const x = r.f32(len, -8, 8), dy = r.f32(len);

    it('relu and relu6, forward and backward, also in place', () => {
      for (const cap of [Infinity, 6]) {
        const yN = f32(len), yR = f32(len);
        nat.reluForward(x, yN, cap); ref.reluForward(x, yR, cap);
        same(yN, yR, 'yN');
        const dxN = f32(len), dxR = f32(len);
        nat.reluBackward(yN, dy, dxN, cap); ref.reluBackward(yR, dy, dxR, cap);
        same(dxN, dxR, 'dxN');
        const inPlace = Float32Array.from(x);
        nat.reluForward(inPlace, inPlace, cap);
        same(inPlace, yR, 'inPlace');
        const g = Float32Array.from(dy);
        nat.reluBackward(yN, g, g, cap);
        same(g, dxR, 'g');
      }
    });

    it('add, scale, accumulate are exact', () => {
      const b = r.f32(len);
      const yN = f32(len), yR = f32(len);
      nat.addForward(x, b, yN); ref.addForward(x, b, yR);
      same(yN, yR, 'yN');
      const sN = Float32Array.from(x), sR = Float32Array.from(x);
      nat.scale(sN, 0.37); ref.scale(sR, 0.37);
      same(sN, sR, 'sN');
      const aN = Float32Array.from(b), aR = Float32Array.from(b);
      nat.accumulate(x, aN); ref.accumulate(x, aR);
      same(aN, aR, 'aN');
    });

    it('dropout masks are identical to the reference (counter hash)', () => {
      for (const [rate, seed] of [[0.2, 1], [0.5, 0xdeadbeef], [0.9, 12345], [0, 7]] as const) {
        const yN = f32(len), mN = f32(len), yR = f32(len), mR = f32(len);
        nat.dropoutForward(x, yN, mN, rate, seed); ref.dropoutForward(x, yR, mR, rate, seed);
        same(mN, mR, 'mN');
        same(yN, yR, 'yN');
        const dxN = f32(len), dxR = f32(len);
        nat.dropoutBackward(dy, mN, dxN); ref.dropoutBackward(dy, mR, dxR);
        same(dxN, dxR, 'dxN');
      }
    });

    it('sumSquares', () => {
      expect(Math.abs(nat.sumSquares(x) / ref.sumSquares(x) - 1)).toBeLessThan(1e-6);
    });
  });

  describe('losses', () => {
    it('softmax cross-entropy with and without label smoothing', () => {
      const r = rng(700);
      for (const [n, k, eps] of [[1, 2, 0], [32, 12, 0], [7, 10, 0.1]]) {
        const logits = r.f32(n * k, -5, 5);
        const labels = Int32Array.from({ length: n }, () => r.int(0, k - 1));
        const pN = f32(n * k), dN = f32(n * k), pR = f64(n * k), dR = f64(n * k);
        const lN = nat.softmaxCrossEntropy(n, k, logits, labels, eps, pN, dN);
        const lR = ref.softmaxCrossEntropy(n, k, logits, labels, eps, wide(pR), wide(dR));
        expect(Math.abs(lN - lR)).toBeLessThan(1e-5 * Math.max(1, Math.abs(lR)));
        expectClose(pN, pR, { atol: 1e-7, rtol: 1e-5, label: 'probs' });
        expectClose(dN, dR, { atol: 1e-7, rtol: 1e-5, label: 'dlogits' });
      }
    });

    it('softmax (also in place) and mse', () => {
      const r = rng(701);
      const x = r.f32(6 * 5, -3, 3);
      const yN = f32(30), yR = f64(30);
      nat.softmax(6, 5, x, yN); ref.softmax(6, 5, x, wide(yR));
      expectClose(yN, yR, { atol: 1e-7, rtol: 1e-5, label: 'softmax' });
      const inPlace = Float32Array.from(x);
      nat.softmax(6, 5, inPlace, inPlace);
      same(inPlace, yN, 'inPlace');
      const pred = r.f32(32 * 640), target = r.f32(32 * 640);
      const dN = f32(pred.length), dR = f64(pred.length);
      const lN = nat.mse(pred, target, dN), lR = ref.mse(pred, target, wide(dR));
      expect(Math.abs(lN - lR)).toBeLessThan(1e-5 * lR);
      expectClose(dN, dR, { atol: 1e-9, rtol: 1e-5, label: 'dpred' });
    });
  });

  describe('optimizers', () => {
    const r = rng(800);
    const len = 70_001;
    const init = () => ({ p: r.f32(len), g: r.f32(len), m: r.f32(len, -0.1, 0.1), v: r.f32(len, 0, 0.1) });

    for (const decoupled of [false, true]) {
      it(`adam (decoupled=${decoupled}) over three steps`, () => {
        const a = init();
        const b = { p: Float32Array.from(a.p), g: a.g, m: Float32Array.from(a.m), v: Float32Array.from(a.v) };
        for (let t = 1; t <= 3; t++) {
          nat.adamStep(a.p, a.g, a.m, a.v, 1e-2, 0.9, 0.999, 1e-7, 1e-2, t, decoupled);
          ref.adamStep(b.p, b.g, b.m, b.v, 1e-2, 0.9, 0.999, 1e-7, 1e-2, t, decoupled);
        }
        expectClose(a.m, b.m, { atol: 1e-7, rtol: 1e-5, label: 'm' });
        expectClose(a.v, b.v, { atol: 1e-8, rtol: 1e-5, label: 'v' });
        expectClose(a.p, b.p, { atol: 1e-6, rtol: 1e-5, label: 'p' });
      });
    }

    for (const nesterov of [false, true]) {
      it(`sgd momentum (nesterov=${nesterov})`, () => {
        const a = init();
        const b = { p: Float32Array.from(a.p), v: Float32Array.from(a.v) };
        for (let t = 0; t < 3; t++) {
          nat.sgdStep(a.p, a.g, a.v, 0.05, 0.9, 1e-3, nesterov);
          ref.sgdStep(b.p, a.g, b.v, 0.05, 0.9, 1e-3, nesterov);
        }
        expectClose(a.v, b.v, { atol: 1e-6, rtol: 1e-5, label: 'v' });
        expectClose(a.p, b.p, { atol: 1e-6, rtol: 1e-5, label: 'p' });
      });
    }
  });

  describe('determinism', () => {
    it('gives bit-identical results run to run and with 1 or 2 threads', () => {
      const s = convShape({ n: 8, h: 16, w: 16, cin: 16, kh: 3, kw: 3, cout: 32, stride: [1, 1], mode: 'same' });
      const r = rng(900);
      const x = r.f32(s.n * s.h * s.w * s.cin), w = r.f32(s.kh * s.kw * s.cin * s.cout), dy = r.f32(s.n * s.outH * s.outW * s.cout);
      const bnX = r.f32(4096 * 32);
      const run = () => {
        const dx = f32(x.length), dw = f32(w.length), db = f32(s.cout);
        nat.conv2dBackward(s, x, w, dy, dx, dw, db);
        const y = f32(bnX.length), m = f32(32), i = f32(32);
        nat.batchNormTrain({ rows: 4096, c: 32, eps: 1e-3 }, bnX, f32(32).fill(1), f32(32), y, m, i, f32(32), f32(32).fill(1), 0.9);
        return [dx, dw, db, y, m, i, Float32Array.of(nat.sumSquares(bnX))];
      };
      const before = nativeThreads() as number;
      try {
        const a = run(), b = run();
        nativeThreads(1);
        const c = run();
        a.forEach((v, i) => {
          same(b[i], v, 'b[i]');
          same(c[i], v, 'c[i]');
        });
      } finally {
        nativeThreads(before);
      }
    });
  });

  it('rejects a buffer that is too short with a RangeError naming the argument', () => {
    const s = convShape({ n: 1, h: 4, w: 4, cin: 2, kh: 3, kw: 3, cout: 2, stride: [1, 1], mode: 'same' });
    expect(() => nat.conv2dForward(s, f32(31), f32(36), null, f32(32))).toThrow(/conv2dForward: argument 13 has 31 elements, expected 32/);
    expect(() => nat.reluForward(f32(4), new Float64Array(4) as unknown as Float32Array, 6)).toThrow(/Float32Array/);
  });
});
