/**
 * Reference int8 conv2d (TFLite reference_integer_ops::ConvPerChannel).
 * x (N,H,W,Cin), w (Cout,KH,KW,Cin), bias (Cout), y (N,OH,OW,Cout).
 *
 *   acc = bias[oc] + Σ_{in-bounds ky,kx,ic} (x + inputOffset)·w
 *   y   = clamp(requantize(acc, M[oc], s[oc]) + outputOffset, actMin, actMax)
 *
 * Plain loops, never optimized: this is the specification.
 */
import { requantize } from '../fixedpoint.js';
import type { ConvParams } from '../types.js';

export function conv2d(p: ConvParams, input: Int8Array, filter: Int8Array, bias: Int32Array | null, output: Int8Array): void {
  const { input: x, filter: f, output: y } = p;
  for (let b = 0; b < y.n; b++) {
    for (let oy = 0; oy < y.h; oy++) {
      for (let ox = 0; ox < y.w; ox++) {
        const inY0 = oy * p.strideH - p.padH;
        const inX0 = ox * p.strideW - p.padW;
        for (let oc = 0; oc < y.c; oc++) {
          let acc = 0;
          for (let ky = 0; ky < f.h; ky++) {
            for (let kx = 0; kx < f.w; kx++) {
              const iy = inY0 + p.dilationH * ky;
              const ix = inX0 + p.dilationW * kx;
              if (iy < 0 || iy >= x.h || ix < 0 || ix >= x.w) continue;
              for (let ic = 0; ic < x.c; ic++) {
                const inputVal = input[((b * x.h + iy) * x.w + ix) * x.c + ic];
                const filterVal = filter[((oc * f.h + ky) * f.w + kx) * f.c + ic];
                acc = (acc + filterVal * (inputVal + p.inputOffset)) | 0;
              }
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
