/**
 * Reference int8 tanh (TFLite reference_integer_ops::Tanh). Output scale 1/128,
 * zero point 0.
 *
 * x = q - inputZeroPoint; |x| at or beyond inputRangeRadius saturates;
 * otherwise y = RoundingDivideByPOT(tanh(requantize(x) as Q4.27), 24).
 */
import { requantize, roundingDivideByPOT, tanhQ4 } from '../fixedpoint.js';
import type { SigmoidParams } from '../types.js';

export function tanh(p: SigmoidParams, input: Int8Array, output: Int8Array): void {
  for (let i = 0; i < input.length; i++) {
    const x = input[i] - p.inputZeroPoint;
    if (x <= -p.inputRangeRadius) {
      output[i] = -128;
    } else if (x >= p.inputRangeRadius) {
      output[i] = 127;
    } else {
      const inputInQ4 = requantize(x, p.inputMultiplier, p.inputLeftShift, p.rounding);
      const outputInQ0 = tanhQ4(inputInQ4);
      const outputInQ24 = roundingDivideByPOT(outputInQ0, 31 - 7);
      output[i] = Math.min(Math.max(outputInQ24, -128), 127);
    }
  }
}
