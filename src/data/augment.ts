/**
 * Audio training augmentation: perturbed copies of each training clip, made
 * before feature extraction so the device's feature block sees them as it
 * would see a new recording. Speed perturbation (the clip played w times
 * faster: pitch, formants and tempo × w, as in Ko et al., "Audio augmentation
 * for speech recognition", 2015) stands in for new speakers' vocal tracts and
 * speaking rates; a time shift for where in the window the word falls.
 */
import { Rng } from '../util/random.js';

export interface AudioAugment {
  /** Perturbed copies per training clip (0 = none). */
  readonly copies: number;
  /** Speed factor drawn log-uniformly from [1/(1+warp), 1+warp]. */
  readonly warp: number;
  /** Time shift drawn uniformly from ±shift samples. */
  readonly shift: number;
  /** Seed of the draws: the same copies for every feature block. */
  readonly seed: number;
}

/**
 * `x` played `speed` times faster (linear interpolation: cheap, and the
 * slight aliasing of a ≤ 30 % speed-up is noise an augmentation can carry),
 * centred in a window of x.length samples, moved `shift` samples later;
 * zero where no input maps.
 */
export function perturbClip(x: Float32Array, speed: number, shift: number, out = new Float32Array(x.length)): Float32Array {
  const n = x.length;
  const offset = (n - n / speed) / 2 + shift;
  for (let k = 0; k < n; k++) {
    const t = (k - offset) * speed;
    const i = Math.floor(t);
    if (i < 0 || i >= n - 1) {
      out[k] = i === n - 1 && t === i ? x[i]! : 0;
      continue;
    }
    const f = t - i;
    out[k] = x[i]! + f * (x[i + 1]! - x[i]!);
  }
  return out;
}

/**
 * Calls `use(copy, clipIndex)` for every perturbed copy of every clip of
 * `x` (clips of `length` samples), copies in order after each other; the
 * draws depend only on `a.seed`.
 */
export function forEachAudioCopy(x: Float32Array, length: number, a: AudioAugment, use: (copy: Float32Array, clip: number) => void): void {
  const clips = x.length / length;
  const rng = new Rng(a.seed);
  const buf = new Float32Array(length);
  const lnMax = Math.log(1 + a.warp);
  for (let c = 0; c < a.copies; c++) {
    for (let i = 0; i < clips; i++) {
      const speed = Math.exp(rng.uniform(-lnMax, lnMax));
      const shift = Math.round(rng.uniform(-a.shift, a.shift));
      use(perturbClip(x.subarray(i * length, (i + 1) * length), speed, shift, buf), i);
    }
  }
}
