import { describe, expect, it } from 'vitest';
import { Network } from '../../src/engine/network.js';
import { referenceKernels } from '../../src/engine/kernels/reference.js';
import { resolveModel, type ModelInput } from '../../src/ir/index.js';
import { Rng } from '../../src/util/random.js';

// A branched model: the conv output feeds two paths that meet in an add, so the
// executor must accumulate gradients from two readers.
const branched: ModelInput = {
  name: 'branched', input: { shape: [6, 5, 2] },
  layers: [
    { name: 'c1', type: 'conv2d', filters: 3, kernel: 3, useBias: false },
    { name: 'bn', type: 'batch_norm' },
    { name: 'r', type: 'relu6' },
    { name: 'a', type: 'depthwise_conv2d', kernel: 3, stride: 1 },
    { name: 'b', type: 'conv2d', filters: 3, kernel: 1, inputs: ['r'] },
    { name: 'sum', type: 'add', inputs: ['a', 'b'] },
    { name: 'p', type: 'avg_pool', pool: 2, padding: 'same' },
    { name: 'flat', type: 'flatten' },
    { name: 'drop', type: 'dropout', rate: 0.3 },
    { name: 'fc', type: 'dense', units: 4 },
    { name: 'sm', type: 'softmax' },
  ],
};

function lossAndGrads(net: Network, x: Float32Array, y: Int32Array, n: number) {
  const k = referenceKernels;
  net.setInput(x, n);
  const out = net.forward(true, 99);
  const p = new Float32Array(n * 4), d = new Float32Array(n * 4);
  const loss = k.softmaxCrossEntropy(n, 4, out, y, 0.1, p, d);
  return { loss, d };
}

describe('Network', () => {
  it('backward matches finite differences through branches, BN, dropout and pooling', () => {
    const net = new Network(resolveModel(branched), referenceKernels, 3, 5);
    const rng = new Rng(1);
    const x = Float32Array.from({ length: 3 * 60 }, () => rng.normal());
    const y = Int32Array.from([0, 3, 1]);
    const { d } = lossAndGrads(net, x, y, 3);
    net.backward(d);
    let worst = 0;
    for (const p of net.params) {
      const analytic = p.grad.slice();
      const scale = Math.max(...Array.from(analytic, Math.abs), 1e-3);
      for (let i = 0; i < Math.min(p.data.length, 6); i++) {
        const j = (i * 7) % p.data.length;
        const orig = p.data[j]!;
        const eps = 1e-2;
        p.data[j] = orig + eps; const lp = lossAndGrads(net, x, y, 3).loss;
        p.data[j] = orig - eps; const lm = lossAndGrads(net, x, y, 3).loss;
        p.data[j] = orig;
        const numeric = (lp - lm) / (2 * eps);
        worst = Math.max(worst, Math.abs(numeric - analytic[j]!) / scale);
      }
    }
    expect(worst).toBeLessThan(0.05);
  });

  it('is deterministic under a seed and differs across seeds', () => {
    const m = resolveModel(branched);
    const a = new Network(m, referenceKernels, 2, 11);
    const b = new Network(m, referenceKernels, 2, 11);
    const c = new Network(m, referenceKernels, 2, 12);
    expect(Array.from(a.params[0]!.data)).toEqual(Array.from(b.params[0]!.data));
    expect(Array.from(a.params[0]!.data)).not.toEqual(Array.from(c.params[0]!.data));
  });

  it('inference outputs probabilities that sum to 1', () => {
    const net = new Network(resolveModel(branched), referenceKernels, 2, 1);
    net.setInput(Float32Array.from({ length: 120 }, (_, i) => Math.sin(i)), 2);
    const out = net.forward(false);
    expect(out[0]! + out[1]! + out[2]! + out[3]!).toBeCloseTo(1, 5);
    expect(out[4]! + out[5]! + out[6]! + out[7]!).toBeCloseTo(1, 5);
  });
});
