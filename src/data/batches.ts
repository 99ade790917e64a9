/**
 * Mini-batches over a dataset into preallocated buffers, reshuffled each epoch
 * from a seed, with optional image augmentation (random translation, rotation,
 * zoom) or spectrogram augmentation (SpecAugment-style time and frequency masks).
 */
import { Rng } from '../util/random.js';
import { sampleSize, type Dataset } from './dataset.js';

export interface Batch {
  /** Valid for the current iteration only (the buffer is reused). */
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly n: number;
}

export interface BatchOptions {
  readonly batch: number;
  readonly shuffle: boolean;
  readonly seed: number;
  /** Max random shift in pixels for [H, W, C] samples (0 = off). Out-of-image pixels take `fill`. */
  readonly shift?: number;
  /** Max random rotation in degrees and relative zoom (e.g. 0.1 = ±10 %) for [H, W, C] samples. */
  readonly rotate?: number;
  readonly zoom?: number;
  readonly fill?: number;
  /**
   * For [frames, bins, C] features: each sample gets one band of up to `time`
   * frames and one of up to `freq` bins set to `fill` (SpecAugment's masks;
   * they make a keyword model rely on no single instant or formant).
   */
  readonly mask?: { readonly time: number; readonly freq: number };
}

export class Batcher {
  private readonly xb: Float32Array;
  private readonly yb: Int32Array;
  private readonly order: Int32Array;
  private readonly rng: Rng;
  private readonly f: number;

  constructor(private readonly d: Dataset, private readonly o: BatchOptions) {
    this.f = sampleSize(d);
    this.xb = new Float32Array(o.batch * this.f);
    this.yb = new Int32Array(o.batch);
    this.order = Int32Array.from({ length: d.y.length }, (_, i) => i);
    this.rng = new Rng(o.seed);
  }

  get batchesPerEpoch(): number { return Math.ceil(this.d.y.length / this.o.batch); }

  *epoch(): Generator<Batch> {
    if (this.o.shuffle) this.rng.shuffle(this.order);
    const N = this.d.y.length;
    const shift = this.o.shift ?? 0;
    for (let start = 0; start < N; start += this.o.batch) {
      const n = Math.min(this.o.batch, N - start);
      for (let i = 0; i < n; i++) {
        const j = this.order[start + i]!;
        const src = this.d.x.subarray(j * this.f, (j + 1) * this.f);
        const dst = this.xb.subarray(i * this.f, (i + 1) * this.f);
        if (this.d.shape.length === 3 && ((this.o.rotate ?? 0) > 0 || (this.o.zoom ?? 0) > 0)) {
          const r = this.o.rotate ?? 0, z = this.o.zoom ?? 0;
          this.affine(src, dst, this.rng.uniform(-r, r) * Math.PI / 180, 1 + this.rng.uniform(-z, z),
            this.rng.uniform(-shift, shift), this.rng.uniform(-shift, shift));
        } else if (shift > 0 && this.d.shape.length === 3) {
          this.translate(src, dst, this.rng.int(2 * shift + 1) - shift, this.rng.int(2 * shift + 1) - shift);
        } else dst.set(src);
        if (this.o.mask && this.d.shape.length === 3) this.maskBands(dst, this.o.mask.time, this.o.mask.freq);
        this.yb[i] = this.d.y[j]!;
      }
      yield { x: this.xb.subarray(0, n * this.f), y: this.yb.subarray(0, n), n };
    }
  }

  private maskBands(dst: Float32Array, time: number, freq: number): void {
    const [h, w, c] = this.d.shape as [number, number, number];
    const fill = this.o.fill ?? 0;
    const t = Math.min(this.rng.int(time + 1), h), f = Math.min(this.rng.int(freq + 1), w);
    const t0 = this.rng.int(h - t + 1), f0 = this.rng.int(w - f + 1);
    for (let y = t0; y < t0 + t; y++) dst.fill(fill, y * w * c, (y + 1) * w * c);
    for (let y = 0; y < h; y++) dst.fill(fill, (y * w + f0) * c, (y * w + f0 + f) * c);
  }

  /** Rotation by `angle` and zoom `scale` about the centre, then a shift; bilinear sampling. */
  private affine(src: Float32Array, dst: Float32Array, angle: number, scale: number, ty: number, tx: number): void {
    const [h, w, c] = this.d.shape as [number, number, number];
    const fill = this.o.fill ?? 0;
    const [cy, cx] = [(h - 1) / 2, (w - 1) / 2];
    const cos = Math.cos(angle) / scale, sin = Math.sin(angle) / scale;
    const at = (y: number, x: number, k: number) => (y < 0 || y >= h || x < 0 || x >= w ? fill : src[(y * w + x) * c + k]!);
    for (let r = 0; r < h; r++) {
      for (let q = 0; q < w; q++) {
        // Inverse map: where in the source this output pixel comes from.
        const dy = r - cy - ty, dx = q - cx - tx;
        const sy = cos * dy - sin * dx + cy, sx = sin * dy + cos * dx + cx;
        const y0 = Math.floor(sy), x0 = Math.floor(sx);
        const fy = sy - y0, fx = sx - x0;
        for (let k = 0; k < c; k++) {
          dst[(r * w + q) * c + k] = (1 - fy) * ((1 - fx) * at(y0, x0, k) + fx * at(y0, x0 + 1, k)) +
            fy * ((1 - fx) * at(y0 + 1, x0, k) + fx * at(y0 + 1, x0 + 1, k));
        }
      }
    }
  }

  private translate(src: Float32Array, dst: Float32Array, dy: number, dx: number): void {
    const [h, w, c] = this.d.shape as [number, number, number];
    const fill = this.o.fill ?? 0;
    for (let r = 0; r < h; r++) {
      const sr = r - dy;
      for (let q = 0; q < w; q++) {
        const sq = q - dx;
        const o = (r * w + q) * c;
        if (sr < 0 || sr >= h || sq < 0 || sq >= w) dst.fill(fill, o, o + c);
        else for (let k = 0; k < c; k++) dst[o + k] = src[(sr * w + sq) * c + k]!;
      }
    }
  }
}
