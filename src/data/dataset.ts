/**
 * In-memory datasets: samples as one Float32Array (N × featureSize, NHWC per
 * sample) and labels as class indices (classification) or targets (regression,
 * autoencoders use the input itself).
 */
export interface Dataset {
  readonly name: string;
  /** Per-sample shape, e.g. [28, 28, 1] or [F]. */
  readonly shape: readonly number[];
  readonly x: Float32Array;
  /** Class index per sample. */
  readonly y: Int32Array;
  readonly labels: readonly string[];
  /** Optional group per sample (speaker, recording, machine): splits never separate a group. */
  readonly groups?: Int32Array;
}

export const sampleSize = (d: Pick<Dataset, 'shape'>): number => d.shape.reduce((a, b) => a * b, 1);
export const count = (d: Dataset): number => d.y.length;

/** A subset view by indices (copies the samples, so splits are independent arrays). */
export function subset(d: Dataset, idx: ArrayLike<number>, name = d.name): Dataset {
  const f = sampleSize(d);
  const x = new Float32Array(idx.length * f);
  const y = new Int32Array(idx.length);
  const groups = d.groups ? new Int32Array(idx.length) : undefined;
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i]!;
    x.set(d.x.subarray(j * f, (j + 1) * f), i * f);
    y[i] = d.y[j]!;
    if (groups) groups[i] = d.groups![j]!;
  }
  return { name, shape: d.shape, x, y, labels: d.labels, groups };
}

/** Per-channel (last axis) normalization statistics, stored with the model. */
export interface Normalization {
  readonly mean: number[];
  readonly std: number[];
}

export function computeNormalization(d: Dataset, perFeature: boolean): Normalization {
  const c = perFeature ? sampleSize(d) : d.shape[d.shape.length - 1]!;
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  for (let i = 0; i < d.x.length; i++) {
    const v = d.x[i]!;
    sum[i % c] += v;
    sq[i % c] += v * v;
  }
  const n = d.x.length / c;
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(sq, (s, i) => Math.sqrt(Math.max(s / n - mean[i]! ** 2, 0)) || 1);
  return { mean, std };
}

/** Applies (x - mean) / std in place, broadcasting over the last axis (or all features). */
export function normalizeInPlace(x: Float32Array, norm: Normalization): void {
  const c = norm.mean.length;
  for (let i = 0; i < x.length; i++) x[i] = (x[i]! - norm.mean[i % c]!) / norm.std[i % c]!;
}
