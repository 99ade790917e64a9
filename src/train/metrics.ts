/**
 * Anomaly-detection metrics on per-sample scores (reconstruction errors):
 * ROC AUC, and the decision threshold an exported model ships with.
 * Class 0 is normal, every other class an anomaly (the loaders' convention).
 */

/**
 * Area under the ROC curve: the probability that a random anomaly scores above
 * a random normal sample, ties counting one half (Mann–Whitney U). NaN when
 * either class is missing.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const rank = (i + j) / 2 + 1; // tied scores share their mean rank
    for (let k = i; k <= j; k++) if (labels[order[k]!] !== 0) { pos++; rankSum += rank; }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

export interface Threshold {
  readonly threshold: number;
  /** Mean of the normal and anomaly recall at the threshold, on the data it was chosen on. */
  readonly balancedAccuracy: number;
  readonly how: string;
}

/**
 * The threshold for `score > threshold ⇒ anomaly`: with anomalies present, the
 * one that maximises balanced accuracy (midway between neighbouring scores);
 * with normal data only, the `quantile` of the normal scores.
 */
export function chooseThreshold(scores: ArrayLike<number>, labels: ArrayLike<number>, quantile = 0.99): Threshold {
  const n = scores.length;
  const normal: number[] = [];
  const anomaly: number[] = [];
  for (let i = 0; i < n; i++) (labels[i] === 0 ? normal : anomaly).push(scores[i]!);
  normal.sort((a, b) => a - b);
  anomaly.sort((a, b) => a - b);
  if (normal.length === 0) throw new Error('chooseThreshold: no normal samples');
  if (anomaly.length === 0) {
    const t = normal[Math.min(normal.length - 1, Math.floor(quantile * normal.length))]!;
    return { threshold: t, balancedAccuracy: NaN, how: `${quantile * 100}th percentile of ${normal.length} normal scores` };
  }
  const all = [...normal, ...anomaly].sort((a, b) => a - b);
  let best = { threshold: all[0]! - 1, balancedAccuracy: 0.5 };
  // Normals at or below t, anomalies above t: two pointers over the sorted lists.
  let ni = 0, ai = 0;
  for (let k = 0; k < all.length; k++) {
    const t = k + 1 < all.length ? (all[k]! + all[k + 1]!) / 2 : all[k]!;
    while (ni < normal.length && normal[ni]! <= t) ni++;
    while (ai < anomaly.length && anomaly[ai]! <= t) ai++;
    const bal = (ni / normal.length + (anomaly.length - ai) / anomaly.length) / 2;
    if (bal > best.balancedAccuracy) best = { threshold: t, balancedAccuracy: bal };
  }
  return { ...best, how: `best balanced accuracy on ${normal.length} normal and ${anomaly.length} anomalous samples` };
}

/** Plain and balanced accuracy of the decision `score > threshold ⇒ anomaly`. */
export function balancedAccuracy(scores: Float32Array, y: Int32Array, threshold: number): { accuracy: number; balanced: number } {
  let tp = 0, tn = 0, pos = 0;
  for (let i = 0; i < y.length; i++) {
    const anomalous = y[i] !== 0;
    if (anomalous) pos++;
    if ((scores[i]! > threshold) === anomalous) anomalous ? tp++ : tn++;
  }
  const neg = y.length - pos;
  return { accuracy: (tp + tn) / y.length, balanced: ((pos ? tp / pos : 1) + (neg ? tn / neg : 1)) / 2 };
}

/** Counts[truth][predicted]. */
export function confusionOf(truth: Int32Array, predicted: Float32Array, k: number): number[][] {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < truth.length; i++) m[truth[i]!]![predicted[i]!]!++;
  return m;
}
