/**
 * The work one int8 operator does, as the variables of its kernel's linear
 * instruction model: which C code path runs (a variant) and its loop counts
 * (MACs, outputs, taps, rows…). `mlforge calibrate` fits each variant's
 * coefficients on QEMU; the cost model multiplies them back.
 */
import type { PreparedOp } from '../engine/int8/index.js';
import type { Int8Model } from '../ir/int8.js';

/** The variables of each variant's linear model (`one` is the per-call constant). */
export const VARIANT_FEATURES: Readonly<Record<string, readonly string[]>> = {
  conv2d_packed: ['steps', 'tail', 'blocks', 'out', 'cols4', 'cols1', 'taps', 'pixels', 'one'],
  conv2d_1x1: ['macs', 'out', 'tail', 'pixels', 'one'],
  conv2d: ['macs', 'out', 'taps', 'tail', 'rows', 'cols', 'pixels', 'one'],
  depthwise_conv2d_packed: ['taps4', 'rows4', 'groups', 'tapsTail', 'out', 'pixels', 'one'],
  depthwise_conv2d_3x3: ['inner', 'edge', 'edgeTaps', 'pixels', 'one'],
  depthwise_conv2d: ['macs', 'taps', 'out', 'pixels', 'one'],
  fully_connected: ['macs', 'out', 'in', 'tail', 'one'],
  add: ['out', 'one'],
  add_broadcast: ['out', 'rows', 'one'],
  avg_pool: ['window', 'rows', 'out', 'pixels', 'one'],
  max_pool: ['window', 'rows', 'out', 'pixels', 'one'],
  mean: ['in', 'out', 'one'],
  softmax: ['out', 'rows', 'one'],
  pad: ['out', 'rows', 'one'],
  concatenation: ['out', 'copies', 'small', 'one'],
  quantize: ['out', 'one'],
  dequantize: ['out', 'one'],
  requantize: ['out', 'one'],
  logistic: ['out', 'one'],
  tanh: ['out', 'one'],
};

/** Variants only a DSP build runs, and the portable ones they replace there. */
const DSP_ONLY = new Set(['conv2d_packed', 'depthwise_conv2d_packed']);
const PORTABLE_ONLY = new Set(['conv2d', 'conv2d_1x1', 'depthwise_conv2d_3x3']);

/** The variants a build with (`dsp`) or without the DSP extension can run. */
export function variantsFor(dsp: boolean): string[] {
  return Object.keys(VARIANT_FEATURES).filter((v) => !(dsp ? PORTABLE_ONLY : DSP_ONLY).has(v));
}

export interface OpWork {
  /** Which kernel code path runs (a key of VARIANT_FEATURES), or 'none' (a reshape that is a view). */
  readonly variant: string;
  readonly macs: number;
  readonly outputs: number;
  readonly x: Readonly<Record<string, number>>;
}

/** Over one spatial axis: Σ in-bounds taps over all outputs, and outputs whose window is fully inside. */
function axis(outSize: number, inSize: number, k: number, stride: number, dilation: number, pad: number): { taps: number; full: number } {
  let taps = 0;
  let full = 0;
  for (let o = 0; o < outSize; o++) {
    let c = 0;
    for (let t = 0; t < k; t++) {
      const i = o * stride - pad + t * dilation;
      if (i >= 0 && i < inSize) c++;
    }
    taps += c;
    if (c === k) full++;
  }
  return { taps, full };
}

export const count = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * The loop counts that drive a kernel's instruction count, following the C
 * code paths of native/kernels (packed SMLAD paths when `dsp`, else portable).
 */
