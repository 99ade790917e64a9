/**
 * Mel filterbank (HTK scale, unnormalised triangles on the FFT bin
 * frequencies, as librosa with htk=True, norm=None) and the DCT-II matrix of
 * MFCCs. Both are stored the way the C side uses them: filters as sparse
 * (start, len, weights) runs, the DCT with its orthonormal scale and the
 * lifter folded into the rows.
 */

export const hzToMel = (hz: number): number => 2595 * Math.log10(1 + hz / 700);
export const melToHz = (mel: number): number => 700 * (10 ** (mel / 2595) - 1);

export interface MelFilterbank {
  /** First FFT bin of each filter. */
  readonly start: Int32Array;
  /** Number of bins of each filter (0 = the filter covers no bin). */
  readonly len: Int32Array;
  /** All filters' weights back to back. */
  readonly weights: Float64Array;
}

export function melFilterbank(sampleRate: number, fftLength: number, melBins: number, fmin: number, fmax: number): MelFilterbank {
  const bins = fftLength / 2 + 1;
  const lo = hzToMel(fmin);
  const step = (hzToMel(fmax) - lo) / (melBins + 1);
  const edge = (i: number) => melToHz(lo + i * step);
  const start = new Int32Array(melBins);
  const len = new Int32Array(melBins);
  const weights: number[] = [];
  for (let j = 0; j < melBins; j++) {
    const [left, centre, right] = [edge(j), edge(j + 1), edge(j + 2)];
    let first = -1;
    let last = -1;
    const w: number[] = [];
    for (let k = 0; k < bins; k++) {
      const f = (k * sampleRate) / fftLength;
      const v = Math.max(0, Math.min((f - left) / (centre - left), (right - f) / (right - centre)));
      if (v > 0) {
        if (first < 0) first = k;
        last = k;
      }
      w.push(v);
    }
    if (first < 0) continue;
    start[j] = first;
    len[j] = last - first + 1;
    for (let k = first; k <= last; k++) weights.push(w[k]!);
  }
  return { start, len, weights: Float64Array.from(weights) };
}

/** Row k of the orthonormal DCT-II, times the HTK lifter 1 + (L/2)·sin(πk/L) when L > 0. */
export function dctMatrix(numCoeffs: number, melBins: number, lifter: number): Float64Array {
  const m = new Float64Array(numCoeffs * melBins);
  for (let k = 0; k < numCoeffs; k++) {
    const scale = Math.sqrt((k === 0 ? 1 : 2) / melBins) * (lifter > 0 ? 1 + (lifter / 2) * Math.sin((Math.PI * k) / lifter) : 1);
    for (let n = 0; n < melBins; n++) m[k * melBins + n] = scale * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * melBins));
  }
  return m;
}
