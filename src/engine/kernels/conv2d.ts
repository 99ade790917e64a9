/**
 * conv2d reference kernels: the specification the native conv2d is tested against.
 * Plain loops over NHWC, explicit padding, no im2col, no blocking: deliberately slow.
 *
 * x: (N,H,W,Cin), w: (KH,KW,Cin,Cout), b: (Cout), y/dy: (N,OH,OW,Cout)
 * y[n,oy,ox,co] = b[co] + Σ_{ky,kx,ci} x[n, oy*sh - padTop + ky, ox*sw - padLeft + kx, ci] · w[ky,kx,ci,co]
 * Taps that fall outside the input read zero.
 */
import type { ConvShape } from './types.js';
import type { Buf } from './reference.js';

export function conv2dForward(s: ConvShape, x: Buf, w: Buf, b: Buf | null, y: Buf): void {
  const { n, h, w: wd, cin, kh, kw, cout, strideH, strideW, padTop, padLeft, outH, outW } = s;
  for (let bi = 0; bi < n; bi++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let co = 0; co < cout; co++) {
          let acc = b ? b[co] : 0;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * strideH - padTop + ky;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * strideW - padLeft + kx;
              if (ix < 0 || ix >= wd) continue;
              for (let ci = 0; ci < cin; ci++) {
                acc += x[((bi * h + iy) * wd + ix) * cin + ci] * w[((ky * kw + kx) * cin + ci) * cout + co];
              }
            }
          }
          y[((bi * outH + oy) * outW + ox) * cout + co] = acc;
        }
      }
    }
  }
}

/**
 * dx: (N,H,W,Cin) or null, dw: (KH,KW,Cin,Cout), db: (Cout) or null — all overwritten.
 * dw[ky,kx,ci,co] = Σ_{n,oy,ox} x[n,iy,ix,ci] · dy[n,oy,ox,co]
 * dx[n,iy,ix,ci]  = Σ over the (oy,ox,ky,kx) that read it of w[ky,kx,ci,co] · dy[n,oy,ox,co]
 * db[co]          = Σ_{n,oy,ox} dy[n,oy,ox,co]
 */
export function conv2dBackward(
  s: ConvShape, x: Buf, w: Buf, dy: Buf, dx: Buf | null, dw: Buf, db: Buf | null,
): void {
  const { n, h, w: wd, cin, kh, kw, cout, strideH, strideW, padTop, padLeft, outH, outW } = s;
  dw.fill(0);
  if (dx) dx.fill(0);
  if (db) db.fill(0);
  for (let bi = 0; bi < n; bi++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let co = 0; co < cout; co++) {
          const g = dy[((bi * outH + oy) * outW + ox) * cout + co];
          if (db) db[co] += g;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * strideH - padTop + ky;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * strideW - padLeft + kx;
              if (ix < 0 || ix >= wd) continue;
              for (let ci = 0; ci < cin; ci++) {
                const xi = ((bi * h + iy) * wd + ix) * cin + ci;
                const wi = ((ky * kw + kx) * cin + ci) * cout + co;
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
