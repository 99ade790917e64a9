/**
 * The native int8 kernels: `build/Release/mlforge_int8.node` (the C kernels of
 * `native/kernels` behind Node-API) wrapped as an `Int8Kernels`.
 *
 * The addon is found relative to the package root (the nearest folder up from
 * this file whose package.json is named "mlforge"), so the same code works from
 * `src/` under tsx/vitest and from `dist/`. Scalar parameters are packed into an
 * Int32Array whose layout `native/addon/int8_api.cc` documents; typed arrays are
 * passed through and used in place.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MlforgeError } from '../../errors.js';
import type {
  AddParams, ConcatParams, ConvParams, DepthwiseParams, Dims4, FullyConnectedParams, Int8Kernels, MeanParams,
  PadParams, PoolParams, QuantizeParams, RequantizeParams, Rounding, SigmoidParams, SoftmaxParams,
} from './types.js';

/** The functions the addon exports (see int8_api.cc for the parameter layouts). */
export interface Int8Addon {
  conv2d(params: Int32Array, multiplier: Int32Array, shift: Int32Array, input: Int8Array, filter: Int8Array,
    bias: Int32Array | null, output: Int8Array, scratch: Int16Array | null, variant: number): void;
  depthwiseConv2d(params: Int32Array, multiplier: Int32Array, shift: Int32Array, input: Int8Array, filter: Int8Array,
    bias: Int32Array | null, output: Int8Array, variant: number): void;
  fullyConnected(params: Int32Array, multiplier: Int32Array, shift: Int32Array, input: Int8Array, filter: Int8Array,
    bias: Int32Array | null, output: Int8Array, scratch: Int16Array | null, variant: number): void;
  add(params: Int32Array, input1: Int8Array, input2: Int8Array, output: Int8Array): void;
  addBroadcast(params: Int32Array, outDims: Int32Array, strides1: Int32Array, strides2: Int32Array,
    input1: Int8Array, input2: Int8Array, output: Int8Array): void;
  avgPool(params: Int32Array, input: Int8Array, output: Int8Array): void;
  maxPool(params: Int32Array, input: Int8Array, output: Int8Array): void;
  mean(params: Int32Array, input: Int8Array, output: Int8Array): void;
  meanFold(count: number, multiplier: number, shift: number): [number, number];
  softmax(params: Int32Array, input: Int8Array, output: Int8Array): void;
  pad(params: Int32Array, input: Int8Array, output: Int8Array): void;
  concat(inputs: readonly Int8Array[], axisSizes: Int32Array, outer: number, inner: number, output: Int8Array): void;
  quantizeMultiplier(real: number, rounding: number): [number, number];
  quantize(input: Float32Array, scale: number, zeroPoint: number, output: Int8Array): void;
  dequantize(input: Int8Array, scale: number, zeroPoint: number, output: Float32Array): void;
  requantize(params: Int32Array, input: Int8Array, output: Int8Array): void;
  logistic(params: Int32Array, input: Int8Array, output: Int8Array): void;
  tanh(params: Int32Array, input: Int8Array, output: Int8Array): void;
  /** fixedpoint.h helpers element-wise (tests): 0 srdhm, 1 rdbpot, 2 requantize, 3 exp, 4 logistic, 5 tanh, 6 1/(1+x), 7 (1-x)/(1+x). */
  fixedpoint(fn: number, a: Int32Array, b: Int32Array, c: Int32Array, rounding: number, out: Int32Array): void;
  /** Whether the C objects of this build have the packed-MAC (SMLAD) paths. */
  packedMac: boolean;
}

function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'mlforge') return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new MlforgeError('INTERNAL', `expected an mlforge package.json above ${fileURLToPath(import.meta.url)}, found none`);
    dir = parent;
  }
}

let cached: Int8Addon | undefined;

/** Path of the addon binary (it may not exist yet). */
export function int8AddonPath(): string {
  return path.join(packageRoot(), 'build', 'Release', 'mlforge_int8.node');
}

/** Loads the addon once; throws NOT_FOUND with a hint when it has not been built. */
export function loadInt8Addon(): Int8Addon {
  if (cached) return cached;
  const file = int8AddonPath();
  if (!existsSync(file)) {
    throw new MlforgeError('NOT_FOUND', `expected the native int8 addon at ${file}, found nothing`,
      'build it with `npm run build` (node-gyp), or use the reference backend');
  }
  const require = createRequire(import.meta.url);
  try {
    cached = require(file) as Int8Addon;
  } catch (e) {
    throw new MlforgeError('INTERNAL', `could not load ${file}: ${(e as Error).message}`, 'rebuild the addon with `npm run build`');
  }
  return cached;
}

/** True when the addon is built and loads. */
export function nativeInt8Available(): boolean {
  try {
    loadInt8Addon();
    return true;
  } catch {
    return false;
  }
}

const r = (rounding: Rounding): number => (rounding === 'single' ? 1 : 0);
const dims = (d: Dims4): number[] => [d.n, d.h, d.w, d.c];
const six = (xs: readonly number[], fill: number): number[] => [...xs, ...new Array<number>(6 - xs.length).fill(fill)];

