/**
 * Range estimators: fed every calibration batch of one tensor, they return the
 * [min, max] its int8 grid should cover.
 *
 * - `minmax`: the extreme values seen (what TFLite's converter does).
 * - `percentile`: the p-th and (100 - p)-th percentiles (default 99.99), so rare
 *   outliers are clipped instead of stretching the scale for everyone.
 * - `mse`: the clipping range [lo, hi] that minimizes the expected squared
 *   error of quantize-dequantize: Σ over values outside the range of the
 *   clipping error² plus, for every value inside, the rounding noise scale²/12
 *   (exact zeros, which the grid holds exactly, add none). lo and hi are
 *   searched independently on a 200 × 200 grid of fractions of min and max.
 *
 * percentile and mse keep a histogram of 4096 bins over [-R, R]; R doubles
 * (merging bin pairs, which is exact) whenever a value falls outside, so one
 * pass over the data suffices and memory is constant.
 */
import { z } from 'zod';
import type { Range } from './qparams.js';

export const RangeMethod = z.enum(['minmax', 'percentile', 'mse']);
export type RangeMethod = z.infer<typeof RangeMethod>;

export interface ObserverOptions {
  readonly method: RangeMethod;
  /** percentile: the upper percentile kept (the lower is 100 - p). */
  readonly percentile?: number;
}

export interface Observer {
  observe(x: Float32Array): void;
  /** The estimated range; [0, 0] before any data. */
  range(): Range;
}

const BINS = 4096;

class MinMaxObserver implements Observer {
  protected min = Infinity;
  protected max = -Infinity;
  observe(x: Float32Array): void {
    let lo = this.min, hi = this.max;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    this.min = lo;
    this.max = hi;
  }
  range(): Range {
    return this.min <= this.max ? { min: this.min, max: this.max } : { min: 0, max: 0 };
  }
}

/** Histogram over [-R, R] with BINS bins of width 2R / BINS; zeros counted apart. */
class Histogram extends MinMaxObserver {
  readonly counts = new Float64Array(BINS);
  radius = 0;
  zeros = 0;
  total = 0;

  override observe(x: Float32Array): void {
    super.observe(x);
    const need = Math.max(Math.abs(this.min), Math.abs(this.max));
    if (this.radius === 0) this.radius = need > 0 ? need : 0;
    while (need > this.radius) this.grow();
    if (this.radius === 0) {
      this.zeros += x.length;
      this.total += x.length;
      return;
    }
    const r = this.radius;
    const perUnit = BINS / (2 * r);
    const c = this.counts;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (v === 0) { this.zeros++; continue; }
      let b = Math.floor((v + r) * perUnit);
      if (b >= BINS) b = BINS - 1;
      else if (b < 0) b = 0;
      c[b]++;
    }
    this.total += x.length;
  }

  /** Doubles R: bins 2k and 2k+1 become bin BINS/4 + k. */
  private grow(): void {
    const c = this.counts;
    const merged = new Float64Array(BINS);
    for (let k = 0; k < BINS / 2; k++) merged[BINS / 4 + k] = c[2 * k]! + c[2 * k + 1]!;
    c.set(merged);
    this.radius *= 2;
  }

  get width(): number { return (2 * this.radius) / BINS; }
  center(b: number): number { return -this.radius + (b + 0.5) * this.width; }

  /** The value below which a fraction q of all samples (zeros included) lies, interpolated within a bin. */
  quantile(q: number): number {
    if (this.radius === 0) return 0;
    const target = q * this.total;
    const zeroBin = BINS / 2; // 0 is the lower edge of this bin
    let acc = 0;
    for (let b = 0; b < BINS; b++) {
      if (b === zeroBin) {
        if (acc + this.zeros >= target) return 0;
        acc += this.zeros;
      }
      const n = this.counts[b]!;
      if (n > 0 && acc + n >= target) return -this.radius + (b + (target - acc) / n) * this.width;
      acc += n;
    }
    return this.radius;
  }
}

class PercentileObserver extends Histogram {
  constructor(private readonly p: number) { super(); }
  override range(): Range {
    const mm = super.range();
    const q = this.p / 100;
    return { min: Math.max(mm.min, this.quantile(1 - q)), max: Math.min(mm.max, this.quantile(q)) };
  }
}

class MseObserver extends Histogram {
  override range(): Range {
    const mm = super.range();
    const lo0 = Math.min(mm.min, 0), hi0 = Math.max(mm.max, 0);
    if (hi0 - lo0 <= 0 || this.radius === 0) return mm;
    // Prefix sums over bins of n, n·v and n·v² make each candidate's error O(1).
    const n0 = new Float64Array(BINS + 1), n1 = new Float64Array(BINS + 1), n2 = new Float64Array(BINS + 1);
    for (let b = 0; b < BINS; b++) {
      const n = this.counts[b]!, v = this.center(b);
      n0[b + 1] = n0[b]! + n;
      n1[b + 1] = n1[b]! + n * v;
      n2[b + 1] = n2[b]! + n * v * v;
    }
    // Bins [0, k) have centers below x.
    const below = (x: number) => Math.min(BINS, Math.max(0, Math.ceil((x + this.radius) / this.width - 0.5)));
    const error = (lo: number, hi: number): number => {
      const a = below(lo), b = below(hi);
      const under = lo * lo * n0[a]! - 2 * lo * n1[a]! + n2[a]!;
      const over = hi * hi * (n0[BINS]! - n0[b]!) - 2 * hi * (n1[BINS]! - n1[b]!) + (n2[BINS]! - n2[b]!);
      return under + over + ((hi - lo) / 255) ** 2 / 12 * (n0[b]! - n0[a]!);
    };
    const STEPS = 200;
    let best = { err: Infinity, lo: lo0, hi: hi0 };
    for (let i = 0; i < STEPS; i++) {
      const lo = lo0 * (1 - i / STEPS);
      if (lo0 === 0 && i > 0) break;
      for (let j = 0; j < STEPS; j++) {
        const hi = hi0 * (1 - j / STEPS);
        if (hi0 === 0 && j > 0) break;
        const err = error(lo, hi);
        if (err < best.err) best = { err, lo, hi };
      }
    }
    return { min: best.lo, max: best.hi };
  }
}

export function createObserver(o: ObserverOptions): Observer {
  switch (o.method) {
    case 'minmax': return new MinMaxObserver();
    case 'percentile': return new PercentileObserver(o.percentile ?? 99.99);
    case 'mse': return new MseObserver();
  }
}
