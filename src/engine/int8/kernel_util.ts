/**
 * Prepare-time helpers, transcribed from TFLite's kernel_util / quantization_util
 * and the TFLM Prepare functions: activation clamps, SAME/VALID padding,
 * per-op requantization multipliers. Pure functions of scales and shapes, run
 * once per model by `prepare` (and by tests that build kernel parameters).
 *
 * TFLite stores scales (and softmax beta) as float32 and computes multipliers
 * in double from those floats, so every scale goes through Math.fround first:
 * a model evaluated here and the same model written to .tflite agree.
 *
 * Errors are MlforgeError('UNSUPPORTED') for parameters TFLite rejects (or
 * would overflow on); `prepare` adds the op index and kind.
 */
import { MlforgeError } from '../../errors.js';
import type { Activation } from '../../ir/int8.js';
import {
  calculateInputRadius, frexp, quantizeMultiplier, roundHalfAway, type QuantizedMultiplier, type Rounding,
} from './fixedpoint.js';
import type { AddParams, SigmoidParams, SoftmaxParams } from './types.js';

const f32 = Math.fround;

/**
 * CalculateActivationRangeQuantized for int8 outputs: the clamps of a fused
 * activation, quantize(f) = zeroPoint + round(f / scale) in float32.
 */
export function activationRange(activation: Activation, scale: number, zeroPoint: number): { actMin: number; actMax: number } {
  const s = f32(scale);
  const quantize = (f: number): number => {
    const q = roundHalfAway(f32(f / s));
    if (!(Math.abs(q) <= 2147483647)) {
      throw new MlforgeError('UNSUPPORTED', `the ${activation} clamp ${f} does not fit int32 at output scale ${scale}`);
    }
    return zeroPoint + q;
  };
  switch (activation) {
    case 'relu': return { actMin: Math.max(-128, quantize(0)), actMax: 127 };
    case 'relu6': return { actMin: Math.max(-128, quantize(0)), actMax: Math.min(127, quantize(6)) };
    case 'relu_n1_to_1': return { actMin: Math.max(-128, quantize(-1)), actMax: Math.min(127, quantize(1)) };
    default: return { actMin: -128, actMax: 127 };
  }
}

/** ComputeOutSize: output extent of a window op (may be <= 0 for VALID with a too-large window). */
export function computeOutSize(padding: 'same' | 'valid', image: number, filter: number, stride: number, dilation = 1): number {
  const effectiveFilter = (filter - 1) * dilation + 1;
  return padding === 'same' ? Math.floor((image + stride - 1) / stride) : Math.floor((image + stride - effectiveFilter) / stride);
}

/** ComputePaddingWithOffset: the top/left padding of a window op (the extra odd pixel goes bottom/right). */
export function computePadding(stride: number, dilation: number, image: number, filter: number, out: number): number {
  const effectiveFilter = (filter - 1) * dilation + 1;
  const total = Math.max(0, (out - 1) * stride + effectiveFilter - image);
  return Math.floor(total / 2);
}

/** Requantization multipliers must leave shift <= 30 (TFLite shifts an int32 left by it). */
export function checkedMultiplier(real: number, rounding: Rounding, what: string): QuantizedMultiplier {
  if (!(real >= 0) || !Number.isFinite(real)) {
    throw new MlforgeError('UNSUPPORTED', `expected a finite non-negative multiplier for ${what}, got ${real}`);
  }
  const qm = quantizeMultiplier(real, rounding);
  if (qm.shift > 30) {
    throw new MlforgeError('UNSUPPORTED',
      `expected a requantization multiplier below 2^30 for ${what}, got ${real} (shift ${qm.shift})`,
      'check the quantization scales: the output scale is far smaller than input·weight scales');
  }
  return qm;
}

/**
 * Per-channel conv / depthwise / fully-connected multipliers
 * (PopulateConvolutionQuantizationParams): real[c] = s_in · s_w[c] / s_out in
 * double. A single filter scale is broadcast over `channels`.
 */
export function perChannelMultipliers(
  inputScale: number, filterScales: readonly number[], outputScale: number, channels: number, rounding: Rounding,
): { multiplier: Int32Array; shift: Int32Array } {
  const multiplier = new Int32Array(channels);
  const shift = new Int32Array(channels);
  for (let c = 0; c < channels; c++) {
    const real = (f32(inputScale) * f32(filterScales.length === 1 ? filterScales[0] : filterScales[c])) / f32(outputScale);
    const qm = checkedMultiplier(real, rounding, `output channel ${c}`);
    multiplier[c] = qm.multiplier;
    shift[c] = qm.shift;
  }
  return { multiplier, shift };
}

