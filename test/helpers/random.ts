/**
 * A tiny seeded PRNG for tests (mulberry32): the same seed gives the same numbers
 * on every machine, so a failing random case can be replayed.
 *
 * @example
 * const r = rng(42);
 * const x = r.f64(10, -1, 1); // Float64Array of 10 uniforms in [-1, 1)
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Integer uniform in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** A Float64Array of n uniforms in [lo, hi). */
  f64(n: number, lo?: number, hi?: number): Float64Array;
  /** A Float32Array of n uniforms in [lo, hi). */
  f32(n: number, lo?: number, hi?: number): Float32Array;
  /** A random permutation of 0..n-1. */
  permutation(n: number): number[];
}

export function rng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const uniform = (lo: number, hi: number): number => lo + (hi - lo) * next();
  const r: Rng = {
    next,
    uniform,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    normal: () => {
      const u = 1 - next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    pick: (items) => items[Math.floor(next() * items.length)],
    f64: (n, lo = -1, hi = 1) => Float64Array.from({ length: n }, () => uniform(lo, hi)),
    f32: (n, lo = -1, hi = 1) => Float32Array.from({ length: n }, () => uniform(lo, hi)),
    permutation: (n) => {
      const p = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [p[i], p[j]] = [p[j], p[i]];
      }
      return p;
    },
  };
  return r;
}
