/**
 * Scratch bytes each int8 kernel needs, the TypeScript twins of the size
 * functions of `native/kernels/mlforge_kernels.h`:
 *   mlf_conv2d_s8_scratch_size(input, filter) = 2·KH·KW·Cin·sizeof(int16) (two im2col columns)
 *   mlf_fully_connected_s8_scratch_size(accum_depth) = accum_depth·sizeof(int16)
 * The numbers are the same on every target so one memory plan fits all; a
 * codegen test compiles the C functions and compares.
 */
import type { Int8Model, Op } from '../ir/int8.js';

/** conv2d: filter (Cout, KH, KW, Cin). */
export const conv2dScratchBytes = (kh: number, kw: number, cin: number): number => 2 * kh * kw * cin * 2;

/** fully connected: weights (Out, accumDepth). */
export const fullyConnectedScratchBytes = (accumDepth: number): number => accumDepth * 2;

export function scratchBytesOf(model: Int8Model, op: Op): number {
  switch (op.options.kind) {
    case 'conv2d': {
      const f = model.tensors[op.inputs[1]!]!.shape;
      return conv2dScratchBytes(f[1]!, f[2]!, f[3]!);
    }
    case 'fully_connected': {
      const w = model.tensors[op.inputs[1]!]!.shape;
      return fullyConnectedScratchBytes(w[w.length - 1]!);
    }
    default:
      return 0;
  }
}
