import { describe, expect, it } from 'vitest';
import { defaultFeatureBlocks, featureConfigs, featureView } from '../../src/agent/features.js';
import type { Dataset } from '../../src/data/dataset.js';
import { featureCost, type FeatureInput } from '../../src/dsp/index.js';
import { estimateDspCost } from '../../src/targets/dsp-cost.js';
import { findBoard } from '../../src/targets/boards.js';

describe('default audio feature blocks', () => {
  it('leave a 64-MHz Cortex-M4 room for a network within a 100-ms KWS budget', () => {
    const board = findBoard('nrf52840dk/nrf52840');
    for (const sampleRate of [16000, 8000]) {
      const raw = { kind: 'audio' as const, sampleRate, length: sampleRate, axes: 1 };
      const configs = featureConfigs(defaultFeatureBlocks(raw), raw, 'default features');
      const ms = configs.map((c) => estimateDspCost(featureCost(c), sampleRate, board).latencyMs);
      // 40-ms frames (a 1024-point FFT at 16 kHz) took ~110 ms alone.
      for (const m of ms) expect(m).toBeLessThan(60);
      expect(Math.min(...ms)).toBeLessThan(40);
    }
  });
});

describe('audio augmentation in a feature view', () => {
  const rate = 8000;
  const raw = { kind: 'audio' as const, sampleRate: rate, length: rate, axes: 1 };
  const split = (n: number, seed: number): Dataset => {
    const x = new Float32Array(n * rate);
    for (let i = 0; i < n; i++) for (let k = 0; k < rate; k++) x[i * rate + k] = Math.sin((2 * Math.PI * (300 + 97 * i + seed) * k) / rate) * (k > 2000 && k < 6000 ? 0.5 : 0.01);
    return { name: 's', shape: [rate, 1], x, y: Int32Array.from({ length: n }, (_, i) => i % 2), labels: ['a', 'b'], groups: Int32Array.from({ length: n }, (_, i) => 10 + i) };
  };
  const splits = { train: split(4, 0), val: split(2, 1), test: split(2, 2) };
  const [config] = featureConfigs([defaultFeatureBlocks(raw)[0]!], raw, 'features');
  const block = defaultFeatureBlocks(raw)[0] as FeatureInput;

  it('adds copies of the training clips only, with their labels and groups', () => {
    const plain = featureView(block, config!, splits);
    const aug = featureView(block, config!, splits, { copies: 2, warp: 0.1, shift: 800, seed: 1 });
    const per = plain.shape.reduce((a, b) => a * b, 1);
    expect(aug.train.y.length).toBe(12);
    expect([...aug.train.y]).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    expect([...aug.train.groups!]).toEqual([10, 11, 12, 13, 10, 11, 12, 13, 10, 11, 12, 13]);
    expect(aug.train.x.length).toBe(12 * per);
    expect([aug.val.y.length, aug.test.y.length]).toEqual([2, 2]);
    // A copy's features differ from its clip's (in the same normalization).
    const row = (d: Dataset, i: number) => [...d.x.subarray(i * per, (i + 1) * per)];
    expect(row(aug.train, 4)).not.toEqual(row(aug.train, 0));
    // The same seed gives the same view.
    expect(featureView(block, config!, splits, { copies: 2, warp: 0.1, shift: 800, seed: 1 }).train.x).toEqual(aug.train.x);
  });
});
