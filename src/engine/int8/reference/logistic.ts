/**
 * Reference int8 logistic (TFLite reference_integer_ops::Logistic). Output scale
 * 1/256, zero point -128.
 *
 * x = q - inputZeroPoint; |x| at or beyond inputRangeRadius saturates;
 * otherwise y = RoundingDivideByPOT(logistic(requantize(x) as Q4.27), 23) - 128.
 */
import { logisticQ4, requantize, roundingDivideByPOT } from '../fixedpoint.js';
import type { SigmoidParams } from '../types.js';

export function logistic(p: SigmoidParams, input: Int8Array, output: Int8Array): void {
  for (let i = 0; i < input.length; i++) {
    const x = input[i] - p.inputZeroPoint;
    if (x <= -p.inputRangeRadius) {
      output[i] = -128;
    } else if (x >= p.inputRangeRadius) {
      output[i] = 127;
    } else {
      const inputInQ4 = requantize(x, p.inputMultiplier, p.inputLeftShift, p.rounding);
      const outputInQ0 = logisticQ4(inputInQ4);
      const outputInQ23 = roundingDivideByPOT(outputInQ0, 31 - 8) - 128;
      output[i] = Math.min(Math.max(outputInQ23, -128), 127);
    }
  }
}
