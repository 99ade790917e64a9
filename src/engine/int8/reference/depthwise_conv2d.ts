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
  const { strideH, strideW, dilationH, dilationW, padH, padW, depthMultiplier, inputOffset, outputOffset, actMin, actMax, rounding } = p;
  const { h: inH, w: inW, c: inC } = p.input;
  const { h: kH, w: kW } = p.filter;
  const { n: batches, h: outH, w: outW, c: outC } = p.output;
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let ic = 0; ic < inC; ic++) {
          for (let m = 0; m < depthMultiplier; m++) {
            const oc = m + ic * depthMultiplier;
            const inY0 = oy * strideH - padH;
            const inX0 = ox * strideW - padW;
            let acc = 0;
            for (let ky = 0; ky < kH; ky++) {
              for (let kx = 0; kx < kW; kx++) {
                const iy = inY0 + dilationH * ky;
                const ix = inX0 + dilationW * kx;
                if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) continue;
                const inputVal = input[((b * inH + iy) * inW + ix) * inC + ic];
                const filterVal = filter[(ky * kW + kx) * outC + oc];
                acc = (acc + filterVal * (inputVal + inputOffset)) | 0;
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
}
