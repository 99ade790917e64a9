/**
 * Reference int8 average / max pooling (TFLite reference_integer_ops::AveragePool,
 * MaxPool). x (N,H,W,C), y (N,OH,OW,C); input and output share scale and zero
 * point. The window is clipped to the image; the average divides by the number
 * of in-bounds taps, rounding half away from zero.
 */
import type { PoolParams } from '../types.js';

function pool(p: PoolParams, input: Int8Array, output: Int8Array, average: boolean): void {
  const { input: x, output: y } = p;
  for (let b = 0; b < y.n; b++) {
    for (let oy = 0; oy < y.h; oy++) {
      for (let ox = 0; ox < y.w; ox++) {
        for (let c = 0; c < x.c; c++) {
          const inX0 = ox * p.strideW - p.padW;
          const inY0 = oy * p.strideH - p.padH;
          const fx0 = Math.max(0, -inX0);
          const fx1 = Math.min(p.filterW, x.w - inX0);
          const fy0 = Math.max(0, -inY0);
          const fy1 = Math.min(p.filterH, x.h - inY0);
          let acc = 0;
          let count = 0;
          let max = -128;
          for (let fy = fy0; fy < fy1; fy++) {
            for (let fx = fx0; fx < fx1; fx++) {
              const v = input[((b * x.h + inY0 + fy) * x.w + inX0 + fx) * x.c + c];
              acc += v;
              count++;
              max = Math.max(max, v);
            }
          }
          let r: number;
          if (!average) r = max;
          else if (count === 0) r = 0;
          else r = acc > 0 ? Math.trunc((acc + Math.trunc(count / 2)) / count) : Math.trunc((acc - Math.trunc(count / 2)) / count);
          output[((b * y.h + oy) * y.w + ox) * y.c + c] = Math.min(Math.max(r, p.actMin), p.actMax);
        }
      }
    }
  }
}

export const avgPool = (p: PoolParams, input: Int8Array, output: Int8Array): void => pool(p, input, output, true);
export const maxPool = (p: PoolParams, input: Int8Array, output: Int8Array): void => pool(p, input, output, false);
