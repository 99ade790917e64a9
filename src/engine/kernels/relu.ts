/**
 * ReLU / ReLU6 reference kernels (elementwise, any shape): y = min(max(x, 0), cap),
 * cap = Infinity for ReLU and 6 for ReLU6. Both may run in place.
 */
import type { Buf } from './reference.js';

/** x, y: same length; y === x allowed. */
export function reluForward(x: Buf, y: Buf, cap: number): void {
  for (let i = 0; i < x.length; i++) y[i] = Math.min(Math.max(x[i], 0), cap);
}

/**
 * y: the forward output; dx = dy where 0 < y < cap, else 0 (the kinks at 0 and cap get 0).
 * dx === dy allowed.
 */
export function reluBackward(y: Buf, dy: Buf, dx: Buf, cap: number): void {
  for (let i = 0; i < y.length; i++) dx[i] = y[i] > 0 && y[i] < cap ? dy[i] : 0;
}