/**
 * Per-tensor fully-connected multiplier (GetQuantizedConvolutionMultipler): the
 * product s_in · s_w is taken in float32, then divided by s_out in double.
 */
export function perTensorFcMultiplier(inputScale: number, filterScale: number, outputScale: number, rounding: Rounding): QuantizedMultiplier {
  const real = f32(f32(inputScale) * f32(filterScale)) / f32(outputScale);
  return checkedMultiplier(real, rounding, 'the output');
}

/** Add (CalculateOpDataAdd, int8): both inputs to 2·max(s1, s2) with 20 bits headroom. */
export function addRequant(
  s1: number, zp1: number, s2: number, zp2: number, sOut: number, zpOut: number, rounding: Rounding,
): Omit<AddParams, 'actMin' | 'actMax' | 'size' | 'broadcast'> {
  const leftShift = 20;
  const twiceMaxInputScale = 2 * Math.max(f32(s1), f32(s2));
  const q1 = checkedMultiplier(f32(s1) / twiceMaxInputScale, rounding, 'input 1');
  const q2 = checkedMultiplier(f32(s2) / twiceMaxInputScale, rounding, 'input 2');
  const qo = checkedMultiplier(twiceMaxInputScale / (2 ** leftShift * f32(sOut)), rounding, 'the output');
  return {
    input1Offset: -zp1, input2Offset: -zp2, outputOffset: zpOut, leftShift,
    input1Multiplier: q1.multiplier, input1Shift: q1.shift,
    input2Multiplier: q2.multiplier, input2Shift: q2.shift,
    outputMultiplier: qo.multiplier, outputShift: qo.shift,
    rounding,
  };
}

/**
 * Softmax (CalculateSoftmaxParams / PreprocessSoftmaxScaling, int8): beta ·
 * s_in scaled into Q5.26, capped at 2^31 - 1 (2^30 - 1 single rounding), must
 * exceed 1; diffMin = -CalculateInputRadius(5, leftShift).
 */
export function softmaxRequant(beta: number, inputScale: number, rounding: Rounding): Omit<SoftmaxParams, 'outer' | 'depth'> {
  const maxReal = rounding === 'single' ? 2 ** 30 - 1 : 2 ** 31 - 1;
  const real = Math.min(f32(beta) * f32(inputScale) * 2 ** 26, maxReal);
  if (!(real > 1)) {
    throw new MlforgeError('UNSUPPORTED', `expected beta · input scale above 2^-26 for softmax, got ${f32(beta) * f32(inputScale)}`);
  }
  const qm = quantizeMultiplier(real, rounding);
  return {
    inputMultiplier: qm.multiplier,
    inputLeftShift: qm.shift,
    diffMin: -calculateInputRadius(5, qm.shift),
    rounding,
  };
}

/**
 * Logistic / tanh (TFLM Prepare, int8): s_in · 2^27 as frexp (Q4.27 input) and
 * the saturation radius CalculateInputRadius(4, leftShift).
 */
export function sigmoidRequant(inputScale: number, inputZeroPoint: number, rounding: Rounding): SigmoidParams {
  const { q, e } = frexp(f32(inputScale) * 2 ** 27);
  let multiplier = roundHalfAway(q * 2 ** 31);
  let shift = e;
  if (multiplier === 2 ** 31) {
    multiplier /= 2;
    shift += 1;
  }
  if (shift < 0) {
    throw new MlforgeError('UNSUPPORTED', `expected an input scale of at least 2^-28, got ${inputScale}`);
  }
  return {
    inputZeroPoint,
    inputRangeRadius: calculateInputRadius(4, shift),
    inputMultiplier: multiplier,
    inputLeftShift: shift,
    rounding,
  };
}

/**
 * QuantizedMeanOrSum's folding of 1/count into (multiplier, shift):
 * s' = min(floor(log2 count), 32, 31 + shift), M' = (M << s') / count.
 */
export function foldMeanMultiplier(count: number, multiplier: number, shift: number): QuantizedMultiplier {
  if (count <= 0) return { multiplier, shift };
  let log2 = 0;
  while (2 ** (log2 + 1) <= count) log2++;
  let s = Math.min(log2, 32, 31 + shift);
  if (s < 0) s = 0;
  const m = (BigInt(multiplier) << BigInt(s)) / BigInt(count);
  return { multiplier: Number(BigInt.asIntN(32, m)), shift: shift - s };
}

