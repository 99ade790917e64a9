/**
 * Real FFT of any power-of-two length N ≥ 2, the same algorithm as
 * native/dsp/mlf_fft.c: the N reals are packed into N/2 complex values, an
 * in-place FFT of length N/2 runs on them, and a split step yields the
 * N/2 + 1 bins. The complex FFT is radix-2 decimation in time with its
 * stages fused in pairs (radix-2²: four points through two stages per load
 * and store). One table of N floats (cos then sin of 2πk/N, k < N/2) serves
 * both steps. TS runs in float64, C in float32; the parity test bounds the gap.
 */

/** cos(2πk/N) for k < N/2, then sin(2πk/N) for k < N/2. */
export function twiddleTable(n: number): Float64Array {
  const h = n / 2;
  const t = new Float64Array(n);
  for (let k = 0; k < h; k++) {
    t[k] = Math.cos((2 * Math.PI * k) / n);
    t[h + k] = Math.sin((2 * Math.PI * k) / n);
  }
  return t;
}

/** Periodic window of `length` samples. */
export function windowTable(kind: 'hann' | 'hamming', length: number): Float64Array {
  const [a, b] = kind === 'hann' ? [0.5, 0.5] : [0.54, 0.46];
  return Float64Array.from({ length }, (_, i) => a - b * Math.cos((2 * Math.PI * i) / length));
}

/** Bit-reversal permutation of the m complex values in buf. */
function bitReverse(buf: Float64Array, m: number): void {
  for (let i = 0, j = 0; i < m; i++) {
    if (i < j) {
      const [re, im] = [buf[2 * i]!, buf[2 * i + 1]!];
      buf[2 * i] = buf[2 * j]!; buf[2 * i + 1] = buf[2 * j + 1]!;
      buf[2 * j] = re; buf[2 * j + 1] = im;
    }
    let bit = m >> 1;
    while (j & bit) { j ^= bit; bit >>= 1; }
    j |= bit;
  }
}

/** Stage of span 1: every twiddle is 1. */
function radix2First(buf: Float64Array, m: number): void {
  for (let p = 0; p < 2 * m; p += 4) {
    const [ar, ai, br, bi] = [buf[p]!, buf[p + 1]!, buf[p + 2]!, buf[p + 3]!];
    buf[p] = ar + br; buf[p + 1] = ai + bi; buf[p + 2] = ar - br; buf[p + 3] = ai - bi;
  }
}

/** The second stage of a fused pair, shared by both passes: (a, c) from A ± U and (b, d) from B ± (−i)·V. */
function radix4Store(buf: Float64Array, pa: number, pb: number, pc: number, pd: number, ar: number, ai: number, br: number, bi: number,
  ur: number, ui: number, vr: number, vi: number): void {
  buf[pa] = ar + ur; buf[pa + 1] = ai + ui; buf[pc] = ar - ur; buf[pc + 1] = ai - ui;
  buf[pb] = br + vi; buf[pb + 1] = bi - vr; buf[pd] = br - vi; buf[pd + 1] = bi + vr;
}

/** Stages of span 1 and 2: twiddles 1 and −i. */
function radix4First(buf: Float64Array, m: number): void {
  for (let p = 0; p < 2 * m; p += 8) {
    const ar = buf[p]! + buf[p + 2]!, ai = buf[p + 1]! + buf[p + 3]!, br = buf[p]! - buf[p + 2]!, bi = buf[p + 1]! - buf[p + 3]!;
    const cr = buf[p + 4]! + buf[p + 6]!, ci = buf[p + 5]! + buf[p + 7]!, dr = buf[p + 4]! - buf[p + 6]!, di = buf[p + 5]! - buf[p + 7]!;
    radix4Store(buf, p, p + 2, p + 4, p + 6, ar, ai, br, bi, cr, ci, dr, di);
  }
}

/**
 * Stages of span h and 2h. For the points a, b = a+h, c = a+2h, d = a+3h of a
 * group: (a, b) and (c, d) with W1 = W_2h^k, then (a, c) with W2 = W_4h^k and
 * (b, d) with W_4h^(k+h) = −i·W2.
 */
