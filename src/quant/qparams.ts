/**
 * The int8 quantization grid, shared by lowering (which writes it into the
 * model) and QAT (which simulates it in float), so both round the same way.
 *
 * - Activations: asymmetric per tensor, real = scale·(q - zeroPoint), q in
 *   [-128, 127]. The range is widened to contain 0 and the zero point nudged to
 *   an integer (TensorFlow's ChooseQuantizationParams), so 0 is exact.
 * - Weights: symmetric per output channel, zero point 0, q in [-127, 127],
 *   scale = max|w| / 127 over the channel. Every float layout the engine uses
 *   (conv (KH,KW,Cin,Cout), depthwise (KH,KW,C·M), dense (In,Out)) keeps the
 *   output channel on the last axis, so channel = flat index mod channels.
 *
 * Scales are float32 values (Math.fround), as TFLite stores them.
 *
 * Not here: choosing ranges (observers.ts) or laying out int8 tensors (lower.ts).
 */
import { MlforgeError } from '../errors.js';

export const QMIN = -128;
export const QMAX = 127;
/** Narrow weight range: -128 is never used, so w and -w quantize symmetrically. */
export const WMAX = 127;
/** Smallest range an activation gets; a constant (dead) tensor still needs a positive scale. */
export const MIN_RANGE = 1e-4;

export interface Range {
  readonly min: number;
  readonly max: number;
}

export interface ActQuant {
  readonly scale: number;
  readonly zeroPoint: number;
}

/** std::round: nearest, ties away from zero (what TFLite's converter and quantize op use). */
export const roundHalfAway = (x: number): number => (x < 0 ? -Math.round(-x) : Math.round(x));

const clampQ = (q: number, lo: number, hi: number): number => (q < lo ? lo : q > hi ? hi : q);

/** Range → (scale, zero point), nudged so that real 0 is a grid point. `what` names the tensor in errors. */
export function activationQuant(r: Range, what = 'a tensor'): ActQuant {
  if (!Number.isFinite(r.min) || !Number.isFinite(r.max)) {
    throw new MlforgeError('NUMERIC', `expected a finite range for ${what}, got [${r.min}, ${r.max}]`,
      'the float model produces NaN/Inf on the calibration data; check the trained weights');
  }
  const lo = Math.min(r.min, 0);
  let hi = Math.max(r.max, 0);
  if (hi - lo < MIN_RANGE) hi = lo + MIN_RANGE;
  const scale = Math.fround((hi - lo) / (QMAX - QMIN));
  // ChooseQuantizationParams: take the zero point from whichever end loses less precision.
  const fromMin = QMIN - lo / scale;
  const fromMax = QMAX - hi / scale;
  const zp = Math.abs(QMIN) + Math.abs(lo / scale) < Math.abs(QMAX) + Math.abs(hi / scale) ? fromMin : fromMax;
  return { scale, zeroPoint: clampQ(roundHalfAway(zp), QMIN, QMAX) };
}

/** The real interval an int8 tensor can represent. */
export function representable(q: ActQuant): Range {
  return { min: q.scale * (QMIN - q.zeroPoint), max: q.scale * (QMAX - q.zeroPoint) };
}

/** Quantize one value: clamp(round(x / scale) + zeroPoint). */
export function quantizeValue(x: number, q: ActQuant): number {
  return clampQ(roundHalfAway(x / q.scale) + q.zeroPoint, QMIN, QMAX);
}

/** x → int8 per tensor. */
export function quantizeTensor(x: Float32Array, q: ActQuant, out = new Int8Array(x.length)): Int8Array {
  for (let i = 0; i < x.length; i++) out[i] = quantizeValue(x[i]!, q);
  return out;
}

/** int8 → real per tensor. */
export function dequantizeTensor(x: Int8Array, q: ActQuant, out = new Float32Array(x.length)): Float32Array {
  for (let i = 0; i < x.length; i++) out[i] = q.scale * (x[i]! - q.zeroPoint);
  return out;
}

/** Fake quantization in place: x ← scale·(quantize(x) - zeroPoint). */
export function fakeQuantInPlace(x: Float32Array, q: ActQuant): void {
  const { scale, zeroPoint } = q;
  const inv = 1 / scale;
  for (let i = 0; i < x.length; i++) {
    const v = roundHalfAway(x[i]! * inv) + zeroPoint;
    x[i] = scale * ((v < QMIN ? QMIN : v > QMAX ? QMAX : v) - zeroPoint);
  }
}

/**
 * Per-channel weight scales, max|w[..., c]| / 127. An all-zero channel gets
 * scale 1/127 (any positive scale represents it exactly).
 */
export function weightScales(w: Float32Array, channels: number): Float64Array {
  const maxAbs = new Float64Array(channels);
  for (let i = 0; i < w.length; i++) {
    const a = Math.abs(w[i]!);
    const c = i % channels;
    if (a > maxAbs[c]!) maxAbs[c] = a;
  }
  return maxAbs.map((m) => Math.fround(m > 0 ? m / WMAX : 1 / WMAX));
}

/** w (float layout, channel last) → int8 with the given per-channel scales. */
export function quantizeWeights(w: Float32Array, scales: ArrayLike<number>): Int8Array {
  const channels = scales.length;
  const q = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) q[i] = clampQ(roundHalfAway(w[i]! / scales[i % channels]!), -WMAX, WMAX);
  return q;
}

/** Weight fake quantization: out ← scale[c]·round(w / scale[c]) with this layer's own scales. */
export function fakeQuantWeights(w: Float32Array, channels: number, out: Float32Array): void {
  const scales = weightScales(w, channels);
  for (let i = 0; i < w.length; i++) {
    const s = scales[i % channels]!;
    out[i] = s * clampQ(roundHalfAway(w[i]! / s), -WMAX, WMAX);
  }
}
