/**
 * Reference int8 concatenation (TFLite Concatenation; for int8 every input has
 * the output's scale and zero point, so values are copied unchanged). Tensors
 * are viewed as (outer, axis, inner).
 */
import type { ConcatParams } from '../types.js';

export function concat(p: ConcatParams, inputs: readonly Int8Array[], output: Int8Array): void {
  const total = p.axisSizes.reduce((a, b) => a + b, 0);
  for (let o = 0; o < p.outer; o++) {
    let axisBase = 0;
    for (let t = 0; t < inputs.length; t++) {
      const size = p.axisSizes[t];
      for (let a = 0; a < size; a++) {
        for (let i = 0; i < p.inner; i++) {
          output[(o * total + axisBase + a) * p.inner + i] = inputs[t][(o * size + a) * p.inner + i];
        }
      }
      axisBase += size;
    }
  }
}
