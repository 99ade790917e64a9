/**
 * Reference int8 conv2d (TFLite reference_integer_ops::ConvPerChannel).
 * x (N,H,W,Cin), w (Cout,KH,KW,Cin), bias (Cout), y (N,OH,OW,Cout).
 *
 *   acc = bias[oc] + Σ_{in-bounds ky,kx,ic} (x + inputOffset)·w
 *   y   = clamp(requantize(acc, M[oc], s[oc]) + outputOffset, actMin, actMax)
 *
 * Plain loops in TFLite's order, never optimized: this is the specification.
 */
import { requantize } from '../fixedpoint.js';
import type { ConvParams } from '../types.js';

export function conv2d(p: ConvParams, input: Int8Array, filter: Int8Array, bias: Int32Array | null, output: Int8Array): void {
  const { strideH, strideW, dilationH, dilationW, padH, padW, inputOffset, outputOffset, actMin, actMax, rounding } = p;
  const { h: inH, w: inW, c: inC } = p.input;
  const { h: kH, w: kW } = p.filter;
  const { n: batches, h: outH, w: outW, c: outC } = p.output;
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const inY0 = oy * strideH - padH;
        const inX0 = ox * strideW - padW;
        for (let oc = 0; oc < outC; oc++) {
          let acc = 0;
          for (let ky = 0; ky < kH; ky++) {
            for (let kx = 0; kx < kW; kx++) {
              const iy = inY0 + dilationH * ky;
              const ix = inX0 + dilationW * kx;
              if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) continue;
              const inputBase = ((b * inH + iy) * inW + ix) * inC;
              const filterBase = ((oc * kH + ky) * kW + kx) * inC;
              for (let ic = 0; ic < inC; ic++) {
                const inputVal = input[inputBase + ic];
                const filterVal = filter[filterBase + ic];
                acc = (acc + filterVal * (inputVal + inputOffset)) | 0;
              }
            }
          }
          if (bias) acc = (acc + bias[oc]) | 0;
          acc = requantize(acc, p.multiplier[oc], p.shift[oc], rounding);
          acc = (acc + outputOffset) | 0;
          acc = Math.min(Math.max(acc, actMin), actMax);
          output[((b * outH + oy) * outW + ox) * outC + oc] = acc;
        }
      }
    }
  }
}
