/**
 * Training and inference throughput of a model on random data: one training
 * step = forward + loss + backward + Adam step. Warm-up steps are not timed.
 */
import type { ResolvedModel } from '../ir/shapes.js';
import { countModel } from '../ir/counts.js';
import { Network } from '../engine/network.js';
import { selectKernels, type KernelChoice } from '../engine/backend.js';
import { Rng } from '../util/random.js';
import { Optimizer, OptimizerConfig } from './optimizers.js';
import { taskOf } from './trainer.js';

export interface BenchResult {
  readonly model: string;
  readonly batch: number;
  readonly params: number;
  readonly macs: number;
  readonly kernels: string;
  readonly trainSamplesPerSec: number;
  readonly inferSamplesPerSec: number;
  /** The same rates at the median step: a shared or virtual machine's stalls hit the mean, not the median. */
  readonly trainSamplesPerSecMedian: number;
  readonly inferSamplesPerSecMedian: number;
}

export function benchTrain(model: ResolvedModel, batch: number, steps = 30, kernels: KernelChoice = 'auto'): BenchResult {
  const k = selectKernels(kernels);
  const net = new Network(model, k, batch, 1);
  const task = taskOf(model);
  const rng = new Rng(7);
  const x = Float32Array.from({ length: batch * net.inputSize }, () => rng.normal());
  const y = Int32Array.from({ length: batch }, () => rng.int(net.outputSize));
  const probs = new Float32Array(batch * net.outputSize);
  const d = new Float32Array(batch * net.outputSize);
  const opt = new Optimizer(net.params, OptimizerConfig.parse({ kind: 'adam' }), k);
  const step = () => {
    net.setInput(x, batch);
    const out = net.forward(true, 1);
    if (task === 'classification') k.softmaxCrossEntropy(batch, net.outputSize, out, y, 0, probs, d);
    else k.mse(out, x, d);
    net.backward(d);
    opt.step(1e-4);
  };
  /** [total seconds, median step seconds] over n timed steps after a warm-up. */
  const time = (fn: () => void, n: number): [number, number] => {
    for (let i = 0; i < Math.max(3, Math.ceil(n / 10)); i++) fn();
    const each: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      fn();
      each.push((performance.now() - t0) / 1000);
    }
    const sorted = [...each].sort((a, b) => a - b);
    return [each.reduce((a, b) => a + b, 0), sorted[Math.floor(n / 2)]!];
  };
  const [trainSec, trainMedian] = time(step, steps);
  const [inferSec, inferMedian] = time(() => { net.setInput(x, batch); net.forward(false); }, steps * 2);
  const counts = countModel(model);
  return {
    model: model.model.name, batch, params: counts.params, macs: counts.macs, kernels: k.name,
    trainSamplesPerSec: (batch * steps) / trainSec,
    inferSamplesPerSec: (batch * steps * 2) / inferSec,
    trainSamplesPerSecMedian: batch / trainMedian,
    inferSamplesPerSecMedian: batch / inferMedian,
  };
}
