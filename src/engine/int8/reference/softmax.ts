/**
 * Reference int8 softmax over the last axis (TFLite reference_ops::Softmax for
 * int8 → int8; gemmlowp fixed-point exp). Output scale 1/256, zero point -128.
 *
 * Per row: d = x - max; entries with d < diffMin output -128 and add nothing.
 * Otherwise e = exp(requantize(d, inputMultiplier, inputLeftShift)) (Q5.26 →
 * Q0.31); sum = Σ e in Q12.19; 1/sum via GetReciprocal (normalise to [1,2),
 * 1/(1+x)); y = RoundingDivideByPOT(1/sum · e, numBitsOverUnit + 23) - 128.
 */
import {
  expOnNegativeValues, oneOverOnePlusXForXIn01, requantize, roundingDivideByPOT, srdhm,
} from '../fixedpoint.js';
import type { SoftmaxParams } from '../types.js';

const SCALED_DIFF_INTEGER_BITS = 5;
const ACCUMULATION_INTEGER_BITS = 12;

export function softmax(p: SoftmaxParams, input: Int8Array, output: Int8Array): void {
  const depth = p.depth;
  const scaledExp = (diff: number): number =>
    expOnNegativeValues(requantize(diff, p.inputMultiplier, p.inputLeftShift, p.rounding), SCALED_DIFF_INTEGER_BITS);
  for (let i = 0; i < p.outer; i++) {
    let maxInRow = -128;
    for (let c = 0; c < depth; c++) maxInRow = Math.max(maxInRow, input[i * depth + c]);

    let sumOfExps = 0;
    for (let c = 0; c < depth; c++) {
      const inputDiff = input[i * depth + c] - maxInRow;
      if (inputDiff >= p.diffMin) {
        // Rescale<12>: Q0.31 → Q12.19.
        sumOfExps = (sumOfExps + roundingDivideByPOT(scaledExp(inputDiff), ACCUMULATION_INTEGER_BITS)) | 0;
      }
    }

    // GetReciprocal(sum, 12): shift the sum to [1, 2) and take 1 / (1 + x).
    const headroomPlusOne = Math.min(Math.clz32(sumOfExps), 31);
    const numBitsOverUnit = ACCUMULATION_INTEGER_BITS - headroomPlusOne;
    const shiftedSumMinusOne = ((sumOfExps << headroomPlusOne) - 2147483648) | 0;
    const shiftedScale = oneOverOnePlusXForXIn01(shiftedSumMinusOne);
    const exponent = numBitsOverUnit + 31 - 8;

    for (let c = 0; c < depth; c++) {
      const inputDiff = input[i * depth + c] - maxInRow;
      if (inputDiff >= p.diffMin) {
        const expIn0 = scaledExp(inputDiff);
        // TFLite CHECKs exponent <= 31; beyond it the quotient rounds to 0.
        const unsatOutput = exponent > 31 ? 0 : roundingDivideByPOT(srdhm(shiftedScale, expIn0), exponent);
        output[i * depth + c] = Math.max(Math.min(unsatOutput - 128, 127), -128);
      } else {
        output[i * depth + c] = -128;
      }
    }
  }
}