export const packConv = (p: ConvParams): Int32Array => Int32Array.from([
  p.strideH, p.strideW, p.dilationH, p.dilationW, p.padH, p.padW, p.inputOffset, p.outputOffset,
  p.actMin, p.actMax, r(p.rounding), ...dims(p.input), ...dims(p.filter), ...dims(p.output),
]);
export const packDepthwise = (p: DepthwiseParams): Int32Array => Int32Array.from([
  p.strideH, p.strideW, p.dilationH, p.dilationW, p.padH, p.padW, p.depthMultiplier, p.inputOffset,
  p.outputOffset, p.actMin, p.actMax, r(p.rounding), ...dims(p.input), ...dims(p.filter), ...dims(p.output),
]);
export const packFullyConnected = (p: FullyConnectedParams): Int32Array => Int32Array.from([
  p.inputOffset, p.filterOffset, p.outputOffset, p.actMin, p.actMax, r(p.rounding), p.perChannel ? 1 : 0,
  p.batches, p.accumDepth, p.outDepth,
]);
export const packAdd = (p: AddParams): Int32Array => Int32Array.from([
  p.input1Offset, p.input2Offset, p.outputOffset, p.leftShift, p.input1Multiplier, p.input1Shift,
  p.input2Multiplier, p.input2Shift, p.outputMultiplier, p.outputShift, p.actMin, p.actMax, r(p.rounding),
]);
export const packPool = (p: PoolParams): Int32Array => Int32Array.from([
  p.strideH, p.strideW, p.filterH, p.filterW, p.padH, p.padW, p.actMin, p.actMax, ...dims(p.input), ...dims(p.output),
]);
export const packMean = (p: MeanParams): Int32Array => Int32Array.from([
  p.dims.length, ...six(p.dims, 1), ...six(p.reduce.map((x) => (x ? 1 : 0)), 0),
  p.inputZeroPoint, p.outputZeroPoint, p.multiplier, p.shift, r(p.rounding), p.sameQuant ? 1 : 0,
]);
export const packSoftmax = (p: SoftmaxParams): Int32Array => Int32Array.from([
  p.inputMultiplier, p.inputLeftShift, p.diffMin, r(p.rounding), p.outer, p.depth,
]);
export const packPad = (p: PadParams): Int32Array => Int32Array.from([
  p.dims.length, ...six(p.dims, 1), ...six(p.before, 0), ...six(p.after, 0), p.padValue,
]);
export const packRequantize = (p: RequantizeParams): Int32Array => Int32Array.from([
  p.inputZeroPoint, p.outputZeroPoint, p.multiplier, p.shift, r(p.rounding),
]);
export const packSigmoid = (p: SigmoidParams): Int32Array => Int32Array.from([
  p.inputZeroPoint, p.inputRangeRadius, p.inputMultiplier, p.inputLeftShift, r(p.rounding),
]);

export interface NativeKernelsOptions {
  /**
   * 'host' (default): the C objects compiled for this machine. 'emulated-dsp':
   * the Cortex-M packed-MAC (SMLAD) code paths with emulated intrinsics — for
   * tests that pin those paths on a host without the DSP extension.
   */
  variant?: 'host' | 'emulated-dsp';
}

/** The native kernels; throws NOT_FOUND when the addon is not built. */
export function createNativeKernels(options: NativeKernelsOptions = {}): Int8Kernels {
  const addon = loadInt8Addon();
  const variant = options.variant === 'emulated-dsp' ? 1 : 0;
  // One reusable scratch buffer (two im2col columns / a packed input row), grown on demand.
  let scratch = new Int16Array(0);
  const scratchOf = (elements: number): Int16Array => {
    if (scratch.length < elements) scratch = new Int16Array(elements);
    return scratch;
  };
  return {
    name: 'native',
    conv2d: (p, input, filter, bias, output) => addon.conv2d(packConv(p), p.multiplier, p.shift, input, filter, bias,
      output, scratchOf(2 * p.filter.h * p.filter.w * p.input.c), variant),
    depthwiseConv2d: (p, input, filter, bias, output) => addon.depthwiseConv2d(packDepthwise(p), p.multiplier, p.shift,
      input, filter, bias, output, variant),
    fullyConnected: (p, input, filter, bias, output) => addon.fullyConnected(packFullyConnected(p), p.multiplier,
      p.shift, input, filter, bias, output, scratchOf(p.accumDepth), variant),
    add: (p, input1, input2, output) => {
      if (p.broadcast) {
        addon.addBroadcast(packAdd(p), p.broadcast.outDims, p.broadcast.strides1, p.broadcast.strides2, input1,
          input2, output);
      } else {
        addon.add(packAdd(p), input1, input2, p.size === output.length ? output : output.subarray(0, p.size));
      }
    },
    avgPool: (p, input, output) => addon.avgPool(packPool(p), input, output),
    maxPool: (p, input, output) => addon.maxPool(packPool(p), input, output),
    mean: (p, input, output) => addon.mean(packMean(p), input, output),
    softmax: (p, input, output) => addon.softmax(packSoftmax(p), input, output),
    pad: (p, input, output) => addon.pad(packPad(p), input, output),
    concat: (p: ConcatParams, inputs, output) => addon.concat(inputs, Int32Array.from(p.axisSizes), p.outer, p.inner, output),
    quantize: (p: QuantizeParams, input, output) => addon.quantize(input, p.scale, p.zeroPoint, output),
    dequantize: (p: QuantizeParams, input, output) => addon.dequantize(input, p.scale, p.zeroPoint, output),
    requantize: (p, input, output) => addon.requantize(packRequantize(p), input, output),
    logistic: (p, input, output) => addon.logistic(packSigmoid(p), input, output),
    tanh: (p, input, output) => addon.tanh(packSigmoid(p), input, output),
  };
}