export function opWork(op: PreparedOp, model: Int8Model, dsp: boolean): OpWork {
  const outElems = count(model.tensors[op.output]!.shape);
  const simple = (variant: string, extra: Record<string, number> = {}): OpWork =>
    ({ variant, macs: 0, outputs: outElems, x: { out: outElems, one: 1, ...extra } });
  switch (op.kind) {
    case 'conv2d': {
      const p = op.params;
      const { input: i, filter: f, output: o } = p;
      const pixels = o.n * o.h * o.w;
      const k = f.h * f.w * f.c;
      const out = pixels * o.c;
      const macs = out * k;
      if (dsp) {
        // Two pixels by two channels per pass, an odd last pixel or channel paired with itself (so its
        // column is built twice); a column is packed word by word when Cin is a multiple of four.
        const blocks = Math.ceil(pixels / 2) * Math.ceil(o.c / 2);
        const builds = 2 * Math.ceil(pixels / 2);
        const words = f.c % 4 === 0;
        return { variant: 'conv2d_packed', macs, outputs: out, x: {
          steps: blocks * Math.floor(k / 4), tail: blocks * (k % 4), blocks, out,
          cols4: words ? builds * k : 0, cols1: words ? 0 : builds * k, taps: builds * f.h * f.w, pixels: builds, one: 1 } };
      }
      if (f.h === 1 && f.w === 1 && p.padH === 0 && p.padW === 0 && (o.h - 1) * p.strideH < i.h && (o.w - 1) * p.strideW < i.w) {
        return { variant: 'conv2d_1x1', macs, outputs: out, x: { macs, out, tail: out * (f.c % 4), pixels, one: 1 } };
      }
      // The direct loop nest, per pixel and output channel: KH row checks, KW column checks on
      // in-bounds rows, one mlf_conv_dot over Cin per in-bounds tap.
      const ay = axis(o.h, i.h, f.h, p.strideH, p.dilationH, p.padH);
      const ax = axis(o.w, i.w, f.w, p.strideW, p.dilationW, p.padW);
      const taps = ay.taps * ax.taps * o.n * o.c;
      return { variant: 'conv2d', macs, outputs: out,
        x: { macs: taps * f.c, out, taps, tail: taps * (f.c % 4), rows: out * f.h, cols: ay.taps * o.w * o.n * o.c * f.w, pixels, one: 1 } };
    }
    case 'depthwise_conv2d': {
      const p = op.params;
      const { input: i, filter: f, output: o } = p;
      const pixels = o.n * o.h * o.w;
      const out = pixels * o.c;
      const macs = out * f.h * f.w;
      const ay = axis(o.h, i.h, f.h, p.strideH, p.dilationH, p.padH);
      const ax = axis(o.w, i.w, f.w, p.strideW, p.dilationW, p.padW);
      const inBounds = ay.taps * ax.taps * o.n; // in-bounds taps summed over pixels
      if (dsp && p.depthMultiplier === 1 && p.dilationH === 1 && p.dilationW === 1) {
        // Four channels per pass; per pass, a loop over the window's in-bounds rows and taps.
        const groups = Math.floor(o.c / 4);
        return { variant: 'depthwise_conv2d_packed', macs, outputs: out, x: {
          taps4: inBounds * groups, rows4: ay.taps * o.w * o.n * groups, groups: pixels * groups,
          tapsTail: inBounds * (o.c % 4), out, pixels, one: 1 } };
      }
      if (f.h === 3 && f.w === 3 && p.depthMultiplier === 1 && p.dilationH === 1 && p.dilationW === 1) {
        const interior = ay.full * ax.full * o.n;
        return { variant: 'depthwise_conv2d_3x3', macs, outputs: out,
          x: { inner: interior * o.c, edge: (pixels - interior) * o.c, edgeTaps: (inBounds - 9 * interior) * o.c, pixels, one: 1 } };
      }
      return { variant: 'depthwise_conv2d', macs, outputs: out, x: { macs: inBounds * o.c, taps: macs, out, pixels, one: 1 } };
    }
    case 'fully_connected': {
      const p = op.params;
      const out = p.batches * p.outDepth;
      const macs = out * p.accumDepth;
      return { variant: 'fully_connected', macs, outputs: out, x: { macs, out, in: p.batches * p.accumDepth, tail: out * (p.accumDepth % 4), one: 1 } };
    }
    case 'add': {
      const b = op.params.broadcast;
      if (!b) return simple('add');
      return simple('add_broadcast', { rows: Array.from(b.outDims.subarray(0, 5)).reduce((a, v) => a * v, 1) });
    }
    case 'avg_pool':
    case 'max_pool': {
      const p = op.params;
      const { input: i, output: o } = p;
      const ay = axis(o.h, i.h, p.filterH, p.strideH, 1, p.padH);
      const ax = axis(o.w, i.w, p.filterW, p.strideW, 1, p.padW);
      return simple(op.kind, { window: ay.taps * ax.taps * o.n * o.c, rows: ay.taps * o.w * o.n * o.c, pixels: o.n * o.h * o.w });
    }
    case 'mean':
      return simple('mean', { in: count(op.params.dims) });
    case 'softmax':
      return simple('softmax', { rows: op.params.outer });
    case 'pad': {
      const p = op.params;
      const outDims = p.dims.map((d, k) => p.before[k]! + d + p.after[k]!);
      return simple('pad', { rows: count(outDims.slice(0, -1)) });
    }
    case 'concatenation': {
      // One memcpy per input per outer row; short copies (< 16 B) go byte by byte in newlib's memcpy.
      const p = op.params;
      const small = p.axisSizes.reduce((s, a) => s + (a * p.inner < 16 ? a * p.inner : 0), 0);
      return simple('concatenation', { copies: p.outer * p.axisSizes.length, small: p.outer * small });
    }
    case 'reshape':
      // A copy only when the planner could not make it a view (see estimateCost); costed as one memcpy.
      return simple('concatenation', { copies: 1, small: outElems < 16 ? outElems : 0 });
    case 'quantize': case 'dequantize': case 'requantize': case 'logistic': case 'tanh':
      return simple(op.kind);
  }
}
