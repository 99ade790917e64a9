/**
 * Loss reference kernels: softmax cross-entropy with label smoothing, mean squared
 * error, and the inference softmax. Sums run in float64 (JS numbers); the returned
 * losses are float64.
 */
import type { Buf } from './reference.js';

/**
 * Numerically stable softmax of one row: y[off..off+k) = exp(x - max) / Σ exp(x - max).
 * Returns log Σ exp(x) (the log-partition), which the cross-entropy needs. y may alias x.
 */
function softmaxRow(k: number, x: Buf, y: Buf, off: number): number {
  let max = -Infinity;
  for (let j = 0; j < k; j++) max = Math.max(max, x[off + j]);
  let sum = 0;
  for (let j = 0; j < k; j++) {
    const e = Math.exp(x[off + j] - max);
    y[off + j] = e;
    sum += e;
  }
  for (let j = 0; j < k; j++) y[off + j] /= sum;
  return max + Math.log(sum);
}

/** x, y: (N, K); softmax over each row. y === x allowed. */
export function softmax(n: number, k: number, x: Buf, y: Buf): void {
  for (let r = 0; r < n; r++) softmaxRow(k, x, y, r * k);
}

/**
 * logits, probs, dlogits: (N, K); labels: (N) class indices in [0, K).
 * target = (1-ε)·onehot(label) + ε/K
 * loss   = mean_n Σ_k -target_k · log p_k, with log p_k = logit_k - logΣexp(logits)
 * dlogits = (p - target) / N (overwritten). Returns the mean loss.
 */
export function softmaxCrossEntropy(
  n: number, k: number, logits: Buf, labels: Int32Array, smoothing: number, probs: Buf, dlogits: Buf,
): number {
  let total = 0;
  const offTarget = smoothing / k;
  for (let r = 0; r < n; r++) {
    const off = r * k;
    const logZ = softmaxRow(k, logits, probs, off);
    for (let j = 0; j < k; j++) {
      const target = (j === labels[r] ? 1 - smoothing : 0) + offTarget;
      if (target !== 0) total -= target * (logits[off + j] - logZ);
      dlogits[off + j] = (probs[off + j] - target) / n;
    }
  }
  return total / n;
}

/** pred, target, dpred: same length L = N·F. loss = Σ (pred-target)² / L; dpred = 2(pred-target)/L. */
export function mse(pred: Buf, target: Buf, dpred: Buf): number {
  const len = pred.length;
  let total = 0;
  for (let i = 0; i < len; i++) {
    const d = pred[i] - target[i];
    total += d * d;
    dpred[i] = (2 * d) / len;
  }
  return total / len;
}
