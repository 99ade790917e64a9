/**
 * Reference int8 pad (TFLite Pad with the output zero point as pad value):
 * output extent per axis = before + dim + after.
 */
import type { PadParams } from '../types.js';

export function pad(p: PadParams, input: Int8Array, output: Int8Array): void {
  const nd = p.dims.length;
  const outDims = p.dims.map((d, i) => p.before[i] + d + p.after[i]);
  const inStrides = new Array<number>(nd).fill(1);
  for (let i = nd - 2; i >= 0; i--) inStrides[i] = inStrides[i + 1] * p.dims[i + 1];
  const idx = new Array<number>(nd).fill(0);
  for (let o = 0; o < output.length; o++) {
    let inside = true;
    let src = 0;
    for (let i = 0; i < nd; i++) {
      const j = idx[i] - p.before[i];
      if (j < 0 || j >= p.dims[i]) inside = false;
      src += j * inStrides[i];
    }
    output[o] = inside ? input[src] : p.padValue;
    for (let i = nd - 1; i >= 0; i--) {
      if (++idx[i] < outDims[i]) break;
      idx[i] = 0;
    }
  }
}
