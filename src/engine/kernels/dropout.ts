/**
 * Inverted dropout reference kernels and the counter hash that makes TypeScript and
 * native masks identical: element i is kept when u_i >= rate, with u_i a pure
 * function of (seed, i) — no PRNG state, so any thread can compute any element.
 *
 * x, y, mask, dy, dx: same length; mask[i] = keep ? 1/(1-rate) : 0.
 */
import type { Buf } from './reference.js';

/**
 * u_i in [0, 1) from a murmur3-style finalizer of seed + i·golden ratio (all mod 2^32):
 *   h = seed + i*0x9E3779B9; h ^= h>>>16; h *= 0x85EBCA6B; h ^= h>>>13; h *= 0xC2B2AE35; h ^= h>>>16
 *   u_i = h / 2^32
 * seed and i are integers, taken mod 2^32.
 */
export function dropoutUniform(seed: number, i: number): number {
  let h = (seed + Math.imul(i, 0x9e3779b9)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** y = x · mask; writes the mask for the backward. */
export function dropoutForward(x: Buf, y: Buf, mask: Buf, rate: number, seed: number): void {
  const keepScale = 1 / (1 - rate);
  for (let i = 0; i < x.length; i++) {
    mask[i] = dropoutUniform(seed, i) >= rate ? keepScale : 0;
    y[i] = x[i] * mask[i];
  }
}

/** dx = dy · mask (overwritten). */
export function dropoutBackward(dy: Buf, mask: Buf, dx: Buf): void {
  for (let i = 0; i < dy.length; i++) dx[i] = dy[i] * mask[i];
}
