/**
 * Small float models with non-trivial weights and batch-norm statistics, and
 * random data, for the quantizer's unit tests.
 */
import { Network } from '../../src/engine/network.js';
import { referenceKernels } from '../../src/engine/kernels/reference.js';
import { resolveModel, type ModelInput } from '../../src/ir/index.js';
import type { Dataset } from '../../src/data/dataset.js';
import { graphOf, type FloatGraph } from '../../src/quant/graph.js';
import { rng } from '../helpers/random.js';

/** A graph with random weights and BN statistics far from the identity (so folding matters). */
export function randomGraph(model: ModelInput, seed: number): FloatGraph {
  const r = rng(seed);
  const net = new Network(resolveModel(model), referenceKernels, 1, seed);
  for (const p of net.params) {
    for (let i = 0; i < p.data.length; i++) {
      if (p.name.endsWith('/gamma')) p.data[i] = r.uniform(0.5, 2);
      else if (p.name.endsWith('/beta') || p.name.endsWith('/bias')) p.data[i] = r.uniform(-0.5, 0.5);
    }
  }
  for (const s of net.state) {
    for (let i = 0; i < s.data.length; i++) s.data[i] = s.name.endsWith('/moving_mean') ? r.uniform(-1, 1) : r.uniform(0.2, 3);
  }
  return graphOf(net);
}

export function randomData(shape: number[], n: number, classes: number, seed: number): Dataset {
  const r = rng(seed);
  const f = shape.reduce((a, b) => a * b, 1);
  return {
    name: 'random', shape, labels: Array.from({ length: classes }, (_, i) => String(i)),
    x: Float32Array.from({ length: n * f }, () => r.normal()),
    y: Int32Array.from({ length: n }, () => r.int(0, classes - 1)),
  };
}

/** Outputs of a graph in inference mode, one row per sample. */
export function forwardAll(net: Network, d: Dataset): Float32Array {
  const f = d.x.length / d.y.length;
  const out = new Float32Array(d.y.length * net.outputSize);
  for (let s = 0; s < d.y.length; s += net.maxBatch) {
    const n = Math.min(net.maxBatch, d.y.length - s);
    net.setInput(d.x.subarray(s * f, (s + n) * f), n);
    out.set(net.forward(false), s * net.outputSize);
  }
  return out;
}

/** An image model touching every lowering rule (fusions, a standalone relu, pools, mean, reshape, add, dropout, BN after dense). */
export const imageModel: ModelInput = {
  name: 'tiny-image', input: { shape: [8, 8, 2] },
  layers: [
    { name: 'c1', type: 'conv2d', filters: 6, kernel: 3, useBias: false },
    { name: 'c1_bn', type: 'batch_norm' },
    { name: 'c1_relu', type: 'relu' },
    { name: 'dw', type: 'depthwise_conv2d', kernel: 3, stride: 2, depthMultiplier: 2 },
    { name: 'dw_bn', type: 'batch_norm' },
    { name: 'dw_relu6', type: 'relu6' },
    { name: 'pw', type: 'conv2d', filters: 12, kernel: 1, padding: 'valid' },
    { name: 'sum', type: 'add', inputs: ['dw_relu6', 'pw'] },
    { name: 'sum_relu', type: 'relu' },
    { name: 'pw_relu', type: 'relu', inputs: ['pw'] },
    { name: 'sum3', type: 'add', inputs: ['sum_relu', 'pw_relu'] },
    { name: 'mp', type: 'max_pool', pool: 2 },
    { name: 'ap', type: 'avg_pool', pool: 2, stride: 1, padding: 'same' },
    { name: 'gap', type: 'global_avg_pool', inputs: ['mp'] },
    { name: 'flat', type: 'flatten', inputs: ['ap'] },
    { name: 'fc0', type: 'dense', units: 12 },
    { name: 'sum2', type: 'add', inputs: ['gap', 'fc0'] },
    { name: 'drop', type: 'dropout', rate: 0.5 },
    { name: 'fc', type: 'dense', units: 5 },
    { name: 'fc_bn', type: 'batch_norm' },
  ],
};

/** conv1d over a sequence, ending in softmax. */
export const sequenceModel: ModelInput = {
  name: 'tiny-seq', input: { shape: [16, 3] },
  layers: [
    { name: 'c1', type: 'conv1d', filters: 8, kernel: 5, useBias: false },
    { name: 'c1_bn', type: 'batch_norm' },
    { name: 'c1_relu', type: 'relu' },
    { name: 'c2', type: 'conv1d', filters: 8, kernel: 3, stride: 2, padding: 'valid' },
    { name: 'c2_relu6', type: 'relu6' },
    { name: 'flat', type: 'flatten' },
    { name: 'fc1', type: 'dense', units: 16 },
    { name: 'drop', type: 'dropout', rate: 0.2 },
    { name: 'fc1_relu', type: 'relu' },
    { name: 'fc2', type: 'dense', units: 4 },
    { name: 'softmax', type: 'softmax' },
  ],
};
