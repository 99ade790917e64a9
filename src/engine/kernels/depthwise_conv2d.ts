/**
 * Depthwise conv2d reference kernels (channel multiplier M): the specification for
 * the native depthwise kernel. Plain loops, deliberately slow.
 *
 * x: (N,H,W,C), w: (KH,KW,C*M), b: (C*M), y/dy: (N,OH,OW,C*M)
 * Output channel oc = c*M + m reads only input channel c:
 * y[n,oy,ox,oc] = b[oc] + Σ_{ky,kx} x[n, oy*sh - padTop + ky, ox*sw - padLeft + kx, c] · w[ky,kx,oc]
 * Taps that fall outside the input read zero.
 */
import type { DepthwiseShape } from './types.js';
import type { Buf } from './reference.js';

export function depthwiseForward(s: DepthwiseShape, x: Buf, w: Buf, b: Buf | null, y: Buf): void {
  const { n, h, w: wd, c, multiplier: m, kh, kw, strideH, strideW, padTop, padLeft, outH, outW } = s;
  const oc = c * m;
  for (let bi = 0; bi < n; bi++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let ci = 0; ci < c; ci++) {
          for (let mi = 0; mi < m; mi++) {
            const o = ci * m + mi;
            let acc = b ? b[o] : 0;
            for (let ky = 0; ky < kh; ky++) {
              const iy = oy * strideH - padTop + ky;
              if (iy < 0 || iy >= h) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ix = ox * strideW - padLeft + kx;
                if (ix < 0 || ix >= wd) continue;
                acc += x[((bi * h + iy) * wd + ix) * c + ci] * w[(ky * kw + kx) * oc + o];
              }
            }
            y[((bi * outH + oy) * outW + ox) * oc + o] = acc;
          }
        }
      }
    }
  }
}

/**
 * dx: (N,H,W,C) or null, dw: (KH,KW,C*M), db: (C*M) or null — all overwritten.
 * dw[ky,kx,oc] = Σ_{n,oy,ox} x[n,iy,ix,c] · dy[n,oy,ox,oc]
 * dx[n,iy,ix,c] = Σ_m Σ over the (oy,ox,ky,kx) that read it of w[ky,kx,c*M+m] · dy[n,oy,ox,c*M+m]
 */
export function depthwiseBackward(
  s: DepthwiseShape, x: Buf, w: Buf, dy: Buf, dx: Buf | null, dw: Buf, db: Buf | null,
): void {
  const { n, h, w: wd, c, multiplier: m, kh, kw, strideH, strideW, padTop, padLeft, outH, outW } = s;
  const oc = c * m;
  dw.fill(0);
  if (dx) dx.fill(0);
  if (db) db.fill(0);
  for (let bi = 0; bi < n; bi++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let ci = 0; ci < c; ci++) {
          for (let mi = 0; mi < m; mi++) {
            const o = ci * m + mi;
            const g = dy[((bi * outH + oy) * outW + ox) * oc + o];
            if (db) db[o] += g;
            for (let ky = 0; ky < kh; ky++) {
              const iy = oy * strideH - padTop + ky;
              if (iy < 0 || iy >= h) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ix = ox * strideW - padLeft + kx;
                if (ix < 0 || ix >= wd) continue;
                const xi = ((bi * h + iy) * wd + ix) * c + ci;
                const wi = (ky * kw + kx) * oc + o;
                dw[wi] += x[xi] * g;
                if (dx) dx[xi] += w[wi] * g;
              }
            }
          }
        }
      }
    }
  }
}
