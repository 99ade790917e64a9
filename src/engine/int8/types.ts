/**
 * The int8 kernel interface. Two implementations: the TypeScript reference in
 * `reference/` (a plain transcription of TFLite's reference kernels — the
 * specification) and the C kernels of `native/kernels` behind the Node addon
 * (`native.ts`). Tests pin one to the other with tolerance zero.
 *
 * The parameter objects mirror the C structs of `mlforge_kernels.h` one to one:
 * everything is precomputed by `prepare` (multipliers, shifts, activation
 * clamps, explicit paddings); kernels never look at scales and never allocate.
 * Offsets follow TFLite: inputOffset = -input zero point, outputOffset = +output
 * zero point.
 */
import type { Rounding } from './fixedpoint.js';

export type { Rounding } from './fixedpoint.js';

/** NHWC extents (filters: conv (Cout, KH, KW, Cin) → {n: Cout, h: KH, w: KW, c: Cin}). */
export interface Dims4 {
  n: number;
  h: number;
  w: number;
  c: number;
}

interface Requant {
  /** Q31 multiplier and shift per output channel (or one entry where noted). */
  multiplier: Int32Array;
  shift: Int32Array;
  rounding: Rounding;
}

/** conv2d: x (N,H,W,Cin), w (Cout,KH,KW,Cin), bias (Cout), y (N,OH,OW,Cout). */
export interface ConvParams extends Requant {
  strideH: number; strideW: number;
  dilationH: number; dilationW: number;
  padH: number; padW: number;
  inputOffset: number; outputOffset: number;
  actMin: number; actMax: number;
  input: Dims4; filter: Dims4; output: Dims4;
}

/** depthwise: x (N,H,W,C), w (1,KH,KW,C·M), y (N,OH,OW,C·M); channel c·M+m reads c. */
export interface DepthwiseParams extends ConvParams {
  depthMultiplier: number;
}

/** fully connected: x (batches, accumDepth), w (outDepth, accumDepth), y (batches, outDepth). */
export interface FullyConnectedParams extends Requant {
  inputOffset: number; filterOffset: number; outputOffset: number;
  actMin: number; actMax: number;
  /** true: multiplier/shift per output; false: one entry. */
  perChannel: boolean;
  batches: number; accumDepth: number; outDepth: number;
}

/** Broadcast description: output extents (6, leading 1s) and per-axis input strides (0 = broadcast). */
export interface Broadcast6 {
  outDims: Int32Array;
  strides1: Int32Array;
  strides2: Int32Array;
}

/** add: same shapes (size elements) or broadcast. */
export interface AddParams {
  input1Offset: number; input2Offset: number; outputOffset: number;
  leftShift: number;
  input1Multiplier: number; input1Shift: number;
  input2Multiplier: number; input2Shift: number;
  outputMultiplier: number; outputShift: number;
  actMin: number; actMax: number;
  rounding: Rounding;
  size: number;
  broadcast?: Broadcast6;
}

/** average / max pool: x (N,H,W,C), y (N,OH,OW,C), same scale and zero point. */
export interface PoolParams {
  strideH: number; strideW: number;
  filterH: number; filterW: number;
  padH: number; padW: number;
  actMin: number; actMax: number;
  input: Dims4; output: Dims4;
}

/** mean over the axes flagged in `reduce`; the output keeps the other axes in order. */
export interface MeanParams {
  dims: number[];
  reduce: boolean[];
  inputZeroPoint: number; outputZeroPoint: number;
  /** Input/output scale ratio with 1/count folded in (see foldMeanMultiplier). */
  multiplier: number; shift: number;
  rounding: Rounding;
  /** Input and output share scale and zero point: TFLite Micro then truncates sum / count instead. */
  sameQuant: boolean;
}

/** softmax over the last axis: input (outer, depth); output scale 1/256, zero point -128. */
export interface SoftmaxParams {
  inputMultiplier: number; inputLeftShift: number;
  diffMin: number;
  rounding: Rounding;
  outer: number; depth: number;
}

/** constant pad with the output zero point. */
export interface PadParams {
  dims: number[];
  before: number[];
  after: number[];
  padValue: number;
}

/** concatenation, tensors viewed as (outer, axis, inner). */
export interface ConcatParams {
  axisSizes: number[];
  outer: number;
  inner: number;
}

/** float ↔ int8 at the model's edges. */
export interface QuantizeParams {
  scale: number;
  zeroPoint: number;
}

/** int8 → int8 with another scale / zero point. */
export interface RequantizeParams {
  inputZeroPoint: number; outputZeroPoint: number;
  multiplier: number; shift: number;
  rounding: Rounding;
}

/** logistic (output 1/256, -128) and tanh (output 1/128, 0); input scaled into Q4.27. */
export interface SigmoidParams {
  inputZeroPoint: number;
  inputRangeRadius: number;
  inputMultiplier: number; inputLeftShift: number;
  rounding: Rounding;
}

export interface Int8Kernels {
  readonly name: 'reference' | 'native';
  conv2d(p: ConvParams, input: Int8Array, filter: Int8Array, bias: Int32Array | null, output: Int8Array): void;
  depthwiseConv2d(p: DepthwiseParams, input: Int8Array, filter: Int8Array, bias: Int32Array | null, output: Int8Array): void;
  fullyConnected(p: FullyConnectedParams, input: Int8Array, filter: Int8Array, bias: Int32Array | null, output: Int8Array): void;
  add(p: AddParams, input1: Int8Array, input2: Int8Array, output: Int8Array): void;
  avgPool(p: PoolParams, input: Int8Array, output: Int8Array): void;
  maxPool(p: PoolParams, input: Int8Array, output: Int8Array): void;
  mean(p: MeanParams, input: Int8Array, output: Int8Array): void;
  softmax(p: SoftmaxParams, input: Int8Array, output: Int8Array): void;
  pad(p: PadParams, input: Int8Array, output: Int8Array): void;
  concat(p: ConcatParams, inputs: readonly Int8Array[], output: Int8Array): void;
  quantize(p: QuantizeParams, input: Float32Array, output: Int8Array): void;
  dequantize(p: QuantizeParams, input: Int8Array, output: Float32Array): void;
  requantize(p: RequantizeParams, input: Int8Array, output: Int8Array): void;
  logistic(p: SigmoidParams, input: Int8Array, output: Int8Array): void;
  tanh(p: SigmoidParams, input: Int8Array, output: Int8Array): void;
}
