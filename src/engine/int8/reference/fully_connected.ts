/**
 * Reference int8 fully connected (TFLite reference_integer_ops::FullyConnected and
 * its per-channel variant). x (batches, accumDepth), w (outDepth, accumDepth),
 * bias (outDepth), y (batches, outDepth).
 *
 *   acc = bias[o] + Σ_d (w[o,d] + filterOffset)·(x[b,d] + inputOffset)
 *   y   = clamp(requantize(acc, M, s) + outputOffset, actMin, actMax)
 */
import { requantize } from '../fixedpoint.js';
import type { FullyConnectedParams } from '../types.js';

export function fullyConnected(
  p: FullyConnectedParams, input: Int8Array, filter: Int8Array, bias: Int32Array | null, output: Int8Array,
): void {
  for (let b = 0; b < p.batches; b++) {
    for (let o = 0; o < p.outDepth; o++) {
      let acc = 0;
      for (let d = 0; d < p.accumDepth; d++) {
        const inputVal = input[b * p.accumDepth + d];
        const filterVal = filter[o * p.accumDepth + d];
        acc = (acc + (filterVal + p.filterOffset) * (inputVal + p.inputOffset)) | 0;
      }
      if (bias) acc = (acc + bias[o]) | 0;
      const q = p.perChannel ? o : 0;
      acc = requantize(acc, p.multiplier[q], p.shift[q], p.rounding);
      acc = (acc + p.outputOffset) | 0;
      acc = Math.min(Math.max(acc, p.actMin), p.actMax);
      output[b * p.outDepth + o] = acc;
    }
  }
}
