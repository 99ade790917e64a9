/** Inference over a dataset: loss, accuracy and confusion matrix (classification) or MSE (autoencoder). */
import { sampleSize, type Dataset } from '../data/dataset.js';
import type { Network } from '../engine/network.js';

export type Task = 'classification' | 'autoencoder';

export interface Evaluation {
  readonly loss: number;
  readonly accuracy?: number;
  /** confusion[true][predicted] counts. */
  readonly confusion?: number[][];
  /** Per-sample score: predicted class (classification) or reconstruction MSE (autoencoder). */
  readonly perSample: Float32Array;
}

export function evaluate(net: Network, d: Dataset, task: Task): Evaluation {
  const f = sampleSize(d);
  const N = d.y.length;
  const K = net.outputSize;
  const perSample = new Float32Array(N);
  const confusion = task === 'classification' ? Array.from({ length: K }, () => new Array<number>(K).fill(0)) : undefined;
  let loss = 0, correct = 0;
  for (let start = 0; start < N; start += net.maxBatch) {
    const n = Math.min(net.maxBatch, N - start);
    net.setInput(d.x.subarray(start * f, (start + n) * f), n);
    const out = net.forward(false);
    for (let i = 0; i < n; i++) {
      const row = out.subarray(i * K, (i + 1) * K);
      if (task === 'classification') {
        let arg = 0;
        for (let j = 1; j < K; j++) if (row[j]! > row[arg]!) arg = j;
        const y = d.y[start + i]!;
        loss -= Math.log(Math.max(row[y]!, 1e-12));
        if (arg === y) correct++;
        confusion![y]![arg]!++;
        perSample[start + i] = arg;
      } else {
        let se = 0;
        const x = d.x.subarray((start + i) * f, (start + i + 1) * f);
        for (let j = 0; j < K; j++) se += (row[j]! - x[j]!) ** 2;
        perSample[start + i] = se / K;
        loss += se / K;
      }
    }
  }
  return {
    loss: loss / N,
    accuracy: task === 'classification' ? correct / N : undefined,
    confusion,
    perSample,
  };
}