function radix4Pass(twiddle: Float64Array, n: number, m: number, h: number, buf: Float64Array): void {
  const s1 = n / (2 * h), s2 = n / (4 * h);
  for (let k = 0; k < h; k++) {
    const w1r = twiddle[k * s1]!, w1i = -twiddle[m + k * s1]!, w2r = twiddle[k * s2]!, w2i = -twiddle[m + k * s2]!;
    for (let base = k; base < m; base += 4 * h) {
      const pa = 2 * base, pb = pa + 2 * h, pc = pb + 2 * h, pd = pc + 2 * h;
      const [xar, xai, xbr, xbi] = [buf[pa]!, buf[pa + 1]!, buf[pb]!, buf[pb + 1]!];
      const [xcr, xci, xdr, xdi] = [buf[pc]!, buf[pc + 1]!, buf[pd]!, buf[pd + 1]!];
      const t1r = w1r * xbr - w1i * xbi, t1i = w1r * xbi + w1i * xbr;
      const t2r = w1r * xdr - w1i * xdi, t2i = w1r * xdi + w1i * xdr;
      const ar = xar + t1r, ai = xai + t1i, br = xar - t1r, bi = xai - t1i;
      const cr = xcr + t2r, ci = xci + t2i, dr = xcr - t2r, di = xci - t2i;
      const ur = w2r * cr - w2i * ci, ui = w2r * ci + w2i * cr;
      const vr = w2r * dr - w2i * di, vi = w2r * di + w2i * dr;
      radix4Store(buf, pa, pb, pc, pd, ar, ai, br, bi, ur, ui, vr, vi);
    }
  }
}

/**
 * In place: buf[0..N) holds the real input; afterwards buf[2k], buf[2k+1] hold
 * bin k (re, im) for k = 0..N/2, so buf needs N + 2 entries.
 */
export function rfft(twiddle: Float64Array, n: number, buf: Float64Array): void {
  const m = n / 2;
  const h = n / 2; // offset of the sin half of the table
  const stages = Math.round(Math.log2(m));
  bitReverse(buf, m);
  // Radix-2 decimation in time, stages fused in pairs (radix-2²); an odd count starts with one plain stage.
  let span = m;
  if (stages % 2 === 1) { radix2First(buf, m); span = 2; } else if (stages > 0) { radix4First(buf, m); span = 4; }
  for (; span < m; span *= 4) radix4Pass(twiddle, n, m, span, buf);
  // Split: X[k] = E + W^k·O and X[m−k] = conj(E − W^k·O), with
  // E = (Z[k] + conj Z[m−k]) / 2 and O = −i (Z[k] − conj Z[m−k]) / 2.
  const [r0, i0] = [buf[0]!, buf[1]!];
  buf[0] = r0 + i0; buf[1] = 0;
  buf[n] = r0 - i0; buf[n + 1] = 0;
  for (let k = 1; k <= m / 2; k++) {
    const [ar, ai, br, bi] = [buf[2 * k]!, buf[2 * k + 1]!, buf[2 * (m - k)]!, -buf[2 * (m - k) + 1]!];
    const er = 0.5 * (ar + br);
    const ei = 0.5 * (ai + bi);
    const or = 0.5 * (ai - bi);
    const oi = -0.5 * (ar - br);
    const wr = twiddle[k]!;
    const wi = -twiddle[h + k]!;
    const tr = wr * or - wi * oi;
    const ti = wr * oi + wi * or;
    buf[2 * k] = er + tr; buf[2 * k + 1] = ei + ti;
    buf[2 * (m - k)] = er - tr; buf[2 * (m - k) + 1] = -(ei - ti);
  }
}

/** In place: buf[k] = |X[k]|² for k = 0..N/2 from the rfft layout. */
export function powerSpectrum(buf: Float64Array, bins: number): void {
  for (let k = 0; k < bins; k++) buf[k] = buf[2 * k]! ** 2 + buf[2 * k + 1]! ** 2;
}
