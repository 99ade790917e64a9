/**
 * One native conv2d against the float64 TypeScript reference on random data:
 * forward, then weight, bias and input gradients, with tolerances that scale
 * with the contraction length. Shared by the native kernel tests.
 */
import type { ConvShape, TrainKernels } from '../../src/engine/kernels/types.js';
import { expectClose } from './compare.js';
import type { Rng } from './random.js';

export const f32 = (n: number) => new Float32Array(n);
export const f64 = (n: number) => new Float64Array(n);
/** The reference kernels write float64 through the float32-typed interface. */
export const wide = (a: Float64Array) => a as unknown as Float32Array;
export const tol = (terms: number, label: string) => ({ atol: 2e-6 * Math.max(1, terms), rtol: 1e-4, label });

export function checkConv2d(nat: TrainKernels, ref: TrainKernels, s: ConvShape, r: Rng, name: string, bias = true) {
  const xl = s.n * s.h * s.w * s.cin, wl = s.kh * s.kw * s.cin * s.cout, yl = s.n * s.outH * s.outW * s.cout;
  const x = r.f32(xl), w = r.f32(wl), b = bias ? r.f32(s.cout) : null, dy = r.f32(yl);
  const K = s.kh * s.kw * s.cin, P = s.n * s.outH * s.outW;

  const yN = f32(yl).fill(NaN), yR = f64(yl);
  nat.conv2dForward(s, x, w, b, yN);
  ref.conv2dForward(s, x, w, b, wide(yR));
  expectClose(yN, yR, tol(K, `${name} y`));

  const dxN = f32(xl).fill(NaN), dwN = f32(wl).fill(NaN), dbN = f32(s.cout).fill(NaN);
  const dxR = f64(xl), dwR = f64(wl), dbR = f64(s.cout);
  nat.conv2dBackward(s, x, w, dy, dxN, dwN, dbN);
  ref.conv2dBackward(s, x, w, dy, wide(dxR), wide(dwR), wide(dbR));
  expectClose(dwN, dwR, tol(P, `${name} dw`));
  expectClose(dbN, dbR, tol(P, `${name} db`));
  expectClose(dxN, dxR, tol(s.cout * s.kh * s.kw, `${name} dx`));
  return { x, w, dy, dwN };
}
