import { describe, expect, it } from 'vitest';
import { train } from '../../src/train/trainer.js';
import { learningRate, ScheduleConfig } from '../../src/train/schedules.js';
import { resolveModel } from '../../src/ir/index.js';
import type { Dataset } from '../../src/data/dataset.js';
import { Rng } from '../../src/util/random.js';
import { MlforgeError } from '../../src/errors.js';

// Two Gaussian blobs per class in 8-D: easy, so a few epochs must learn it.
function blobs(n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 8);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < 8; j++) x[i * 8 + j] = rng.normal() * 0.5 + (j % 3 === y[i] ? 2 : 0);
  }
  return { name: 'blobs', shape: [8], x, y, labels: ['a', 'b', 'c'] };
}

const mlp = resolveModel({ name: 'mlp', input: { shape: [8] }, layers: [
  { name: 'fc1', type: 'dense', units: 16 }, { name: 'bn', type: 'batch_norm' }, { name: 'r', type: 'relu' },
  { name: 'drop', type: 'dropout', rate: 0.1 },
  { name: 'fc2', type: 'dense', units: 3 }, { name: 'sm', type: 'softmax' },
] });

describe('train', () => {
  it('learns a separable problem with every optimizer', () => {
    for (const kind of ['adam', 'adamw', 'sgd'] as const) {
      const r = train(mlp, { train: blobs(300, 1), val: blobs(90, 2) }, { epochs: 6, batch: 16, lr: kind === 'sgd' ? 0.05 : 0.01, optimizer: { kind } });
      expect(r.history[0]!.trainLoss).toBeGreaterThan(r.history[r.history.length - 1]!.trainLoss);
      expect(r.val!.accuracy).toBeGreaterThan(0.9);
    }
  });

  it('is deterministic under a seed, for both kernel sets', () => {
    for (const kernels of ['reference', 'auto'] as const) {
      const run = (seed: number) => train(mlp, { train: blobs(200, 1) }, { epochs: 2, batch: 16, seed, kernels }).network.params.map((p) => Array.from(p.data));
      expect(run(3)).toEqual(run(3));
      expect(run(3)).not.toEqual(run(4));
    }
  });

  it('stops early and restores the best weights', () => {
    const r = train(mlp, { train: blobs(120, 1), val: blobs(60, 5) }, { epochs: 40, batch: 16, lr: 0.02, patience: 2 });
    expect(r.epochsRun).toBeLessThan(40);
    expect(r.bestEpoch).toBeLessThanOrEqual(r.epochsRun);
  });

  it('stops after maxSteps, mid-epoch, with the schedule spanning just those steps', () => {
    const steps: number[] = [];
    // 200 samples at batch 16: 13 steps per epoch, so step 20 falls in epoch 2.
    const r = train(mlp, { train: blobs(200, 1) }, { epochs: 5, batch: 16, lr: 0.01, maxSteps: 20 }, (e) => { if (e.kind === 'step') steps.push(e.step); });
    expect(steps.length).toBe(20);
    expect(r.epochsRun).toBe(2);
    // Cosine over 20 steps: the last step's rate is near the floor (1 % of the base), not mid-way as over 65 steps.
    expect(r.history[1]!.lr).toBeLessThan(0.001);
  });

  it('throws NUMERIC on divergence', () => {
    const d = blobs(100, 1);
    d.x.forEach((v, i) => (d.x[i] = v * 1e6));
    expect(() => train(mlp, { train: d }, { epochs: 3, lr: 1e30, optimizer: { kind: 'sgd' } })).toThrow(MlforgeError);
  });
});

describe('schedules', () => {
  it('warms up linearly, then follows cosine to minFactor', () => {
    const s = ScheduleConfig.parse({ kind: 'cosine', warmupSteps: 10, minFactor: 0.1 });
    expect(learningRate(s, 1, 0, 110)).toBeCloseTo(0.1);
    expect(learningRate(s, 1, 9, 110)).toBeCloseTo(1);
    expect(learningRate(s, 1, 10, 110)).toBeCloseTo(1);
    expect(learningRate(s, 1, 60, 110)).toBeCloseTo(0.55);
    expect(learningRate(s, 1, 110, 110)).toBeCloseTo(0.1);
    const st = ScheduleConfig.parse({ kind: 'step', stepEvery: 5, gamma: 0.5 });
    expect(learningRate(st, 1, 11, 100)).toBeCloseTo(0.25);
  });
});
