/**
 * The direct small-channel conv2d kernels (native/train/conv2d_direct.cc) vs the
 * TypeScript reference: forward, weight gradient, bias gradient and input
 * gradient. Channel counts 1, 3, 8, 16, 17, 32, 64 on both sides (so every
 * input-channel block of 4/8/16, output groups with SIMD tails, and the shapes
 * the dispatcher still sends to the GEMM), strides 1 and 2 (also mixed), 'same'
 * and 'valid' padding, odd sizes, batch 1 (one image cut into row bands) and
 * batches larger than the thread count and the number of weight-gradient chunks.
 * The reference runs in float64 on the same float32 inputs; tolerances scale
 * with the contraction length (atol) and the value (rtol). Needs the native build.
 */
import { describe, it } from 'vitest';
import { nativeKernels, nativeLoadError, nativeThreads } from '../../src/engine/kernels/native.js';
import { referenceKernels } from '../../src/engine/kernels/reference.js';
import type { ConvShape, TrainKernels } from '../../src/engine/kernels/types.js';
import { expectClose } from '../helpers/compare.js';
import { rng } from '../helpers/random.js';
import { checkConv2d, f32 } from '../helpers/conv-check.js';


interface Case { n: number; h: number; w: number; cin: number; cout: number; k: [number, number]; stride: [number, number]; mode: 'same' | 'valid' }

/** TensorFlow padding along one axis. */
function pad(size: number, k: number, stride: number, mode: 'same' | 'valid') {
  if (mode === 'valid') return { out: Math.floor((size - k) / stride) + 1, before: 0 };
  const out = Math.ceil(size / stride);
  return { out, before: Math.floor(Math.max((out - 1) * stride + k - size, 0) / 2) };
}

function shape(c: Case): ConvShape {
  const ph = pad(c.h, c.k[0], c.stride[0], c.mode), pw = pad(c.w, c.k[1], c.stride[1], c.mode);
  return { n: c.n, h: c.h, w: c.w, cin: c.cin, kh: c.k[0], kw: c.k[1], cout: c.cout, strideH: c.stride[0], strideW: c.stride[1], padTop: ph.before, padLeft: pw.before, outH: ph.out, outW: pw.out };
}

const channels = [1, 3, 8, 16, 17, 32, 64];
const variants: Pick<Case, 'stride' | 'mode'>[] = [
  { stride: [1, 1], mode: 'same' }, { stride: [2, 2], mode: 'same' }, { stride: [1, 1], mode: 'valid' }, { stride: [2, 2], mode: 'valid' },
];
// Every (cin, cout) pair once, cycling through stride/padding; odd spatial sizes; batches 1, 2, 3.
const grid: Case[] = channels.flatMap((cin, i) => channels.map((cout, j) => ({
  n: 1 + ((i + j) % 3), h: 7 + (j % 3), w: 9 - (i % 3), cin, cout, k: [3, 3] as [number, number], ...variants[(i + j) % 4]!,
})));
const special: Case[] = [
  { n: 1, h: 21, w: 13, cin: 16, cout: 16, k: [3, 3], stride: [1, 1], mode: 'same' }, // one image, several row bands
  { n: 1, h: 19, w: 11, cin: 17, cout: 32, k: [3, 3], stride: [2, 2], mode: 'same' }, // bands with stride 2
  { n: 9, h: 8, w: 8, cin: 16, cout: 16, k: [3, 3], stride: [1, 1], mode: 'same' }, // more images than chunks
  { n: 11, h: 9, w: 7, cin: 32, cout: 32, k: [3, 3], stride: [2, 2], mode: 'same' },
  { n: 2, h: 11, w: 12, cin: 8, cout: 24, k: [5, 5], stride: [2, 2], mode: 'same' }, // 5×5: wider x runs
  { n: 2, h: 11, w: 6, cin: 5, cout: 33, k: [3, 2], stride: [2, 1], mode: 'valid' }, // mixed strides, even kernel
  { n: 3, h: 10, w: 9, cin: 3, cout: 8, k: [3, 3], stride: [2, 2], mode: 'same' }, // mobilenet stem
  { n: 2, h: 6, w: 6, cin: 64, cout: 17, k: [3, 3], stride: [1, 1], mode: 'same' }, // dx through 17→64
];

describe.skipIf(nativeKernels === null)(nativeKernels ? 'direct conv2d' : `direct conv2d (not built: ${nativeLoadError})`, () => {
  const nat = nativeKernels as TrainKernels;
  const ref = referenceKernels;

  [...grid, ...special].forEach((c, ci) => {
    const s = shape(c);
    const name = `x(${s.n},${s.h},${s.w},${s.cin}) k${s.kh}x${s.kw} s${s.strideH}${s.strideW} ${c.mode} → (${s.outH},${s.outW},${s.cout})`;
    it(name, () => {
      checkConv2d(nat, ref, s, rng(700 + ci), name);
    });
  });

  it('gives bit-identical results with 1 or 2 threads (bands and chunks fixed by the shape)', () => {
    const before = nativeThreads() as number;
    try {
      for (const c of [special[0]!, special[3]!]) {
        const s = shape(c);
        const r = rng(799);
        const x = r.f32(s.n * s.h * s.w * s.cin), w = r.f32(s.kh * s.kw * s.cin * s.cout), dy = r.f32(s.n * s.outH * s.outW * s.cout);
        const run = () => {
          const y = f32(dy.length), dx = f32(x.length), dw = f32(w.length);
          nat.conv2dForward(s, x, w, null, y);
          nat.conv2dBackward(s, x, w, dy, dx, dw, null);
          return [y, dx, dw];
        };
        nativeThreads(2);
        const a = run();
        nativeThreads(1);
        const b = run();
        a.forEach((v, i) => expectClose(b[i]!, v, { atol: 0, rtol: 0, label: `threads ${i}` }));
      }
    } finally {
      nativeThreads(before);
    }
  });
});
