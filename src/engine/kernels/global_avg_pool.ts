/**
 * Global average pool reference kernels: mean over the spatial positions.
 * x/dx: (N, HW, C), y/dy: (N, C).
 */
import type { Buf } from './reference.js';

export function globalAvgPoolForward(n: number, hw: number, c: number, x: Buf, y: Buf): void {
  for (let bi = 0; bi < n; bi++) {
    for (let ch = 0; ch < c; ch++) {
      let acc = 0;
      for (let p = 0; p < hw; p++) acc += x[(bi * hw + p) * c + ch];
      y[bi * c + ch] = acc / hw;
    }
  }
}

/** dx[n,p,c] = dy[n,c] / HW (overwritten). */
export function globalAvgPoolBackward(n: number, hw: number, c: number, dy: Buf, dx: Buf): void {
  for (let bi = 0; bi < n; bi++) {
    for (let p = 0; p < hw; p++) {
      for (let ch = 0; ch < c; ch++) dx[(bi * hw + p) * c + ch] = dy[bi * c + ch] / hw;
    }
  }
}
