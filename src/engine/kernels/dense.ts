/**
 * Dense (fully connected) reference kernels: the specification for the native
 * GEMM-based dense layer. Plain triple loops, deliberately slow.
 *
 * x: (N,In), w: (In,Out), b: (Out), y/dy: (N,Out)
 * y[n,o] = b[o] + Σ_i x[n,i] · w[i,o]
 */
import type { DenseShape } from './types.js';
import type { Buf } from './reference.js';

export function denseForward(s: DenseShape, x: Buf, w: Buf, b: Buf | null, y: Buf): void {
  const { n, inF, outF } = s;
  for (let bi = 0; bi < n; bi++) {
    for (let o = 0; o < outF; o++) {
      let acc = b ? b[o] : 0;
      for (let i = 0; i < inF; i++) acc += x[bi * inF + i] * w[i * outF + o];
      y[bi * outF + o] = acc;
    }
  }
}

/**
 * dx: (N,In) or null, dw: (In,Out), db: (Out) or null — all overwritten.
 * dx = dy · wᵀ, dw = xᵀ · dy, db = Σ_n dy[n,:]
 */
export function denseBackward(
  s: DenseShape, x: Buf, w: Buf, dy: Buf, dx: Buf | null, dw: Buf, db: Buf | null,
): void {
  const { n, inF, outF } = s;
  if (dx) {
    for (let bi = 0; bi < n; bi++) {
      for (let i = 0; i < inF; i++) {
        let acc = 0;
        for (let o = 0; o < outF; o++) acc += dy[bi * outF + o] * w[i * outF + o];
        dx[bi * inF + i] = acc;
      }
    }
  }
  for (let i = 0; i < inF; i++) {
    for (let o = 0; o < outF; o++) {
      let acc = 0;
      for (let bi = 0; bi < n; bi++) acc += x[bi * inF + i] * dy[bi * outF + o];
      dw[i * outF + o] = acc;
    }
  }
  if (db) {
    for (let o = 0; o < outF; o++) {
      let acc = 0;
      for (let bi = 0; bi < n; bi++) acc += dy[bi * outF + o];
      db[o] = acc;
    }
  }
}
