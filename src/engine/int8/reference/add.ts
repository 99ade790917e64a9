/**
 * Reference int8 add (TFLite reference_integer_ops::Add / BroadcastAdd6DSlow).
 *
 *   a = requantize((x1 + input1Offset)·2^leftShift, M1, s1)
 *   b = requantize((x2 + input2Offset)·2^leftShift, M2, s2)
 *   y = clamp(requantize(a + b, Mo, so) + outputOffset, actMin, actMax)
 */
import { requantize } from '../fixedpoint.js';
import type { AddParams } from '../types.js';

function addOne(p: AddParams, x1: number, x2: number): number {
  const shifted1 = (p.input1Offset + x1) << p.leftShift;
  const shifted2 = (p.input2Offset + x2) << p.leftShift;
  const scaled1 = requantize(shifted1, p.input1Multiplier, p.input1Shift, p.rounding);
  const scaled2 = requantize(shifted2, p.input2Multiplier, p.input2Shift, p.rounding);
  const rawSum = (scaled1 + scaled2) | 0;
  const rawOutput = (requantize(rawSum, p.outputMultiplier, p.outputShift, p.rounding) + p.outputOffset) | 0;
  return Math.min(p.actMax, Math.max(p.actMin, rawOutput));
}

export function add(p: AddParams, input1: Int8Array, input2: Int8Array, output: Int8Array): void {
  const bc = p.broadcast;
  if (!bc) {
    for (let i = 0; i < p.size; i++) output[i] = addOne(p, input1[i], input2[i]);
    return;
  }
  const d = bc.outDims;
  const s1 = bc.strides1;
  const s2 = bc.strides2;
  let o = 0;
  for (let a = 0; a < d[0]; a++) {
    for (let b = 0; b < d[1]; b++) {
      for (let c = 0; c < d[2]; c++) {
        for (let e = 0; e < d[3]; e++) {
          for (let f = 0; f < d[4]; f++) {
            for (let g = 0; g < d[5]; g++) {
              const i1 = a * s1[0] + b * s1[1] + c * s1[2] + e * s1[3] + f * s1[4] + g * s1[5];
              const i2 = a * s2[0] + b * s2[1] + c * s2[2] + e * s2[3] + f * s2[4] + g * s2[5];
              output[o++] = addOne(p, input1[i1], input2[i2]);
            }
          }
        }
      }
    }
  }
}
