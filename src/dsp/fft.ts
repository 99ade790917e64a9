/**
 * Real FFT of any power-of-two length N ≥ 2, the same algorithm as
 * native/dsp/mlf_fft.c: the N reals are packed into N/2 complex values, an
 * in-place radix-2 FFT of length N/2 runs on them, and a split step yields the
 * N/2 + 1 bins. One table of N floats (cos then sin of 2πk/N, k < N/2) serves
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

/**
 * In place: buf[0..N) holds the real input; afterwards buf[2k], buf[2k+1] hold
 * bin k (re, im) for k = 0..N/2, so buf needs N + 2 entries.
 */
export function rfft(twiddle: Float64Array, n: number, buf: Float64Array): void {
  const m = n / 2;
  const h = n / 2; // offset of the sin half of the table
  // Bit-reversal permutation of the m complex values.
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
  // Radix-2 butterflies; W_size^k = W_N^(k·N/size).
  for (let size = 2; size <= m; size *= 2) {
    const half = size / 2;
    const step = n / size;
    for (let base = 0; base < m; base += size) {
      for (let k = 0; k < half; k++) {
        const wr = twiddle[k * step]!;
        const wi = -twiddle[h + k * step]!;
        const p = 2 * (base + k);
        const q = p + size;
        const tr = wr * buf[q]! - wi * buf[q + 1]!;
        const ti = wr * buf[q + 1]! + wi * buf[q]!;
        buf[q] = buf[p]! - tr; buf[q + 1] = buf[p + 1]! - ti;
        buf[p] += tr; buf[p + 1] += ti;
      }
    }
  }
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
