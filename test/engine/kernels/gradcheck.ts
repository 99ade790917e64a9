/**
 * Shared pieces of the reference-kernel tests: central finite differences in
 * float64, TensorFlow 'same'/'valid' padding, random window geometries, and
 * NaN-filled output buffers (which prove a backward kernel overwrites its outputs).
 */
import { expectClose } from '../../helpers/compare.js';
import type { Rng } from '../../helpers/random.js';

/** Tolerance for analytic vs central-difference gradients in float64 with eps = 1e-6. */
export const GRAD_TOL = { atol: 1e-7, rtol: 1e-6 };
export const FD_EPS = 1e-6;

/** d loss / d param by central differences; param is perturbed in place and restored. */
export function numericGrad(loss: () => number, param: Float64Array, eps = FD_EPS): Float64Array {
  const g = new Float64Array(param.length);
  for (let i = 0; i < param.length; i++) {
    const saved = param[i];
    param[i] = saved + eps;
    const up = loss();
    param[i] = saved - eps;
    const down = loss();
    param[i] = saved;
    g[i] = (up - down) / (2 * eps);
  }
  return g;
}

/** Compares every analytic gradient with its finite-difference estimate. */
export function checkGrads(
  label: string,
  loss: () => number,
  grads: Array<{ name: string; param: Float64Array; analytic: ArrayLike<number> }>,
): void {
  for (const { name, param, analytic } of grads) {
    expectClose(analytic, numericGrad(loss, param), { ...GRAD_TOL, label: `${label} d${name}` });
  }
}

/** Σ a·b: the scalar loss whose gradient with respect to a is b. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function nans(n: number): Float64Array {
  return new Float64Array(n).fill(NaN);
}

export type PadMode = 'same' | 'valid' | 'explicit';

/** One spatial axis of a window op: output size and padding before. */
export interface Axis { out: number; padBefore: number; }

/** TensorFlow 'same': out = ceil(size/stride), total = max((out-1)·stride + k - size, 0), before = floor(total/2). */
export function samePad(size: number, k: number, stride: number): Axis {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + k - size, 0);
  return { out, padBefore: Math.floor(total / 2) };
}

/** TensorFlow 'valid': no padding, out = floor((size - k)/stride) + 1 (size >= k). */
export function validPad(size: number, k: number, stride: number): Axis {
  return { out: Math.floor((size - k) / stride) + 1, padBefore: 0 };
}

/** A window geometry: input size, kernel, stride and padding on both axes. */
export interface Window {
  n: number; h: number; w: number; kh: number; kw: number;
  strideH: number; strideW: number; padTop: number; padLeft: number; outH: number; outW: number;
  mode: PadMode;
}

function axis(r: Rng, size: number, k: number, stride: number, mode: PadMode): Axis {
  if (mode === 'same') return samePad(size, k, stride);
  if (mode === 'valid') return validPad(size, k, stride);
  const before = r.int(0, k - 1);
  const after = r.int(0, k - 1);
  return { out: Math.floor((size + before + after - k) / stride) + 1, padBefore: before };
}

/** A random geometry with odd and even sizes, kernels 1–3 (not always square), strides 1–2. */
export function randomWindow(r: Rng, mode: PadMode, n = r.int(1, 3)): Window {
  const kh = r.int(1, 3);
  const kw = r.int(1, 3);
  const h = r.int(kh, 7);
  const w = r.int(kw, 7);
  const strideH = r.int(1, 2);
  const strideW = r.int(1, 2);
  const ah = axis(r, h, kh, strideH, mode);
  const aw = axis(r, w, kw, strideW, mode);
  return { n, h, w, kh, kw, strideH, strideW, padTop: ah.padBefore, padLeft: aw.padBefore, outH: ah.out, outW: aw.out, mode };
}

export function describeWindow(g: Window): string {
  return `n${g.n} ${g.h}x${g.w} k${g.kh}x${g.kw} s${g.strideH}x${g.strideW} ${g.mode} pad${g.padTop},${g.padLeft} out${g.outH}x${g.outW}`;
}

/** Fixed geometries every window kernel is checked on, plus random ones. */
export function windowCases(r: Rng, randomCount: number): Window[] {
  const fixed: Window[] = [];
  const add = (n: number, h: number, w: number, k: number, s: number, mode: 'same' | 'valid'): void => {
    const pad = mode === 'same' ? samePad : validPad;
    const ah = pad(h, k, s);
    const aw = pad(w, k, s);
    fixed.push({ n, h, w, kh: k, kw: k, strideH: s, strideW: s, padTop: ah.padBefore, padLeft: aw.padBefore, outH: ah.out, outW: aw.out, mode });
  };
  add(1, 5, 5, 3, 1, 'same');
  add(2, 5, 7, 3, 2, 'same');
  add(2, 6, 6, 3, 2, 'same');
  add(1, 7, 5, 3, 2, 'valid');
  add(3, 4, 4, 2, 2, 'valid');
  add(2, 3, 3, 1, 1, 'valid');
  const modes: PadMode[] = ['same', 'valid', 'explicit'];
  for (let i = 0; i < randomCount; i++) fixed.push(randomWindow(r, modes[i % 3]));
  return fixed;
}
