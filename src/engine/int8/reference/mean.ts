/**
 * Reference int8 mean (TFLite Micro's EvalIntegerMean). Sum the raw inputs over
 * the reduced axes; then, when input and output share scale and zero point
 * (reference_ops::Mean), y = sum / count truncated towards zero; otherwise
 * (reference_ops::QuantizedMeanOrSum) subtract inputZeroPoint·count, requantize
 * with the folded multiplier, add the output zero point, clamp to int8. The
 * output keeps the non-reduced axes in order.
 */
import { requantize } from '../fixedpoint.js';
import type { MeanParams } from '../types.js';

export function mean(p: MeanParams, input: Int8Array, output: Int8Array): void {
  const nd = p.dims.length;
  const strides = new Array<number>(nd).fill(1);
  for (let i = nd - 2; i >= 0; i--) strides[i] = strides[i + 1] * p.dims[i + 1];
  let count = 1;
  for (let i = 0; i < nd; i++) if (p.reduce[i]) count *= p.dims[i];
  const outDims = p.dims.filter((_, i) => !p.reduce[i]);
  const outStrides = new Array<number>(outDims.length).fill(1);
  for (let i = outDims.length - 2; i >= 0; i--) outStrides[i] = outStrides[i + 1] * outDims[i + 1];
  const sums = new Int32Array(output.length);
  const total = input.length;
  for (let flat = 0; flat < total; flat++) {
    // Index of this input element, and of the output it reduces into.
    let rest = flat;
    let outIndex = 0;
    let k = 0;
    for (let i = 0; i < nd; i++) {
      const idx = Math.floor(rest / strides[i]);
      rest -= idx * strides[i];
      if (!p.reduce[i]) outIndex += idx * outStrides[k++];
    }
    sums[outIndex] = (sums[outIndex] + input[flat]) | 0;
  }
  for (let o = 0; o < output.length; o++) {
    if (count === 0) {
      output[o] = 0;
      continue;
    }
    if (p.sameQuant) {
      output[o] = Math.trunc(sums[o] / count);
      continue;
    }
    // TFLite: int64 sum - zp·count, cast to int32 — i.e. modulo 2^32.
    const shifted = (sums[o] - Math.imul(p.inputZeroPoint, count)) | 0;
    const y = (requantize(shifted, p.multiplier, p.shift, p.rounding) + p.outputZeroPoint) | 0;
    output[o] = Math.min(Math.max(y, -128), 127);
  }
}
