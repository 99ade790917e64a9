/**
 * Motion features (accelerometer, gyroscope) in TypeScript, the twin of
 * mlf_motion_features() in native/dsp. Input: one window, [windowLength, axes]
 * interleaved. Output per axis, axis after axis: the chosen statistics in the
 * order of MOTION_STATS, then the band energies.
 */
import { MlforgeError } from '../errors.js';
import { MOTION_STATS, type MotionFeatureConfig } from './config.js';
import { powerSpectrum, rfft, twiddleTable, windowTable } from './fft.js';

export interface MotionTables {
  /** windowLength samples (hann) or empty (none). */
  readonly window: Float64Array;
  readonly twiddle: Float64Array;
}

export function motionTables(c: MotionFeatureConfig): MotionTables {
  const bands = c.bandEdges.length > 0;
  return {
    window: bands && c.window === 'hann' ? windowTable('hann', c.windowLength) : new Float64Array(0),
    twiddle: bands ? twiddleTable(c.fftLength) : new Float64Array(0),
  };
}

export const motionPerAxis = (c: MotionFeatureConfig): number => c.stats.length + Math.max(c.bandEdges.length - 1, 0);

/**
 * Skewness and kurtosis are 0 when std ≤ DEGENERATE·peak: below that the
 * moments are rounding noise (float32 on the device), not signal.
 */
export const DEGENERATE = 1e-4;

export function motionFeatures(c: MotionFeatureConfig, input: ArrayLike<number>, tables: MotionTables = motionTables(c)): Float32Array {
  const n = c.windowLength;
  if (input.length !== n * c.axes) {
    throw new MlforgeError('BAD_INPUT', `motion features: expected ${n} × ${c.axes} = ${n * c.axes} values, got ${input.length}`);
  }
  const per = motionPerAxis(c);
  const out = new Float32Array(c.axes * per);
  const nBands = Math.max(c.bandEdges.length - 1, 0);
  const buf = new Float64Array(nBands ? c.fftLength + 2 : 0);
  for (let a = 0; a < c.axes; a++) {
    // Sums of x − x[0] (the shifted-data algorithm): a large offset such as
    // gravity then costs the float32 mean no precision.
    const x0 = input[a]!;
    let sum = 0;
    let sq = 0;
    let peak = 0;
    for (let i = 0; i < n; i++) {
      const v = input[i * c.axes + a]!;
      sum += v - x0;
      sq += v * v;
      peak = Math.max(peak, Math.abs(v));
    }
    const mean = x0 + sum / n;
    // Central moments in a second pass: one-pass formulas cancel catastrophically in float32.
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    for (let i = 0; i < n; i++) {
      const d = input[i * c.axes + a]! - mean;
      const d2 = d * d;
      m2 += d2;
      m3 += d2 * d;
      m4 += d2 * d2;
    }
    m2 /= n; m3 /= n; m4 /= n;
    const std = Math.sqrt(m2);
    const shaped = std > DEGENERATE * peak;
    const value: Record<(typeof MOTION_STATS)[number], number> = {
      mean,
      rms: Math.sqrt(sq / n),
      std,
      skew: shaped ? m3 / (m2 * std) : 0,
      kurtosis: shaped ? m4 / (m2 * m2) - 3 : 0,
      peak,
    };
    let o = a * per;
    for (const s of c.stats) out[o++] = value[s];
    if (nBands === 0) continue;
    const offset = c.removeMean ? mean : 0;
    for (let i = 0; i < n; i++) buf[i] = (input[i * c.axes + a]! - offset) * (tables.window.length ? tables.window[i]! : 1);
    buf.fill(0, n);
    rfft(tables.twiddle, c.fftLength, buf);
    powerSpectrum(buf, c.fftLength / 2 + 1);
    for (let b = 0; b < nBands; b++) {
      let e = 0;
      for (let k = c.bandEdges[b]!; k < c.bandEdges[b + 1]!; k++) e += buf[k]!;
      out[o++] = c.logBands ? Math.log(e + c.logFloor) : e;
    }
  }
  return out;
}
