/**
 * Background noises for the synthesised keyword-spotting set, every one made
 * here from a seeded Rng: white, pink (Paul Kellet's filter, −3 dB/octave),
 * brown (leaky integrator, −6 dB/octave), mains hum/buzz (50 or 60 Hz with
 * decaying, odd-heavy harmonics) and babble (several quiet talkers mixed).
 * Each generator returns unit-RMS noise; the caller scales it to an SNR.
 */
import { Rng } from '../../util/random.js';
import { meanSquare } from './common.js';

export const NOISE_KINDS = ['white', 'pink', 'brown', 'hum', 'babble'] as const;
export type NoiseKind = (typeof NOISE_KINDS)[number];

function unitRms(x: Float32Array): Float32Array {
  const ms = meanSquare(x);
  if (ms > 0) {
    const k = 1 / Math.sqrt(ms);
    for (let i = 0; i < x.length; i++) x[i]! *= k;
  }
  return x;
}

function removeMean(x: Float32Array): void {
  let s = 0;
  for (const v of x) s += v;
  const m = s / x.length;
  for (let i = 0; i < x.length; i++) x[i]! -= m;
}

export function whiteNoise(n: number, rng: Rng): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.normal();
  return unitRms(x);
}

/** Paul Kellet's refined pink filter (within 0.05 dB of −3 dB/octave above ~10 Hz at 44.1 kHz; close enough at 16 kHz). */
export function pinkNoise(n: number, rng: Rng): Float32Array {
  const x = new Float32Array(n);
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
  // Run the filter in for 2,000 samples so it starts in its steady state.
  for (let i = -2000; i < n; i++) {
    const w = rng.normal();
    b0 = 0.99886 * b0 + w * 0.0555179;
    b1 = 0.99332 * b1 + w * 0.0750759;
    b2 = 0.969 * b2 + w * 0.153852;
    b3 = 0.8665 * b3 + w * 0.3104856;
    b4 = 0.55 * b4 + w * 0.5329522;
    b5 = -0.7616 * b5 - w * 0.016898;
    const v = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
    b6 = w * 0.115926;
    if (i >= 0) x[i] = v;
  }
  removeMean(x);
  return unitRms(x);
}

/** Brownian (red) noise: a leaky integral of white noise (pole 0.995: flat below ~13 Hz at 16 kHz). */
export function brownNoise(n: number, rng: Rng): Float32Array {
  const x = new Float32Array(n);
  let y = 0;
  for (let i = -2000; i < n; i++) {
    y = 0.995 * y + rng.normal();
    if (i >= 0) x[i] = y;
  }
  removeMean(x);
  return unitRms(x);
}

/** Mains hum/buzz: 50 or 60 Hz (±0.3 %), harmonics to 1.2 kHz decaying, odd ones stronger, a little hiss. */
export function humNoise(n: number, sampleRate: number, rng: Rng): Float32Array {
  const f0 = rng.pick([50, 60]) * (1 + rng.uniform(-0.003, 0.003));
  const decay = rng.uniform(0.45, 0.85);
  const x = new Float32Array(n);
  for (let h = 1; f0 * h < Math.min(1200, sampleRate / 2); h++) {
    const a = decay ** (h - 1) * (h % 2 === 1 ? 1 : rng.uniform(0.2, 0.6)) * rng.uniform(0.5, 1);
    const ph = rng.uniform(0, 2 * Math.PI);
    const w = (2 * Math.PI * f0 * h) / sampleRate;
    for (let i = 0; i < n; i++) x[i]! += a * Math.sin(w * i + ph);
  }
  unitRms(x);
  for (let i = 0; i < n; i++) x[i]! += 0.05 * rng.normal();
  return unitRms(x);
}

/**
 * Babble: 3–6 talkers, each a random stretch of a pooled utterance (unit RMS,
 * keywords never spoken in the pool) at a random place and level.
 */
export function babbleNoise(n: number, pool: readonly Float32Array[], rng: Rng): Float32Array {
  const x = new Float32Array(n);
  if (pool.length === 0) return whiteNoise(n, rng);
  const talkers = 3 + rng.int(4);
  for (let t = 0; t < talkers; t++) {
    const u = rng.pick(pool);
    const gain = rng.uniform(0.4, 1);
    // Where the utterance's sample 0 lands: from 70 % of it before the clip to 70 % of the clip in.
    const at = Math.round(rng.uniform(-0.7 * u.length, 0.7 * n));
    for (let i = Math.max(0, at); i < Math.min(n, at + u.length); i++) x[i]! += gain * u[i - at]!;
  }
  // Talkers overlap so the sum is never silent; a quiet floor covers the rare gap.
  for (let i = 0; i < n; i++) x[i]! += 0.02 * rng.normal();
  removeMean(x);
  return unitRms(x);
}

export function makeNoise(kind: NoiseKind, n: number, sampleRate: number, rng: Rng, babblePool: readonly Float32Array[]): Float32Array {
  switch (kind) {
    case 'white': return whiteNoise(n, rng);
    case 'pink': return pinkNoise(n, rng);
    case 'brown': return brownNoise(n, rng);
    case 'hum': return humNoise(n, sampleRate, rng);
    case 'babble': return babbleNoise(n, babblePool, rng);
  }
}

/** First-order low-pass (one pole) in place: a microphone or codec rolling off the top. */
export function lowPass(x: Float32Array, cutoffHz: number, sampleRate: number): void {
  const a = Math.exp((-2 * Math.PI * cutoffHz) / sampleRate);
  let y = 0;
  for (let i = 0; i < x.length; i++) x[i] = y = (1 - a) * x[i]! + a * y;
}

/** First-order high-pass in place: a small capsule's bass roll-off. */
export function highPass(x: Float32Array, cutoffHz: number, sampleRate: number): void {
  const a = Math.exp((-2 * Math.PI * cutoffHz) / sampleRate);
  let prevX = 0;
  let y = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    y = a * (y + v - prevX);
    prevX = v;
    x[i] = y;
  }
}
