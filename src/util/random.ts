/** Seeded PRNG (xoshiro128**), so every run with the same seed repeats exactly. */
export class Rng {
  private s = new Uint32Array(4);
  constructor(seed: number) {
    // splitmix32 expands the seed into the 128-bit state.
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }
  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!; s[3]! ^= s[1]!; s[1]! ^= s[2]!; s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }
  /** Uniform in [0, 1). */
  next(): number { return this.nextU32() / 4294967296; }
  uniform(lo: number, hi: number): number { return lo + (hi - lo) * this.next(); }
  /** Integer in [0, n). */
  int(n: number): number { return Math.floor(this.next() * n); }
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  shuffle<T>(a: T[] | Int32Array | Uint32Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i]!; a[i] = a[j]!; a[j] = t;
    }
  }
  pick<T>(a: readonly T[]): T { return a[this.int(a.length)]!; }
  /** A derived seed, for handing independent streams to sub-tasks. */
  fork(): number { return this.nextU32(); }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
