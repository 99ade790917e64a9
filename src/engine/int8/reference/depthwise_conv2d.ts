/**
 * Reference int8 depthwise conv2d (TFLite reference_integer_ops::DepthwiseConvPerChannel).
 * x (N,H,W,C), w (1,KH,KW,C·M), bias (C·M), y (N,OH,OW,C·M); output channel
 * oc = ic·M + m reads input channel ic.
 *
 *   acc = bias[oc] + Σ_{in-bounds ky,kx} (x[ic] + inputOffset)·w[oc]
 *   y   = clamp(requantize(acc, M[oc], s[oc]) + outputOffset, actMin, actMax)
 */
import { requantize } from '../fixedpoint.js';
import type { DepthwiseParams } from '../types.js';

export function depthwiseConv2d(
  p: DepthwiseParams, input: Int8Array, filter: Int8Array, bias: Int32Array | null, output: Int8Array,
): void {
  const { input: x, filter: f, output: y } = p;
  for (let b = 0; b < y.n; b++) {
    for (let oy = 0; oy < y.h; oy++) {
      for (let ox = 0; ox < y.w; ox++) {
        for (let ic = 0; ic < x.c; ic++) {
          for (let m = 0; m < p.depthMultiplier; m++) {
            const oc = m + ic * p.depthMultiplier;
            const inY0 = oy * p.strideH - p.padH;
            const inX0 = ox * p.strideW - p.padW;
            let acc = 0;
            for (let ky = 0; ky < f.h; ky++) {
              for (let kx = 0; kx < f.w; kx++) {
                const iy = inY0 + p.dilationH * ky;
                const ix = inX0 + p.dilationW * kx;
                if (iy < 0 || iy >= x.h || ix < 0 || ix >= x.w) continue;
                const inputVal = input[((b * x.h + iy) * x.w + ix) * x.c + ic];
                const filterVal = filter[(ky * f.w + kx) * f.c + oc];
                acc = (acc + filterVal * (inputVal + p.inputOffset)) | 0;
              }
            }
            if (bias) acc = (acc + bias[oc]) | 0;
            acc = requantize(acc, p.multiplier[oc], p.shift[oc], p.rounding);
            acc = (acc + p.outputOffset) | 0;
            acc = Math.min(Math.max(acc, p.actMin), p.actMax);
            output[((b * y.h + oy) * y.w + ox) * y.c + oc] = acc;
          }
        }
      }
    }
  }
}
