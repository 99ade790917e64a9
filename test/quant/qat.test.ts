import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../src/engine/kernels/reference.js';
import type { ModelInput } from '../../src/ir/index.js';
import {
  calibrate, evaluateInt8, FakeQuantizer, foldBatchNorm, lowerToInt8, networkFor, planQuantization, qatFineTune,
} from '../../src/quant/index.js';
import { activationQuant, representable } from '../../src/quant/qparams.js';
import { randomData, randomGraph, sequenceModel } from './helpers.js';

const oneDense: ModelInput = { name: 'one-dense', input: { shape: [6] }, layers: [{ name: 'fc', type: 'dense', units: 3 }] };

describe('quantization-aware training', () => {
  it('fake-quantizes outputs onto the grid and zeroes the gradient where the clamp cut', () => {
    const g = randomGraph(oneDense, 1);
    const plan = planQuantization(g.resolved);
    const ranges = new Map([[-1, { min: -3, max: 3 }], [0, { min: -0.2, max: 0.2 }]]);
    const net = networkFor(g, referenceKernels, 8);
    const fq = new FakeQuantizer(net, plan, ranges, 1); // decay 1: ranges stay put
    const x = randomData([6], 8, 3, 2).x;
    const hooks = net.hooks;
    net.hooks = {}; // the float reference first
    net.setInput(x, 8);
    const float = net.forward(true).slice();
    net.hooks = hooks;
    fq.input(x, true);
    net.setInput(x, 8);
    const out = net.forward(true);
    const q = activationQuant(ranges.get(0)!);
    const rep = representable(q);
    let clipped = 0;
    out.forEach((v, i) => {
      expect(Math.abs(v / q.scale - Math.round(v / q.scale))).toBeLessThan(1e-3);
      if (float[i]! < rep.min || float[i]! > rep.max) clipped++;
    });
    expect(clipped).toBeGreaterThan(0);
    const dOut = new Float32Array(24).fill(1);
    net.backward(dOut);
    // The bias gradient of output j counts the samples whose output j was inside the clamp.
    const bias = net.params.find((p) => p.name === 'fc/bias')!;
    for (let j = 0; j < 3; j++) {
      let inside = 0;
      for (let s = 0; s < 8; s++) if (float[s * 3 + j]! >= rep.min && float[s * 3 + j]! <= rep.max) inside++;
      expect(bias.grad[j]).toBe(inside);
    }
  });

  it('moves observed ranges toward each training batch by (1 - decay)', () => {
    const g = randomGraph(oneDense, 3);
    const plan = planQuantization(g.resolved);
    const net = networkFor(g, referenceKernels, 8);
    const x = randomData([6], 8, 3, 4).x;
    net.setInput(x, 8);
    const y = net.forward(true).slice(); // no hooks yet: float outputs
    const fq = new FakeQuantizer(net, plan, new Map([[-1, { min: -3, max: 3 }], [0, { min: -10, max: 10 }]]), 0.9);
    net.forward(true);
    const [lo, hi] = [Math.min(...y), Math.max(...y)];
    expect(fq.ranges.get(0)!.min).toBeCloseTo(0.9 * -10 + 0.1 * lo, 5);
    expect(fq.ranges.get(0)!.max).toBeCloseTo(0.9 * 10 + 0.1 * hi, 5);
    net.forward(false);
    expect(fq.ranges.get(0)!.max).toBeCloseTo(0.9 * 10 + 0.1 * hi, 5); // inference leaves ranges alone
  });

  it('fine-tunes a folded model whose result lowers and runs in int8', () => {
    const folded = foldBatchNorm(randomGraph(sequenceModel, 5));
    const plan = planQuantization(folded.resolved);
    const train = randomData([16, 3], 96, 4, 6);
    const ranges = calibrate(folded, plan, train, referenceKernels, { samples: 32 });
    const events: string[] = [];
    const r = qatFineTune(folded, plan, ranges, { train, val: train }, referenceKernels, { epochs: 2, lr: 1e-3, batch: 16 }, (e) => { if (e.kind === 'epoch') events.push(`epoch ${e.epoch}`); });
    expect(events).toEqual(['epoch 1', 'epoch 2']);
    expect(r.history.every((h) => Number.isFinite(h.loss) && h.valAccuracy !== undefined)).toBe(true);
    expect(r.graph.weights.get('fc2/kernel')).not.toEqual(folded.weights.get('fc2/kernel'));
    expect([...r.ranges.keys()].sort()).toEqual([...ranges.keys()].sort());
    const acc = evaluateInt8(lowerToInt8(r.graph, plan, r.ranges), train, { backend: 'reference' }).accuracy!;
    expect(acc).toBeGreaterThanOrEqual(0);
  });
});
