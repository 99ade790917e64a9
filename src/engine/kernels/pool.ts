/**
 * Average and max pooling reference kernels (2-D windows, per channel): the
 * specification for the native pools. Plain loops, deliberately slow.
 *
 * x/dx: (N,H,W,C), y/dy: (N,OH,OW,C). Window (oy,ox) covers input rows
 * oy*sh - padTop + [0,KH) and columns ox*sw - padLeft + [0,KW). Padding taps are
 * not part of the window: the average divides by the count of in-bounds taps and the
 * max ignores them. A window with no in-bounds tap outputs 0 and passes no gradient.
 */
import type { PoolShape } from './types.js';
import type { Buf } from './reference.js';

/** Calls visit(inputIndex) for every in-bounds tap of window (bi, oy, ox) at channel ch, kh outer, kw inner. */
function forEachTap(s: PoolShape, bi: number, oy: number, ox: number, ch: number, visit: (xi: number) => void): void {
  for (let ky = 0; ky < s.kh; ky++) {
    const iy = oy * s.strideH - s.padTop + ky;
    if (iy < 0 || iy >= s.h) continue;
    for (let kx = 0; kx < s.kw; kx++) {
      const ix = ox * s.strideW - s.padLeft + kx;
      if (ix < 0 || ix >= s.w) continue;
      visit(((bi * s.h + iy) * s.w + ix) * s.c + ch);
    }
  }
}

function outIndex(s: PoolShape, bi: number, oy: number, ox: number, ch: number): number {
  return ((bi * s.outH + oy) * s.outW + ox) * s.c + ch;
}

/** Calls body(bi, oy, ox, ch) for every output element. */
function forEachOutput(s: PoolShape, body: (bi: number, oy: number, ox: number, ch: number) => void): void {
  for (let bi = 0; bi < s.n; bi++) {
    for (let oy = 0; oy < s.outH; oy++) {
      for (let ox = 0; ox < s.outW; ox++) {
        for (let ch = 0; ch < s.c; ch++) body(bi, oy, ox, ch);
      }
    }
  }
}

/** y = mean of the in-bounds taps. */
export function avgPoolForward(s: PoolShape, x: Buf, y: Buf): void {
  forEachOutput(s, (bi, oy, ox, ch) => {
    let sum = 0;
    let count = 0;
    forEachTap(s, bi, oy, ox, ch, (xi) => { sum += x[xi]; count++; });
    y[outIndex(s, bi, oy, ox, ch)] = count > 0 ? sum / count : 0;
  });
}

/** dx (overwritten): each in-bounds tap receives dy / count, summed over overlapping windows. */
export function avgPoolBackward(s: PoolShape, dy: Buf, dx: Buf): void {
  dx.fill(0);
  forEachOutput(s, (bi, oy, ox, ch) => {
    let count = 0;
    forEachTap(s, bi, oy, ox, ch, () => { count++; });
    if (count === 0) return;
    const g = dy[outIndex(s, bi, oy, ox, ch)] / count;
    forEachTap(s, bi, oy, ox, ch, (xi) => { dx[xi] += g; });
  });
}

/** Input index of the first maximal in-bounds tap (scan order kh outer, kw inner), or -1. */
function argmaxTap(s: PoolShape, x: Buf, bi: number, oy: number, ox: number, ch: number): number {
  let best = -1;
  forEachTap(s, bi, oy, ox, ch, (xi) => {
    if (best < 0 || x[xi] > x[best]) best = xi;
  });
  return best;
}

/** y = max of the in-bounds taps. */
export function maxPoolForward(s: PoolShape, x: Buf, y: Buf): void {
  forEachOutput(s, (bi, oy, ox, ch) => {
    const best = argmaxTap(s, x, bi, oy, ox, ch);
    y[outIndex(s, bi, oy, ox, ch)] = best >= 0 ? x[best] : 0;
  });
}

/** dx (overwritten): dy goes to the first maximal tap of each window, summed over overlapping windows. */
export function maxPoolBackward(s: PoolShape, x: Buf, dy: Buf, dx: Buf): void {
  dx.fill(0);
  forEachOutput(s, (bi, oy, ox, ch) => {
    const best = argmaxTap(s, x, bi, oy, ox, ch);
    if (best >= 0) dx[best] += dy[outIndex(s, bi, oy, ox, ch)];
  });
}
