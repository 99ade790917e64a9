/**
 * Reference quantize / dequantize / requantize (TFLite AffineQuantize,
 * Dequantize, Requantize).
 *
 * quantize:   q = clamp(round(x / scale) + zeroPoint), the division and the
 *             rounding (half away from zero) in float32 as TFLite does.
 * dequantize: x = float32(double(scale) · (q - zeroPoint)).
 * requantize: q' = clamp(requantize(q - zp_in, M, s) + zp_out).
 */
import { requantize as requantizeValue, roundHalfAway } from '../fixedpoint.js';
import type { QuantizeParams, RequantizeParams } from '../types.js';

export function quantize(p: QuantizeParams, input: Float32Array, output: Int8Array): void {
  const scale = Math.fround(p.scale);
  for (let i = 0; i < input.length; i++) {
    let r = roundHalfAway(Math.fround(input[i] / scale));
    // Out-of-range and NaN inputs clamp (NaN low, as a truncating x86 conversion would).
    if (!(r >= -1048576)) r = -1048576;
    if (r > 1048576) r = 1048576;
    output[i] = Math.min(Math.max(r + p.zeroPoint, -128), 127);
  }
}

export function dequantize(p: QuantizeParams, input: Int8Array, output: Float32Array): void {
  const scale = Math.fround(p.scale);
  for (let i = 0; i < input.length; i++) output[i] = scale * (input[i] - p.zeroPoint);
}

export function requantize(p: RequantizeParams, input: Int8Array, output: Int8Array): void {
  for (let i = 0; i < input.length; i++) {
    const x = input[i] - p.inputZeroPoint;
    const y = (requantizeValue(x, p.multiplier, p.shift, p.rounding) + p.outputZeroPoint) | 0;
    output[i] = Math.min(Math.max(y, -128), 127);
  }
}
